/**
 * How records look on the wire: key order and timestamp formats as recorded (obs. 1a, 8a, 9a, 9i,
 * 10a), and the list parameters shared by the resource listings.
 */
import type { JsonObject } from '../../spec/loader.ts';
import { apiError } from '../errors.ts';
import type { PlayedRelease } from '../release.ts';
import type { AccessTokenRecord, RefreshTokenRecord, UserRecord } from '../state/index.ts';

/** `YYYY-MM-DDTHH:MM:SS.ffffff`, UTC, no zone: how token creation answers (obs. 1a). */
export function microTimestamp(ms: number): string {
  const millis = Math.floor(ms) - Math.floor(ms / 1000) * 1000;
  return `${secondTimestamp(ms)}.${String(millis).padStart(3, '0')}000`;
}

/** `YYYY-MM-DDTHH:MM:SS`, UTC, whole seconds: how GET /token/{t} answers `issued_at` (obs. 8a). */
export function secondTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  let text = formattedSeconds.get(second);
  if (text === undefined) {
    // Date#toISOString was a tenth of a token answer's cost: each second is formatted once. Token
    // answers carry two seconds (issued, expires); a small cache, emptied when full, holds them.
    if (formattedSeconds.size >= 256) formattedSeconds.clear();
    text = new Date(second * 1000).toISOString().slice(0, 19);
    formattedSeconds.set(second, text);
  }
  return text;
}
const formattedSeconds = new Map<number, string>();

/**
 * The `data` of a token answer. On creation every time has microseconds; read back, the local times
 * have none and the `utc_` ones `.000000` (obs. 8a) from 25.02, none before (`utc-read-timestamps-fraction`,
 * spec/releases.yaml; `readFraction` false). `refresh_token` only on an offline login.
 */
export function tokenView(record: AccessTokenRecord, xivoUuid: string, mode: 'created' | 'read', refreshToken?: string, readFraction = true): JsonObject {
  const local = mode === 'created' ? microTimestamp : secondTimestamp;
  const utc = mode === 'created' ? microTimestamp : readFraction ? (ms: number) => `${secondTimestamp(ms)}.000000` : secondTimestamp;
  return {
    token: record.token,
    auth_id: record.userUuid,
    xivo_user_uuid: record.pbxUserUuid,
    xivo_uuid: xivoUuid,
    issued_at: local(record.issuedAtMs),
    expires_at: local(record.expiresAtMs),
    utc_issued_at: utc(record.issuedAtMs),
    utc_expires_at: utc(record.expiresAtMs),
    acl: [...record.acl],
    metadata: {
      uuid: record.userUuid,
      tenant_uuid: record.tenantUuid,
      auth_id: record.userUuid,
      pbx_user_uuid: record.pbxUserUuid,
      xivo_uuid: xivoUuid,
      purpose: record.purpose,
    },
    session_uuid: record.sessionUuid,
    remote_addr: record.remoteAddr,
    user_agent: record.userAgent,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
  };
}

/** A user, never with its password (obs. 10a); `authentication_method` from 24.08 (`user-authentication-method`). */
export function userView(user: UserRecord, release: PlayedRelease): JsonObject {
  const view: JsonObject = {
    uuid: user.uuid,
    username: user.username,
    firstname: user.firstname,
    lastname: user.lastname,
    purpose: user.purpose,
    emails: user.emails.map((e) => ({ uuid: e.uuid, address: e.address, main: e.main, confirmed: e.confirmed })),
    enabled: user.enabled,
    tenant_uuid: user.tenantUuid,
  };
  if (release.has('user-authentication-method')) view.authentication_method = user.authenticationMethod;
  return view;
}

/** A refresh token as listed: no value, no expiry (obs. 9a); `metadata` from 25.09 (`refresh-token-metadata`). */
export function refreshTokenView(record: RefreshTokenRecord, release: PlayedRelease): JsonObject {
  const view: JsonObject = {
    client_id: record.clientId,
    created_at: `${microTimestamp(record.createdAtMs)}+00:00`,
    mobile: record.mobile,
    user_uuid: record.userUuid,
    tenant_uuid: record.tenantUuid,
  };
  if (release.has('refresh-token-metadata')) view.metadata = {};
  return view;
}

/** A session (obs. 9i). */
export function sessionView(record: AccessTokenRecord): JsonObject {
  return { uuid: record.sessionUuid, mobile: record.mobile, tenant_uuid: record.tenantUuid, user_uuid: record.userUuid };
}

/** How a listing searches and sorts by default. */
export interface ListRules {
  /** Fields `search` looks into (case-insensitive substring). */
  searchFields: string[];
  /** Sort field when `order` is absent; insertion order when undefined. */
  defaultOrder?: string;
  /** The fields `order` accepts (upstream's `sort_columns`); default: the views' scalar fields. */
  sortColumns?: string[];
}

/**
 * Applies `search`, `order`, `direction`, `offset` and `limit` (already validated by the spec) to
 * views. `total` counts before the search, `filtered` after it (obs. 10b2).
 */
export function listPage(views: JsonObject[], query: Record<string, unknown>, rules: ListRules): { total: number; filtered: number; items: JsonObject[] } {
  const search = typeof query.search === 'string' ? query.search.toLowerCase() : undefined;
  const matches = (view: JsonObject): boolean =>
    rules.searchFields.some((field) => {
      const value = view[field];
      // Lists (a user's emails) are searched by their addresses.
      if (Array.isArray(value)) return value.some((v) => typeof v?.address === 'string' && v.address.toLowerCase().includes(search!));
      return typeof value === 'string' && value.toLowerCase().includes(search!);
    });
  const filtered = search ? views.filter(matches) : [...views];
  const order = typeof query.order === 'string' ? query.order : rules.defaultOrder;
  if (order !== undefined) {
    const sortable = rules.sortColumns ?? (views.length > 0 ? Object.keys(views[0]!).filter((k) => typeof views[0]![k] !== 'object' || views[0]![k] === null) : [order]);
    if (!sortable.includes(order) && (views.length > 0 || rules.sortColumns)) {
      const message = `Must be one of: ${sortable.join(', ')}.`;
      throw apiError(400, message, 'invalid-list-param', { order: { constraint_id: 'enum', constraint: { choices: sortable }, message } }, 'users');
    }
    const sign = query.direction === 'desc' ? -1 : 1;
    filtered.sort((a, b) => sign * compare(a[order], b[order]));
  } else if (query.direction === 'desc') {
    filtered.reverse();
  }
  const offset = typeof query.offset === 'number' ? query.offset : 0;
  const limit = typeof query.limit === 'number' ? query.limit : undefined;
  const items = filtered.slice(offset, limit === undefined ? undefined : offset + limit);
  return { total: views.length, filtered: filtered.length, items };
}

/** Ascending order as PostgreSQL sorts it: nulls last (and so first when descending). */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'boolean' || typeof a === 'number') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : 1;
}

/**
 * Access tokens and their sessions. wazo-auth creates one session per access token and ends both
 * together, so one record holds both; maps index it by token, by user and by the refresh
 * token it was obtained with (login or refresh grant), which is what mobile revocation needs.
 */
import { compileAcl, type AccessChecker } from '../acl.ts';

/** An access token with its session, frozen at issue time (deleting the user keeps it valid, obs. 13b). */
export interface AccessTokenRecord {
  token: string;
  sessionUuid: string;
  userUuid: string;
  tenantUuid: string;
  purpose: string;
  /** The PBX user's UUID: the user's own for purpose `user`, null otherwise (obs. 1a, 1f). */
  pbxUserUuid: string | null;
  acl: readonly string[];
  issuedAtMs: number;
  expiresAtMs: number;
  mobile: boolean;
  /** The refresh token this session was created with, if any. */
  refreshToken?: string;
  remoteAddr: string;
  userAgent: string;
}

/** Store of live access tokens; expired ones are dropped on lookup and by {@link sweep}. */
export class AccessTokenStore {
  /**
   * `expiryEnforced`: false while the behaviour fault `expired-tokens-valid` is on (mock/faults.ts):
   * expired tokens then stay valid, are listed and are never swept.
   */
  constructor(private readonly expiryEnforced: () => boolean = () => true) {}

  private expired(record: AccessTokenRecord, nowMs: number): boolean {
    return record.expiresAtMs <= nowMs && this.expiryEnforced();
  }

  private readonly byToken = new Map<string, AccessTokenRecord>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly byRefresh = new Map<string, Set<string>>();
  private readonly checkers = new WeakMap<AccessTokenRecord, AccessChecker>();

  add(record: AccessTokenRecord): void {
    this.byToken.set(record.token, record);
    addTo(this.byUser, record.userUuid, record.token);
    if (record.refreshToken) addTo(this.byRefresh, record.refreshToken, record.token);
  }

  /** The live token, or undefined when unknown or expired at `nowMs`. */
  get(token: string, nowMs: number): AccessTokenRecord | undefined {
    const record = this.byToken.get(token);
    if (!record) return undefined;
    if (this.expired(record, nowMs)) {
      this.remove(token);
      return undefined;
    }
    return record;
  }

  /**
   * The user's live session `sessionUuid`. Sessions are only ever addressed under their user, who
   * holds at most a hundred: a scan of the user's tokens spares an index entry per token (~45 bytes).
   */
  sessionOfUser(userUuid: string, sessionUuid: string, nowMs: number): AccessTokenRecord | undefined {
    return this.forUser(userUuid, nowMs).find((record) => record.sessionUuid === sessionUuid);
  }

  /** The token's ACL checker, compiled once per token. */
  access(record: AccessTokenRecord): AccessChecker {
    let checker = this.checkers.get(record);
    if (!checker) {
      checker = compileAcl(record.acl, { userUuid: record.userUuid, sessionUuid: record.sessionUuid });
      this.checkers.set(record, checker);
    }
    return checker;
  }

  /** Ends a token and its session; true if it existed. */
  remove(token: string): boolean {
    const record = this.byToken.get(token);
    if (!record) return false;
    this.byToken.delete(token);
    removeFrom(this.byUser, record.userUuid, token);
    if (record.refreshToken) removeFrom(this.byRefresh, record.refreshToken, token);
    return true;
  }

  /** The user's live tokens (expired ones are dropped on the way). */
  forUser(userUuid: string, nowMs: number): AccessTokenRecord[] {
    return this.liveIn(this.byUser.get(userUuid), nowMs);
  }

  /**
   * Whether the user holds at least `limit` live sessions. O(1) while the user's stored tokens (live or
   * expired, not yet swept) are fewer than the limit; only then are the expired ones dropped and the
   * live ones counted.
   */
  userHasAtLeast(userUuid: string, limit: number, nowMs: number): boolean {
    if ((this.byUser.get(userUuid)?.size ?? 0) < limit) return false;
    return this.forUser(userUuid, nowMs).length >= limit;
  }

  /** How many live sessions the user holds. */
  countForUser(userUuid: string, nowMs: number): number {
    return this.forUser(userUuid, nowMs).length;
  }

  /** The live sessions created with a refresh token (its login and its grants). */
  forRefreshToken(refreshToken: string, nowMs: number): AccessTokenRecord[] {
    return this.liveIn(this.byRefresh.get(refreshToken), nowMs);
  }

  /** Ends every live session created with a refresh token; returns how many were live. */
  removeByRefreshToken(refreshToken: string, nowMs: number): number {
    const live = this.liveIn(this.byRefresh.get(refreshToken), nowMs);
    for (const record of live) this.remove(record.token);
    return live.length;
  }

  /** Ends every session of a user; returns how many were live. */
  removeForUser(userUuid: string, nowMs: number): number {
    const live = this.forUser(userUuid, nowMs);
    for (const record of live) this.remove(record.token);
    return live.length;
  }

  /** Every live token. */
  list(nowMs: number): AccessTokenRecord[] {
    return [...this.byToken.values()].filter((r) => !this.expired(r, nowMs));
  }

  get size(): number {
    return this.byToken.size;
  }

  /**
   * Drops expired tokens, yielding to the event loop every `batch` entries so that a large sweep never
   * stalls requests. Returns how many were dropped.
   */
  async sweep(now: () => number, batch = 1000): Promise<number> {
    let removed = 0;
    let seen = 0;
    for (const [token, record] of this.byToken) {
      if (this.expired(record, now())) {
        this.remove(token);
        removed += 1;
      }
      seen += 1;
      if (seen % batch === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return removed;
  }

  clear(): void {
    this.byToken.clear();
    this.byUser.clear();
    this.byRefresh.clear();
  }

  private liveIn(tokens: Set<string> | undefined, nowMs: number): AccessTokenRecord[] {
    if (!tokens) return [];
    const out: AccessTokenRecord[] = [];
    for (const token of [...tokens]) {
      const record = this.get(token, nowMs);
      if (record) out.push(record);
    }
    return out;
  }
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(value);
}

function removeFrom(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

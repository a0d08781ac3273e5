/**
 * Tokens: POST /token (Basic login, offline login, refresh grant), GET/HEAD/DELETE /token/{token},
 * scope checks, and the refresh-token listings and deletion.
 */
import { defaultsOf, type JsonObject } from '../../spec/loader.ts';
import { errors } from '../errors.ts';
import { REFRESH_TOKEN_LIFETIME_S } from '../faults.ts';
import type { AccessTokenRecord, IssueResult, TokenRequest } from '../state/index.ts';
import { isUuid, targetUser } from './common.ts';
import type { Handler, HandlerContext } from './types.ts';
import { listPage, refreshTokenView, tokenView } from './views.ts';

/**
 * Basic credentials, or undefined when absent or unreadable. Malformed base64 is refused here with the
 * usual 401, where the real service answers 500 (obs. 7d; a deliberate difference, see README).
 */
export function basicCredentials(header: string | undefined): { login: string; password: string } | undefined {
  const match = /^Basic[ \t]+([^ \t]*)[ \t]*$/i.exec(header ?? '');
  if (!match) return undefined;
  const encoded = match[1]!;
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined; // obs. 7d2
  return { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `Wazo-Session-Type: mobile`, in any letter case (obs. 11k). */
const isMobile = (value: unknown): boolean => typeof value === 'string' && value.trim().toLowerCase() === 'mobile';

/** {@link tokenView} with the behaviour faults that change a token answer (mock/faults.ts). */
function tokenAnswer(context: HandlerContext, record: AccessTokenRecord, mode: 'created' | 'read', refreshToken?: string): JsonObject {
  const view = tokenView(record, context.state.xivoUuid, mode, refreshToken, context.state.release.has('utc-read-timestamps-fraction'));
  // Fault `expires-at-off-by-an-hour`: expires_at in a UTC+1 local time, issued_at and the utc_ pair right.
  if (context.faults.has('expires-at-off-by-an-hour')) view.expires_at = tokenView({ ...record, expiresAtMs: record.expiresAtMs + 3_600_000 }, '', mode).expires_at!;
  // Fault `utc-expires-at-missing`.
  if (context.faults.has('utc-expires-at-missing')) delete view.utc_expires_at;
  return view;
}

const createToken: Handler = (context) => {
  const { body, state, faults } = context;
  const sessionType = context.params.header['wazo-session-type'];
  const request: TokenRequest = {
    // Fault `expiration-ignored`: always the spec's default lifetime.
    expirationSeconds: Number(faults.has('expiration-ignored') ? defaultsOf(context.operation.requestBody!.object).expiration : body.expiration),
    // Fault `session-type-case-sensitive`: only the exact lower-case value counts.
    mobile: faults.has('session-type-case-sensitive') ? sessionType === 'mobile' : isMobile(sessionType),
    remoteAddr: context.remoteAddr,
    userAgent: context.userAgent,
  };
  let result: IssueResult;
  if (typeof body.refresh_token === 'string' && body.refresh_token !== '') {
    const value = body.refresh_token;
    let clientId = String(body.client_id);
    const stored = state.refreshTokens.get(value);
    // Fault `refresh-any-client-id`: the refresh token's own client_id is used instead of being checked.
    if (faults.has('refresh-any-client-id') && stored) clientId = stored.clientId;
    // Fault `access-token-as-refresh-token`: a live access token logs its user in again.
    const asAccess = faults.has('access-token-as-refresh-token') && !stored ? state.findAccessToken(value.toLowerCase()) : undefined;
    const asAccessUser = asAccess && state.users.get(asAccess.userUuid);
    // Fault `refresh-tokens-expire`: refused once every session created with it has expired.
    if (faults.has('refresh-tokens-expire') && stored && state.accessTokens.forRefreshToken(value, state.now()).length === 0) throw errors.authenticationFailed();
    // Fault `refresh-tokens-die`: refused a few seconds after its creation.
    if (faults.has('refresh-tokens-die') && stored && state.now() - stored.createdAtMs > REFRESH_TOKEN_LIFETIME_S * 1000) throw errors.authenticationFailed();
    // The refresh token wins over any Basic credentials, even another user's (obs. 3b, 3c).
    result = asAccessUser ? state.login(asAccessUser, request) : state.refresh(value, clientId, request);
  } else {
    // Before 24.08 (`token-backend-ignored`) `backend` chose the authentication plugin: an unknown one fails.
    if (!state.release.has('token-backend-ignored') && body.backend !== undefined && body.backend !== 'wazo_user') {
      if (body.backend === 'ldap_user' && body.tenant_id === undefined && body.domain_name === undefined) throw errors.ldapNeedsDomain();
      throw errors.authenticationFailed();
    }
    const credentials = basicCredentials(context.authorization);
    // Fault `wrong-password-accepted`: the login is looked up, the password never compared.
    const user = credentials && (faults.has('wrong-password-accepted') ? state.users.findByLogin(credentials.login) : state.authenticate(credentials.login, credentials.password));
    if (!user) throw errors.authenticationFailed();
    const offline = body.access_type === 'offline' ? { clientId: String(body.client_id) } : undefined;
    // Fault `desktop-offline-new-refresh-token`: the existing refresh token is replaced by a new one.
    const existing = offline && !request.mobile && faults.has('desktop-offline-new-refresh-token') ? state.refreshTokens.find(user.uuid, offline.clientId) : undefined;
    if (existing) state.refreshTokens.remove(existing.token);
    result = state.login(user, request, offline);
  }
  if (!result.ok) throw result.reason === 'too-many-sessions' ? errors.tooManySessions(result.userUuid) : errors.authenticationFailed();
  const headers: Record<string, string> = {};
  // From the release after 26.05 (`sessions-revoked-header`). Fault `sessions-revoked-header-missing`.
  if (state.release.has('sessions-revoked-header') && !faults.has('sessions-revoked-header-missing')) headers['Wazo-Sessions-Revoked'] = String(result.sessionsRevoked);
  return {
    status: 200,
    headers,
    // Fault `offline-no-refresh-token`: the refresh token is created but not sent.
    body: { data: tokenAnswer(context, result.token, 'created', faults.has('offline-no-refresh-token') ? undefined : result.refreshToken?.token) },
  };
};

/** The live access token of the path, checked against `?scope=` and `?tenant=`. */
function pathToken(context: HandlerContext): AccessTokenRecord {
  const value = context.params.path.token;
  // Non-UUID tokens: JSON 404 where the real service sends an HTML page (obs. 8c3).
  const record = isUuid(value) ? context.state.findAccessToken(value.toLowerCase()) : undefined;
  if (!record) throw errors.noSuchToken();
  const { scope, tenant } = context.params.query;
  // Fault `scope-not-checked`: `?scope=` is ignored.
  if (typeof scope === 'string' && !context.faults.has('scope-not-checked') && !context.state.accessTokens.access(record).matches(scope)) throw errors.scopeRefused(scope);
  if (typeof tenant === 'string' && tenant !== record.tenantUuid) throw errors.tenantRefused(tenant);
  return record;
}

/** Fault `unknown-token-200`: a token the mock does not know is answered as if valid. */
const unknownTokenAnswered = (context: HandlerContext): boolean =>
  context.faults.has('unknown-token-200') && !(isUuid(context.params.path.token) && context.state.findAccessToken(context.params.path.token.toLowerCase()));

const getToken: Handler = (context) => {
  if (unknownTokenAnswered(context)) return { status: 200, body: { data: { token: context.params.path.token, acl: [] } } };
  return { status: 200, body: { data: tokenAnswer(context, pathToken(context), 'read') } };
};

const checkToken: Handler = (context) => {
  if (!unknownTokenAnswered(context)) pathToken(context);
  return { status: 204 };
};

const revokeToken: Handler = (context) => {
  const value = context.params.path.token;
  if (!isUuid(value)) throw errors.noSuchToken();
  // Fault `delete-token-not-revoking`: the answer says success, the token lives on.
  if (!context.faults.has('delete-token-not-revoking')) context.state.revokeAccessToken(value.toLowerCase()); // unknown tokens too: 200 (obs. 8f2)
  return { status: 200, body: { data: { message: 'success' } } };
};

const checkTokenScopes: Handler = (context) => {
  const value = context.params.path.token;
  const record = isUuid(value) ? context.state.findAccessToken(value.toLowerCase()) : undefined;
  if (!record) throw errors.noSuchToken();
  const access = context.state.accessTokens.access(record);
  const scopes = [...new Set(context.body.scopes as string[])];
  return { status: 200, body: { scopes: Object.fromEntries(scopes.map((scope) => [scope, access.matches(scope)])) } };
};

const REFRESH_LIST = { searchFields: ['client_id'], defaultOrder: 'created_at' };

const listRefreshTokens: Handler = (context) => ({
  status: 200,
  body: listPage(context.state.refreshTokens.list().map((r) => refreshTokenView(r, context.state.release)), context.params.query, REFRESH_LIST),
});

const listUserRefreshTokens: Handler = (context) => {
  const raw = context.params.path.user_uuid_or_me;
  const userUuid = targetUser(context, raw);
  if (raw !== 'me' && !context.state.users.has(userUuid)) throw errors.unknownUser(String(raw));
  return { status: 200, body: listPage(context.state.refreshTokens.forUser(userUuid).map((r) => refreshTokenView(r, context.state.release)), context.params.query, REFRESH_LIST) };
};

const deleteRefreshToken: Handler = (context) => {
  const userUuid = targetUser(context, context.params.path.user_uuid_or_me);
  const clientId = String(context.params.path.client_id);
  const refreshToken = context.state.refreshTokens.find(userUuid, clientId);
  if (!refreshToken) throw errors.unknownRefreshToken(clientId); // obs. 9f
  // Access tokens obtained with it stay valid (obs. 9g). Fault `refresh-delete-not-revoking`: 204, nothing removed.
  if (!context.faults.has('refresh-delete-not-revoking')) context.state.refreshTokens.remove(refreshToken.token);
  return { status: 204 };
};

/** Handlers of the token operations, by operationId. */
export const tokenHandlers: Record<string, Handler> = {
  createToken,
  getToken,
  checkToken,
  revokeToken,
  checkTokenScopes,
  listRefreshTokens,
  listUserRefreshTokens,
  deleteRefreshToken,
};

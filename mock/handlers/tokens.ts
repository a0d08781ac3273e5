/**
 * Tokens: POST /token (Basic login, offline login, refresh grant), GET/HEAD/DELETE /token/{token},
 * scope checks, and the refresh-token listings and deletion.
 */
import { errors } from '../errors.ts';
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

const createToken: Handler = (context) => {
  const { body, state } = context;
  const request: TokenRequest = {
    expirationSeconds: Number(body.expiration),
    mobile: isMobile(context.params.header['wazo-session-type']),
    remoteAddr: context.remoteAddr,
    userAgent: context.userAgent,
  };
  let result: IssueResult;
  if (typeof body.refresh_token === 'string' && body.refresh_token !== '') {
    // The refresh token wins over any Basic credentials, even another user's (obs. 3b, 3c).
    result = state.refresh(body.refresh_token, String(body.client_id), request);
  } else {
    const credentials = basicCredentials(context.authorization);
    const user = credentials && state.authenticate(credentials.login, credentials.password);
    if (!user) throw errors.authenticationFailed();
    const offline = body.access_type === 'offline' ? { clientId: String(body.client_id) } : undefined;
    result = state.login(user, request, offline);
  }
  if (!result.ok) throw result.reason === 'too-many-sessions' ? errors.tooManySessions(result.userUuid) : errors.authenticationFailed();
  return {
    status: 200,
    headers: { 'Wazo-Sessions-Revoked': String(result.sessionsRevoked) },
    body: { data: tokenView(result.token, state.xivoUuid, 'created', result.refreshToken?.token) },
  };
};

/** The live access token of the path, checked against `?scope=` and `?tenant=`. */
function pathToken(context: HandlerContext): AccessTokenRecord {
  const value = context.params.path.token;
  // Non-UUID tokens: JSON 404 where the real service sends an HTML page (obs. 8c3).
  const record = isUuid(value) ? context.state.findAccessToken(value.toLowerCase()) : undefined;
  if (!record) throw errors.noSuchToken();
  const { scope, tenant } = context.params.query;
  if (typeof scope === 'string' && !context.state.accessTokens.access(record).matches(scope)) throw errors.scopeRefused(scope);
  if (typeof tenant === 'string' && tenant !== record.tenantUuid) throw errors.tenantRefused(tenant);
  return record;
}

const getToken: Handler = (context) => ({
  status: 200,
  body: { data: tokenView(pathToken(context), context.state.xivoUuid, 'read') },
});

const checkToken: Handler = (context) => {
  pathToken(context);
  return { status: 204 };
};

const revokeToken: Handler = (context) => {
  const value = context.params.path.token;
  if (!isUuid(value)) throw errors.noSuchToken();
  context.state.revokeAccessToken(value.toLowerCase()); // unknown tokens too: 200 (obs. 8f2)
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
  body: listPage(context.state.refreshTokens.list().map(refreshTokenView), context.params.query, REFRESH_LIST),
});

const listUserRefreshTokens: Handler = (context) => {
  const raw = context.params.path.user_uuid_or_me;
  const userUuid = targetUser(context, raw);
  if (raw !== 'me' && !context.state.users.has(userUuid)) throw errors.unknownUser(String(raw));
  return { status: 200, body: listPage(context.state.refreshTokens.forUser(userUuid).map(refreshTokenView), context.params.query, REFRESH_LIST) };
};

const deleteRefreshToken: Handler = (context) => {
  const userUuid = targetUser(context, context.params.path.user_uuid_or_me);
  const clientId = String(context.params.path.client_id);
  const refreshToken = context.state.refreshTokens.find(userUuid, clientId);
  if (!refreshToken) throw errors.unknownRefreshToken(clientId); // obs. 9f
  // Access tokens obtained with it stay valid (obs. 9g).
  context.state.refreshTokens.remove(refreshToken.token);
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

/**
 * Password reset (upstream plugins/http/password_reset/http.py; observed on the real 24.01, 25.01, 26.05
 * and master): GET sends the mail, always 204 for a well-formed request; POST sets the password with the
 * mail's token, which must carry `auth.users.password.reset.{user_uuid}.create` for the query's user.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { apiError, errors, type MockHttpError } from '../errors.ts';
import type { BehaviourFault } from '../faults.ts';
import { requestReset, resetAcl, resetPassword as applyReset, type ResetQuery } from '../state/emails.ts';
import type { AccessTokenRecord, MockState } from '../state/index.ts';
import { connectionParams } from './mail-link.ts';
import type { Handler } from './types.ts';

/** upstream's bare `Unauthorized(token_id)`: `details` has the token only. */
const unauthorized = (token: string): MockHttpError => apiError(401, 'Unauthorized', 'unauthorized', { invalid_token: token });

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * The token check of POST /users/password/reset, run before the body is read (as upstream does): the
 * X-Auth-Token header or `?token=` (`extract_token_id_from_query_or_header`, every release) must carry
 * the reset ACL for `user_uuid` (absent: the string `None`, as Python formats it).
 */
export function authorizeReset(
  state: MockState,
  headers: IncomingHttpHeaders,
  query: Record<string, string>,
  faults: ReadonlySet<BehaviourFault>,
): AccessTokenRecord {
  const token = (first(headers['x-auth-token']) ?? query.token ?? '').trim();
  const record = token === '' ? undefined : state.findAccessToken(token.toLowerCase());
  if (!record) throw unauthorized(token);
  const required = resetAcl(query.user_uuid ?? 'None');
  const access = state.accessTokens.access(record);
  // Fault `reset-token-any-user`: a reset token of one user resets any user's password.
  const anyUser = faults.has('reset-token-any-user') && record.acl.some((entry) => /^auth\.users\.password\.reset\.[^.]+\.create$/.test(entry));
  if (!anyUser && !faults.has('acl-not-checked') && !access.matches(required)) throw unauthorized(token);
  return record;
}

const requestPasswordReset: Handler = (context) => {
  const q = context.params.query;
  const given = (['username', 'email', 'login'] as const).filter((key) => typeof q[key] === 'string');
  if (given.length !== 1) throw apiError(400, ['"username" or "email" or "login" should be used'], 'invalid-data', {}, 'reset');
  const query: ResetQuery = { [given[0]!]: String(q[given[0]!]) };
  const mail = requestReset(context.state, query, connectionParams(context));
  // Fault `reset-reveals-unknown-user`: an unknown user gets 404, telling who has an account.
  if (!mail && context.faults.has('reset-reveals-unknown-user') && !context.state.users.list().some((u) => u.username === query.username || u.username === query.login)) {
    throw errors.unknownUser(String(query.username ?? query.login ?? query.email));
  }
  return { status: 204 };
};

const resetPassword: Handler = (context) => {
  const userUuid = String(context.params.query.user_uuid ?? 'None');
  const password = typeof context.body.password === 'string' ? context.body.password : null;
  const endSessions = context.state.release.has('password-change-revokes-sessions');
  if (!applyReset(context.state, userUuid.toLowerCase(), password, endSessions)) throw errors.unknownUser(userUuid);
  return { status: 204 };
};

/** Handlers of the password-reset operations, by operationId. */
export const passwordResetHandlers: Record<string, Handler> = {
  requestPasswordReset,
  resetPassword,
};

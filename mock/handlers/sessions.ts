/** Sessions: one per access token; listing and ending them (obs. 9i, 11m). */
import { errors } from '../errors.ts';
import { targetUser } from './common.ts';
import type { Handler, HandlerContext } from './types.ts';
import { listPage, sessionView } from './views.ts';

function existingUserUuid(context: HandlerContext): string {
  const uuid = targetUser(context, context.params.path.user_uuid);
  if (!context.state.users.has(uuid)) throw errors.unknownUser(String(context.params.path.user_uuid));
  return uuid;
}

const listUserSessions: Handler = (context) => {
  const userUuid = existingUserUuid(context);
  const views = context.state.accessTokens.forUser(userUuid, context.state.now()).map(sessionView);
  // The real order is undefined (obs. 9i); the mock lists oldest first unless `order` says otherwise.
  const { total, filtered, items } = listPage(views, context.params.query, { searchFields: [] });
  return { status: 200, body: { items, total, filtered } };
};

const deleteUserSession: Handler = (context) => {
  const userUuid = existingUserUuid(context);
  const sessionUuid = String(context.params.path.session_uuid).toLowerCase();
  const record = context.state.accessTokens.sessionOfUser(userUuid, sessionUuid, context.state.now());
  if (!record) throw errors.unknownSession(sessionUuid);
  context.state.revokeAccessToken(record.token);
  return { status: 204 };
};

/** Handlers of the session operations, by operationId. */
export const sessionHandlers: Record<string, Handler> = { listUserSessions, deleteUserSession };

/**
 * GET /sessions and DELETE /sessions/{uuid} (upstream `plugins/http/sessions`): every session of the
 * caller's tenant, and ending any of them. The mock's tenant tree has one level, so `recurse` changes
 * nothing; `search` is ignored as by the real service (observed on 26.05).
 */
import type { Handler } from './types.ts';
import { listPage, sessionView } from './views.ts';

const listSessions: Handler = (context) => {
  const tenantUuid = context.caller!.tenantUuid;
  const now = context.state.now();
  const views = context.state.accessTokens
    .list(now)
    .filter((record) => record.tenantUuid === tenantUuid)
    .map(sessionView);
  const { search: _ignored, ...query } = context.params.query;
  const { total, filtered, items } = listPage(views, query, { searchFields: [] });
  return { status: 200, body: { items, total, filtered } };
};

/** 204 whether or not the session exists (observed on every release); the session's token stops working. */
const deleteSession: Handler = (context) => {
  const tenantUuid = context.caller!.tenantUuid;
  const sessionUuid = String(context.params.path.session_uuid).toLowerCase();
  const record = context.state.accessTokens.list(context.state.now()).find((r) => r.sessionUuid === sessionUuid && r.tenantUuid === tenantUuid);
  // Fault `session-delete-keeps-token`: the answer says ended, the token lives on.
  if (record && !context.faults.has('session-delete-keeps-token')) context.state.revokeAccessToken(record.token);
  return { status: 204 };
};

/** Handlers of the tenant-wide session operations, by operationId. */
export const tenantSessionHandlers: Record<string, Handler> = { listSessions, deleteSession };

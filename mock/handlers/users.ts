/** Users: list, create, read, replace, delete, change password (obs. 10). */
import { errors } from '../errors.ts';
import type { JsonObject } from '../../spec/loader.ts';
import { targetUser } from './common.ts';
import type { Handler, HandlerContext } from './types.ts';
import { listPage, userView } from './views.ts';

const USER_LIST = { searchFields: ['username', 'firstname', 'lastname', 'emails'], defaultOrder: 'username' };

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function existingUser(context: HandlerContext) {
  const uuid = targetUser(context, context.params.path.user_uuid);
  const user = context.state.users.get(uuid);
  if (!user) throw errors.unknownUser(String(context.params.path.user_uuid));
  return user;
}

const listUsers: Handler = (context) => {
  // The users of the scoping tenant (Wazo-Tenant, else the token's), with `recurse` those of its whole
  // subtree (observed on 24.01–master: a sub-tenant's user is listed only with recurse=true).
  const { tenants } = context.state;
  const scope = str(context.params.header['wazo-tenant']) || context.caller?.tenantUuid || tenants.master;
  const inScope = context.params.query.recurse === true ? (tenant: string) => tenants.within(scope, tenant) : (tenant: string) => tenant === scope;
  const views = context.state.users.list().filter((u) => inScope(u.tenantUuid)).map((u) => userView(u, context.state.release));
  const { total, filtered, items } = listPage(views, context.params.query, USER_LIST);
  return { status: 200, body: { filtered, total, items } };
};

const createUser: Handler = (context) => {
  const body: JsonObject = context.body;
  const { users } = context.state;
  const uuid = str(body.uuid)?.toLowerCase();
  if (uuid && users.has(uuid)) throw errors.uuidTaken(uuid);
  const username = str(body.username);
  if (username && users.loginTaken(username)) throw errors.loginTaken('username', username);
  const email = str(body.email_address);
  if (email && users.loginTaken(email)) throw errors.loginTaken('email_address', email);
  // An empty Wazo-Tenant is no tenant: the caller's (the fuzz phase found a user created with tenant_uuid "").
  const tenant = str(context.params.header['wazo-tenant']) || context.caller?.tenantUuid;
  const user = users.create({
    uuid: uuid ?? undefined,
    username,
    password: str(body.password),
    firstname: str(body.firstname),
    lastname: str(body.lastname),
    emailAddress: email,
    // A body of [] creates a plain, enabled user (obs. 10a4).
    purpose: str(body.purpose) ?? 'user',
    enabled: typeof body.enabled === 'boolean' ? body.enabled : true,
    tenantUuid: tenant ?? context.state.users.list()[0]?.tenantUuid ?? '',
  });
  // 200, not 201 (obs. 10a); fault `user-creation-201` answers the REST-textbook 201.
  return { status: context.faults.has('user-creation-201') ? 201 : 200, body: userView(user, context.state.release) };
};

const getUser: Handler = (context) => ({ status: 200, body: userView(existingUser(context), context.state.release) });

const updateUser: Handler = (context) => {
  const user = existingUser(context);
  const body = context.body;
  const username = str(body.username);
  if (username && context.state.users.loginTaken(username, user.uuid)) throw errors.loginTaken('username', username);
  // PUT replaces: omitted fields become null (obs. 10d2).
  const updated = context.state.users.replace(user.uuid, {
    username,
    firstname: str(body.firstname),
    lastname: str(body.lastname),
    purpose: str(body.purpose) ?? user.purpose,
    enabled: typeof body.enabled === 'boolean' ? body.enabled : user.enabled,
  });
  return { status: 200, body: userView(updated ?? user, context.state.release) };
};

const deleteUser: Handler = (context) => {
  const user = existingUser(context);
  // Its access tokens stay valid (obs. 13b). Fault `user-deletion-not-deleting`: 204, the user stays.
  if (!context.faults.has('user-deletion-not-deleting')) context.state.deleteUser(user.uuid);
  return { status: 204 };
};

const changeUserPassword: Handler = (context) => {
  const user = existingUser(context);
  // Fault `password-change-keeps-sessions`: no session ends, whatever the release does.
  const keep = context.faults.has('password-change-keeps-sessions') ? { endSessions: false } : {};
  const outcome = context.state.changePassword(user.uuid, String(context.body.old_password), String(context.body.new_password), keep);
  if (outcome === 'wrong-password') throw errors.authenticationFailed(); // Error shape (obs. 10e2)
  if (outcome === 'unknown-user') throw errors.unknownUser(user.uuid);
  return { status: 204 };
};

/** Handlers of the user operations, by operationId. */
export const userHandlers: Record<string, Handler> = {
  listUsers,
  createUser,
  getUser,
  updateUser,
  deleteUser,
  changeUserPassword,
};

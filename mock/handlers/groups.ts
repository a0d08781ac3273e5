/**
 * Groups (upstream plugin `groups`) and their members (`user_group`). Every user is a member of its
 * tenant's system-managed all-users group, which refuses renaming, deletion and membership edits
 * (403 `forbidden-group`), but takes policies. Facts measured on 24.01, 25.01, 26.05 and master.
 */
import type { JsonObject } from '../../spec/loader.ts';
import { errors } from '../errors.ts';
import type { GroupRecord } from '../state/index.ts';
import { callerTenants } from './policies.ts';
import type { Handler, HandlerContext } from './types.ts';
import { listPage, userView } from './views.ts';

const GROUP_LIST = { searchFields: ['name'], defaultOrder: 'name', sortColumns: ['name', 'slug', 'uuid', 'read_only'] };
const USER_GROUP_LIST = { searchFields: ['name'], defaultOrder: 'name', sortColumns: ['name', 'uuid'] };
const GROUP_USER_LIST = { searchFields: ['username', 'firstname', 'lastname'], defaultOrder: 'username', sortColumns: ['username'] };

/** A group on the wire. `read_only` is `system_managed` again (upstream `GroupFullSchema`). */
export function groupView(group: GroupRecord): JsonObject {
  return { uuid: group.uuid, tenant_uuid: group.tenantUuid, name: group.name, slug: group.slug, read_only: group.systemManaged, system_managed: group.systemManaged };
}

function existingGroup(context: HandlerContext): GroupRecord {
  const uuid = String(context.params.path.group_uuid);
  const group = context.state.policies.findGroup(uuid, callerTenants(context));
  if (!group) throw errors.unknownGroup(uuid);
  return group;
}

/** Members of a group: for the all-users group, every user of its tenant. */
function members(context: HandlerContext, group: GroupRecord): string[] {
  if (group.systemManaged) return context.state.users.list().filter((u) => u.tenantUuid === group.tenantUuid).map((u) => u.uuid);
  return context.state.policies.usersOfGroup(group.uuid);
}

const listGroups: Handler = (context) => {
  const views = context.state.policies.listGroups(callerTenants(context)).map(groupView);
  const { query } = context.params;
  const kept = views.filter((g) => ['uuid', 'name', 'slug', 'read_only'].every((f) => query[f] === undefined || String(g[f]) === String(query[f])));
  const { filtered, items } = listPage(kept, query, GROUP_LIST);
  return { status: 200, body: { filtered, total: views.length, items } };
};

const createGroup: Handler = (context) => {
  const tenantUuid = [...callerTenants(context)][0] ?? '';
  const name = String(context.body.name);
  const slug = typeof context.body.slug === 'string' ? context.body.slug : null;
  if (context.state.policies.groupConflicts(tenantUuid, name, slug)) throw errors.duplicateGroup(name);
  const group = context.state.policies.createGroup({ tenantUuid, name, slug });
  return { status: 200, body: groupView(group) };
};

const getGroup: Handler = (context) => ({ status: 200, body: groupView(existingGroup(context)) });

const updateGroup: Handler = (context) => {
  const group = existingGroup(context);
  if (group.systemManaged) throw errors.forbiddenGroup(group.uuid);
  const name = String(context.body.name);
  if (context.state.policies.groupConflicts(group.tenantUuid, name, null, group.uuid)) throw errors.duplicateGroup(name);
  return { status: 200, body: groupView(context.state.policies.renameGroup(group.uuid, name) ?? group) };
};

const deleteGroup: Handler = (context) => {
  const group = existingGroup(context);
  if (group.systemManaged) throw errors.forbiddenGroup(group.uuid);
  context.state.policies.deleteGroup(group.uuid);
  return { status: 204 };
};

const listGroupUsers: Handler = (context) => {
  // An unknown group has no users: 200 with nothing (measured).
  const group = context.state.policies.findGroup(String(context.params.path.group_uuid), callerTenants(context));
  const views = (group ? members(context, group) : [])
    .map((uuid) => context.state.users.get(uuid))
    .filter((u) => u !== undefined)
    .map((u) => userView(u, context.state.release));
  const { total, filtered, items } = listPage(views, context.params.query, GROUP_USER_LIST);
  return { status: 200, body: { items, total, filtered } };
};

const addGroupUser: Handler = (context) => {
  const userUuid = String(context.params.path.user_uuid).toLowerCase();
  const user = context.state.users.get(userUuid);
  if (!user) throw errors.unknownUser(userUuid);
  const group = existingGroup(context);
  if (group.systemManaged) throw errors.forbiddenGroup(group.uuid);
  context.state.policies.addGroupUser(group.uuid, user.uuid);
  return { status: 204 };
};

const removeGroupUser: Handler = (context) => {
  const group = existingGroup(context);
  if (group.systemManaged) throw errors.forbiddenGroup(group.uuid);
  const userUuid = String(context.params.path.user_uuid).toLowerCase();
  if (!context.state.users.has(userUuid)) throw errors.unknownUser(userUuid);
  context.state.policies.removeGroupUser(group.uuid, userUuid);
  return { status: 204 };
};

const listUserGroups: Handler = (context) => {
  const userUuid = String(context.params.path.user_uuid).toLowerCase();
  const user = context.state.users.get(userUuid);
  if (!user) throw errors.unknownUser(userUuid);
  const groups = [...context.state.policies.groupsOfUser(user.uuid)];
  const all = context.state.policies.allUsersGroup(user.tenantUuid);
  if (all) groups.push(all);
  const { total, filtered, items } = listPage(groups.map(groupView), context.params.query, USER_GROUP_LIST);
  return { status: 200, body: { items, total, filtered } };
};

/** Handlers of the group operations, by operationId. */
export const groupHandlers: Record<string, Handler> = {
  listGroups,
  createGroup,
  getGroup,
  updateGroup,
  deleteGroup,
  listGroupUsers,
  addGroupUser,
  removeGroupUser,
  listUserGroups,
};

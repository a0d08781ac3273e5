/**
 * Policies (upstream plugin `policies`), a user's policies (`user_policy`) and a group's policies
 * (`group_policy`). Facts measured on 24.01, 25.01, 26.05 and master (spec/wazo-auth.yaml descriptions);
 * the rules follow upstream `wazo_auth/plugins/http/{policies,user_policy,group_policy}/http.py` and
 * `wazo_auth/services/policy.py`: a caller may only give or take accesses its own token holds
 * (`AccessCheck.may_add_access` / `may_remove_access`), config-managed policies refuse PUT and DELETE.
 */
import type { JsonObject } from '../../spec/loader.ts';
import { errors } from '../errors.ts';
import type { PolicyRecord } from '../state/index.ts';
import type { Handler, HandlerContext } from './types.ts';
import { listPage } from './views.ts';

const POLICY_LIST = { searchFields: ['name', 'description'], defaultOrder: 'name', sortColumns: ['name', 'slug', 'description', 'uuid', 'read_only'] };
const LINKED_POLICY_LIST = { searchFields: ['name', 'description'], defaultOrder: 'name', sortColumns: ['name', 'description', 'uuid'] };

/** A policy on the wire (key order as measured). */
export function policyView(policy: PolicyRecord): JsonObject {
  return {
    uuid: policy.uuid,
    tenant_uuid: policy.tenantUuid,
    name: policy.name,
    slug: policy.slug,
    description: policy.description,
    acl: [...policy.acl],
    read_only: policy.readOnly,
    shared: policy.shared,
  };
}

/** The tenants the caller acts in: `Wazo-Tenant` (already checked by the authorizer) or its token's. */
export function callerTenants(context: HandlerContext): Set<string> {
  const header = context.params.header['wazo-tenant'];
  const tenant = (typeof header === 'string' && header) || context.caller?.tenantUuid;
  return new Set(tenant ? [tenant] : []);
}

/** The path's policy, by UUID or slug (upstream routes both), in the caller's tenants; 404 otherwise. */
export function existingPolicy(context: HandlerContext, tenants: ReadonlySet<string> | undefined = callerTenants(context)): PolicyRecord {
  const key = String(context.params.path.policy_uuid);
  const policy = context.state.policies.findPolicy(key, tenants);
  if (!policy) throw errors.unknownPolicy(key, /^[0-9a-f-]{36}$/i.test(key) ? 'uuid' : 'slug');
  return policy;
}

/** Refuses (401) the first access the caller's token does not hold (upstream `may_add_access`, `may_remove_access`). */
export function assertHolds(context: HandlerContext, accesses: Iterable<string>): void {
  // Fault `policy-escalation-allowed`: the caller may hand out accesses it does not have.
  if (context.faults.has('policy-escalation-allowed') || !context.caller) return;
  const checker = context.state.accessTokens.access(context.caller);
  for (const access of accesses) if (!checker.matches(access)) throw errors.accessNotHeld(context.caller.token, access);
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const acl = (value: unknown): string[] => (Array.isArray(value) ? value.filter((a): a is string => typeof a === 'string') : []);

/** Applies the strict filters upstream's list schemas accept as query parameters. */
function strictFilter(items: JsonObject[], query: Record<string, unknown>, fields: string[]): JsonObject[] {
  return items.filter((item) => fields.every((field) => query[field] === undefined || String(item[field]) === String(query[field])));
}

const listPolicies: Handler = (context) => {
  const views = context.state.policies.listPolicies(callerTenants(context)).map(policyView);
  const kept = strictFilter(views, context.params.query, ['uuid', 'name', 'slug', 'read_only']);
  const { items } = listPage(kept, context.params.query, POLICY_LIST);
  // Only `items` and `total` (all the tenant's policies), no `filtered` (measured on every release).
  return { status: 200, body: { items, total: views.length } };
};

const createPolicy: Handler = (context) => {
  const body = context.body;
  const tenantUuid = [...callerTenants(context)][0] ?? '';
  const wanted = acl(body.acl);
  assertHolds(context, wanted);
  const name = String(body.name);
  const slug = str(body.slug);
  if (context.state.policies.policyConflicts(tenantUuid, name, slug)) throw errors.duplicatePolicy(name);
  const policy = context.state.policies.createPolicy({
    tenantUuid,
    name,
    slug,
    description: str(body.description),
    acl: wanted,
    shared: body.shared === true,
  });
  return { status: 200, body: policyView(policy) };
};

const getPolicy: Handler = (context) => ({ status: 200, body: policyView(existingPolicy(context)) });

/** Fault `read-only-policy-editable`: config-managed policies take PUT and DELETE like any other. */
const readOnly = (context: HandlerContext, policy: PolicyRecord): boolean => policy.readOnly && !context.faults.has('read-only-policy-editable');

const updatePolicy: Handler = (context) => {
  const body = context.body;
  const wanted = acl(body.acl);
  assertHolds(context, wanted);
  const policy = existingPolicy(context);
  const kept = new Set(wanted);
  assertHolds(context, policy.acl.filter((a) => !kept.has(a)));
  if (readOnly(context, policy)) throw errors.readOnlyPolicy(policy.uuid);
  const name = String(body.name);
  // A name already used answers 500: upstream's update catches only its own unique-constraint code (measured on every release).
  if (context.state.policies.policyConflicts(policy.tenantUuid, name, null, policy.uuid)) throw errors.internal();
  const updated = context.state.policies.updatePolicy(policy.uuid, { name, description: str(body.description), acl: wanted });
  return { status: 200, body: policyView(updated ?? policy) };
};

const deletePolicy: Handler = (context) => {
  const policy = existingPolicy(context);
  assertHolds(context, policy.acl);
  if (readOnly(context, policy)) throw errors.readOnlyPolicy(policy.uuid);
  context.state.policies.deletePolicy(policy.uuid);
  return { status: 204 };
};

const access = (context: HandlerContext): string => String(context.params.path.access);

const addPolicyAccess: Handler = (context) => {
  const wanted = access(context);
  assertHolds(context, [wanted]);
  const policy = existingPolicy(context);
  // Read-only policies are not protected here (upstream `add_access` has no check).
  if (!context.state.policies.addAccess(policy.uuid, wanted)) throw errors.duplicateAccess(wanted);
  return { status: 204 };
};

const removePolicyAccess: Handler = (context) => {
  const unwanted = access(context);
  assertHolds(context, [unwanted]);
  const policy = existingPolicy(context);
  if (!policy.acl.includes(unwanted)) return { status: 204 };
  // Before 25.15 (`policy-access-removal`), removing an access the policy has failed with a 500 and kept it.
  if (!context.state.release.has('policy-access-removal')) throw errors.internal();
  context.state.policies.removeAccess(policy.uuid, unwanted);
  return { status: 204 };
};

// --- a user's policies ---

function userUuidOf(context: HandlerContext): string {
  return String(context.params.path.user_uuid).toLowerCase();
}

const listUserPolicies: Handler = (context) => {
  // An unknown user has no policies: 200 with nothing (measured).
  const views = context.state.policies.policiesOfUser(userUuidOf(context)).map(policyView);
  const { total, filtered, items } = listPage(views, context.params.query, LINKED_POLICY_LIST);
  return { status: 200, body: { items, total, filtered } };
};

const addUserPolicy: Handler = (context) => {
  // The policy is looked up in every tenant (upstream FIXME: "Policy should be accessible by the tenant").
  const policy = existingPolicy(context, undefined);
  assertHolds(context, policy.acl);
  const userUuid = userUuidOf(context);
  if (!context.state.users.has(userUuid)) throw errors.unknownUser(userUuid);
  context.state.policies.addUserPolicy(userUuid, policy.uuid);
  return { status: 204 };
};

const removeUserPolicy: Handler = (context) => {
  const policy = existingPolicy(context);
  assertHolds(context, policy.acl);
  const userUuid = userUuidOf(context);
  if (!context.state.users.has(userUuid)) throw errors.unknownUser(userUuid);
  context.state.policies.removeUserPolicy(userUuid, policy.uuid);
  return { status: 204 };
};

// --- a group's policies ---

function groupOf(context: HandlerContext) {
  const uuid = String(context.params.path.group_uuid);
  const group = context.state.policies.findGroup(uuid, callerTenants(context));
  if (!group) throw errors.unknownGroup(uuid);
  return group;
}

const listGroupPolicies: Handler = (context) => {
  const group = groupOf(context);
  const views = context.state.policies.policiesOfGroup(group.uuid).map(policyView);
  const { total, filtered, items } = listPage(views, context.params.query, LINKED_POLICY_LIST);
  return { status: 200, body: { items, total, filtered } };
};

const addGroupPolicy: Handler = (context) => {
  const group = groupOf(context);
  const policy = existingPolicy(context);
  assertHolds(context, policy.acl);
  // The all-users group takes policies (measured: 204): that is how a tenant gives every user an access.
  context.state.policies.addGroupPolicy(group.uuid, policy.uuid);
  return { status: 204 };
};

const removeGroupPolicy: Handler = (context) => {
  const group = groupOf(context);
  const policy = existingPolicy(context);
  assertHolds(context, policy.acl);
  context.state.policies.removeGroupPolicy(group.uuid, policy.uuid);
  return { status: 204 };
};

/** Handlers of the policy operations, by operationId. */
export const policyHandlers: Record<string, Handler> = {
  listPolicies,
  createPolicy,
  getPolicy,
  updatePolicy,
  deletePolicy,
  addPolicyAccess,
  removePolicyAccess,
  listUserPolicies,
  addUserPolicy,
  removeUserPolicy,
  listGroupPolicies,
  addGroupPolicy,
  removeGroupPolicy,
};

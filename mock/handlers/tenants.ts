/**
 * Tenants: list, create, read, replace, delete, domains, parent change. Every call acts in a scoping
 * tenant (the `Wazo-Tenant` asked for, else the token's) and sees only that tenant's subtree; a tenant
 * outside it is "No such tenant" (observed on 24.01–master with curl, 2026-12-02).
 */
import { errors } from '../errors.ts';
import type { JsonObject } from '../../spec/loader.ts';
import type { PlayedRelease } from '../release.ts';
import { EMPTY_ADDRESS, type TenantAddress, type TenantFields, type TenantRecord } from '../state/tenants.ts';
import type { Handler, HandlerContext } from './types.ts';
import { listPage } from './views.ts';

const TENANT_LIST = { searchFields: ['uuid', 'name', 'slug'], defaultOrder: 'name' };
/** What `default_authentication_method` accepts (upstream's schema enum before 25.04, its idp plugins since). */
const AUTHENTICATION_METHODS = ['native', 'ldap', 'saml'];

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A tenant on the wire, in the recorded key order; `default_authentication_method` from 24.08. */
export function tenantView(tenant: TenantRecord, release: PlayedRelease): JsonObject {
  const view: JsonObject = {
    uuid: tenant.uuid,
    parent_uuid: tenant.parentUuid,
    name: tenant.name,
    slug: tenant.slug,
    contact: tenant.contact,
    phone: tenant.phone,
  };
  if (release.has('tenant-default-authentication-method')) view.default_authentication_method = tenant.defaultAuthenticationMethod;
  view.domain_names = tenant.domains.map((d) => d.name);
  view.address = { ...tenant.address };
  return view;
}

/** The tenant the call acts in (authorize() has checked that a Wazo-Tenant is visible to the caller). */
function scopingTenant(context: HandlerContext): string {
  return str(context.params.header['wazo-tenant']) || context.caller!.tenantUuid;
}

/** The tenant named by the path, if the scoping tenant sees it; "No such tenant" otherwise. */
function visibleTenant(context: HandlerContext): TenantRecord {
  const uuid = String(context.params.path.tenant_uuid).toLowerCase();
  const tenant = context.state.tenants.get(uuid);
  const scope = scopingTenant(context);
  if (!tenant || (!context.faults.has('tenant-isolation-broken') && !context.state.tenants.within(scope, uuid))) throw errors.unknownTenant(String(context.params.path.tenant_uuid));
  return tenant;
}

/** The fields of a creation or replacement body; what is omitted gets its default (PUT replaces too). */
function tenantFields(context: HandlerContext): TenantFields {
  const body = context.body;
  const method = str(body.default_authentication_method) ?? 'native';
  // Before 24.08 the field did not exist and was ignored; from 25.04 the idp plugins judge it.
  if (context.state.release.has('tenant-default-authentication-method') && !AUTHENTICATION_METHODS.includes(method)) {
    throw context.state.release.has('authentication-method-from-idp-plugins') ? errors.invalidAuthenticationMethod(method) : errors.authenticationMethodNotInEnum(AUTHENTICATION_METHODS);
  }
  const address = (body.address && typeof body.address === 'object' ? body.address : {}) as Partial<TenantAddress>;
  return {
    name: str(body.name),
    contact: str(body.contact),
    phone: str(body.phone),
    defaultAuthenticationMethod: method,
    domainNames: Array.isArray(body.domain_names) ? body.domain_names.map(String) : [],
    address: Object.fromEntries(Object.keys(EMPTY_ADDRESS).map((key) => [key, str(address[key as keyof TenantAddress])])) as unknown as TenantAddress,
  };
}

const listTenants: Handler = (context) => {
  const views = context.state.tenants.subtree(scopingTenant(context)).map((t) => tenantView(t, context.state.release));
  const query = context.params.query;
  const uuids = typeof query.uuid === 'string' ? [query.uuid] : [];
  const chosen = uuids.length > 0 ? views.filter((v) => uuids.includes(String(v.uuid))) : views;
  const page = listPage(chosen, query, TENANT_LIST);
  // `total` counts the whole subtree, `filtered` what `uuid` and `search` left (observed: ?uuid= gives filtered 1, total 4).
  return { status: 200, body: { filtered: page.filtered, total: views.length, items: page.items } };
};

const createTenant: Handler = (context) => {
  const { tenants } = context.state;
  const uuid = str(context.body.uuid)?.toLowerCase();
  if (uuid && uuid === tenants.master) throw errors.masterTenantExists();
  if (uuid && tenants.get(uuid)) throw errors.tenantTaken('uuid', uuid);
  const slug = str(context.body.slug);
  if (slug && tenants.slugTaken(slug)) throw errors.tenantTaken('slug', slug);
  const fields = tenantFields(context);
  const domain = tenants.domainTaken(fields.domainNames);
  if (domain !== undefined) throw errors.domainTaken(fields.domainNames);
  const tenant = tenants.create(scopingTenant(context), fields, { uuid, slug });
  // A new tenant gets the default policies and its all-users group (observed: GET /groups with its Wazo-Tenant).
  context.state.seedTenant(tenant.uuid);
  return { status: 200, body: tenantView(tenant, context.state.release) };
};

const getTenant: Handler = (context) => ({ status: 200, body: tenantView(visibleTenant(context), context.state.release) });

const updateTenant: Handler = (context) => {
  const tenant = visibleTenant(context);
  const fields = tenantFields(context);
  if (context.state.tenants.domainTaken(fields.domainNames, tenant.uuid) !== undefined) throw errors.domainTaken(fields.domainNames);
  const updated = context.state.tenants.replace(tenant.uuid, fields) ?? tenant;
  return { status: 200, body: tenantView(updated, context.state.release) };
};

const deleteTenant: Handler = (context) => {
  const scope = scopingTenant(context);
  const tenant = visibleTenant(context);
  if (tenant.uuid === scope) throw errors.deletingOwnTenant(tenant.uuid);
  if (context.state.tenants.hasChildren(tenant.uuid)) throw errors.tenantHasChildren(tenant.uuid);
  // Fault `tenant-deletion-keeps-users`: the tenant goes, its users stay.
  if (context.faults.has('tenant-deletion-keeps-users')) context.state.tenants.delete(tenant.uuid);
  else context.state.deleteTenant(tenant.uuid);
  return { status: 204 };
};

const listTenantDomains: Handler = (context) => {
  // Not scoped by the caller's subtree (upstream's handler does not look at the scoping tenant).
  const tenant = context.state.tenants.get(String(context.params.path.tenant_uuid).toLowerCase());
  if (!tenant) throw errors.unknownTenant(String(context.params.path.tenant_uuid));
  const items = tenant.domains.map((d) => ({ name: d.name, uuid: d.uuid }));
  return { status: 200, body: { total: items.length, items } };
};

const updateTenantParent: Handler = (context) => {
  const tenant = visibleTenant(context);
  const parentUuid = String(context.params.path.parent_tenant_uuid).toLowerCase();
  if (!context.state.tenants.get(parentUuid) || !context.state.tenants.within(scopingTenant(context), parentUuid)) throw errors.unknownTenant(parentUuid);
  // A tenant cannot move below itself (409, observed on 26.05).
  if (context.state.tenants.within(tenant.uuid, parentUuid)) throw errors.parentIsDescendant(tenant.uuid, parentUuid);
  context.state.tenants.setParent(tenant.uuid, parentUuid);
  return { status: 204 };
};

/** Handlers of the tenant operations, by operationId. */
export const tenantHandlers: Record<string, Handler> = {
  listTenants,
  createTenant,
  getTenant,
  updateTenant,
  deleteTenant,
  listTenantDomains,
  updateTenantParent,
};

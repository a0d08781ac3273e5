/**
 * Area tenants: the administrator's tenant tree. Every tenant touched is a throwaway one created here,
 * below the administrator's own tenant, with a run-prefixed name, and deleted at teardown (sub-tenants
 * first); nothing is ever asked of the administrator's own tenant that could change it. Facts: observed
 * on the real 24.01, 25.01, 26.05 and master (2026-12-02), upstream `plugins/http/tenants`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiClient } from './api.ts';
import { covers } from './covers.ts';
import { expectUnauthorized } from './expectations.ts';
import { expect, NEEDS_ADMIN, test } from './fixtures.ts';
import { observe } from './releases.ts';
import type { Target } from './target.ts';

type Json = Record<string, any>;

/** A throwaway tenant below `parent` (the administrator's tenant when omitted); recorded for clean-up. */
async function createTenant(api: ApiClient, target: Target, label: string, options: { parent?: string; extra?: Json } = {}): Promise<Json> {
  const name = `${target.prefix}-${label}-${randomBytes(3).toString('hex')}`;
  const headers = options.parent ? { 'wazo-tenant': options.parent } : undefined;
  const res = await api.post('/tenants', { token: await api.adminToken(), json: { name, ...options.extra }, headers });
  expect(res.status, `creating a throwaway tenant: ${res.describe()}`).toBe(200);
  return res.body as Json;
}

/** The administrator's own tenant (its token's metadata). */
async function adminTenant(api: ApiClient): Promise<string> {
  const token = await api.adminToken();
  const res = await api.get(`/token/${token}`);
  expect(res.status, res.describe()).toBe(200);
  return res.data.metadata.tenant_uuid as string;
}

test('POST /tenants creates a sub-tenant of the scoping tenant, its slug made from its name', covers('TENANTS-CREATE'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const own = await adminTenant(api);
  const tenant = await createTenant(api, target, 'create', { extra: { phone: '555-0100', address: { city: 'Quebec' } } });
  expect(tenant.parent_uuid, 'a tenant created without Wazo-Tenant is a child of the token’s tenant').toBe(own);
  expect(tenant.phone).toBe('555-0100');
  expect(tenant.address.city).toBe('Quebec');
  expect(tenant.address.line_1, 'address lines not given are null').toBeNull();
  const fromName = String(tenant.name).replace(/[^a-zA-Z0-9_]/g, '').slice(0, 10);
  // From the name, unless another tenant has that slug already: then 3 random characters (upstream slug.py).
  expect(tenant.slug === fromName || /^[a-z0-9]{3}$/.test(tenant.slug), `slug ${tenant.slug} comes from the name ${tenant.name}`).toBe(true);
  const child = await createTenant(api, target, 'child', { parent: tenant.uuid });
  expect(child.parent_uuid, 'with Wazo-Tenant, the new tenant is a child of that tenant').toBe(tenant.uuid);
});

test('creating a tenant with a slug another tenant has gets 409', covers('TENANTS-SLUG-CONFLICT-409'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const slug = `k${randomBytes(4).toString('hex')}`;
  await createTenant(api, target, 'slug', { extra: { slug } });
  const again = await api.post('/tenants', { token: await api.adminToken(), json: { name: `${target.prefix}-slug2-${randomBytes(3).toString('hex')}`, slug } });
  expect(again.status, again.describe()).toBe(409);
  expect(again.body?.error_id, again.describe()).toBe('conflict');
  expect(Object.keys(again.body?.details ?? {}), again.describe()).toContain('slug');
});

test('GET /tenants lists the scoping subtree; search and uuid filter it', covers('TENANTS-LIST'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const parent = await createTenant(api, target, 'list');
  const child = await createTenant(api, target, 'listchild', { parent: parent.uuid });
  const found = await api.get('/tenants', { token: admin, query: { search: parent.name } });
  expect(found.status, found.describe()).toBe(200);
  expect(found.body.items.map((t: Json) => t.uuid), found.describe()).toEqual([parent.uuid]);
  expect(found.body.filtered).toBe(1);
  expect(found.body.total, 'total ignores the search').toBeGreaterThanOrEqual(3);
  const byUuid = await api.get('/tenants', { token: admin, query: { uuid: child.uuid } });
  expect(byUuid.body.items.map((t: Json) => t.uuid), byUuid.describe()).toEqual([child.uuid]);
  const scoped = await api.get('/tenants', { token: admin, headers: { 'wazo-tenant': parent.uuid } });
  expect(scoped.status, scoped.describe()).toBe(200);
  expect(scoped.body.items.map((t: Json) => t.uuid).sort(), `the subtree of ${parent.name}: itself and its child`).toEqual([parent.uuid, child.uuid].sort());
  expect(scoped.body.total).toBe(2);
});

test('GET /tenants/{uuid} returns the tenant; an unknown one is 404 unknown-tenant', covers('TENANTS-GET'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const tenant = await createTenant(api, target, 'get', { extra: { domain_names: [`${randomBytes(4).toString('hex')}.example.com`] } });
  const res = await api.get(`/tenants/${tenant.uuid}`, { token: await api.adminToken() });
  expect(res.status, res.describe()).toBe(200);
  expect(res.body, 'GET answers what POST answered').toEqual(tenant);
  const unknown = randomUUID();
  const missing = await api.get(`/tenants/${unknown}`, { token: await api.adminToken() });
  expect(missing.status, missing.describe()).toBe(404);
  expect(missing.body?.error_id, missing.describe()).toBe('unknown-tenant');
  expect(missing.body?.details?.uuid, missing.describe()).toBe(unknown);
});

test('PUT /tenants/{uuid} replaces the record and keeps the slug', covers('TENANTS-REPLACE'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const tenant = await createTenant(api, target, 'put', { extra: { phone: '555-0101', domain_names: [`${randomBytes(4).toString('hex')}.example.org`] } });
  const name = `${tenant.name}-b`;
  const res = await api.put(`/tenants/${tenant.uuid}`, { token: await api.adminToken(), json: { name } });
  expect(res.status, res.describe()).toBe(200);
  expect(res.body.name).toBe(name);
  expect(res.body.slug, 'the slug stays').toBe(tenant.slug);
  expect(res.body.phone, 'an omitted field goes back to null').toBeNull();
  expect(res.body.domain_names, 'omitted domain names go back to none').toEqual([]);
  const read = await api.get(`/tenants/${tenant.uuid}`, { token: await api.adminToken() });
  expect(read.body, 'GET answers the replaced record').toEqual(res.body);
});

test('DELETE /tenants/{uuid} answers 204, then the tenant is 404', covers('TENANTS-DELETE'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const tenant = await createTenant(api, target, 'delete');
  const admin = await api.adminToken();
  const res = await api.delete(`/tenants/${tenant.uuid}`, { token: admin });
  expect(res.status, res.describe()).toBe(204);
  const gone = await api.get(`/tenants/${tenant.uuid}`, { token: admin });
  expect(gone.status, gone.describe()).toBe(404);
  const again = await api.delete(`/tenants/${tenant.uuid}`, { token: admin });
  expect(again.status, again.describe()).toBe(404);
});

test('deleting a tenant deletes its users', covers('TENANTS-DELETE-REMOVES-USERS'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const tenant = await createTenant(api, target, 'users');
  const admin = await api.adminToken();
  const username = `${target.prefix}-tu-${randomBytes(3).toString('hex')}`;
  const made = await api.post('/users', { token: admin, headers: { 'wazo-tenant': tenant.uuid }, json: { username, password: `pw-${randomBytes(9).toString('hex')}` } });
  expect(made.status, made.describe()).toBe(200);
  const del = await api.delete(`/tenants/${tenant.uuid}`, { token: admin });
  expect(del.status, del.describe()).toBe(204);
  const user = await api.get(`/users/${made.body.uuid}`, { token: admin });
  expect(user.status, `the tenant's user is gone with it: ${user.describe()}`).toBe(404);
  const listed = await api.get('/users', { token: admin, query: { search: username, recurse: 'true' } });
  expect(listed.body.filtered, listed.describe()).toBe(0);
});

test('a tenant with a sub-tenant cannot be deleted (400), nor the scoping tenant itself (403)', covers('TENANTS-DELETE-RULES'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const parent = await createTenant(api, target, 'rules');
  await createTenant(api, target, 'ruleschild', { parent: parent.uuid });
  const withChild = await api.delete(`/tenants/${parent.uuid}`, { token: admin });
  expect(withChild.status, withChild.describe()).toBe(400);
  expect(withChild.body?.message, withChild.describe()).toContain(parent.uuid);
  const own = await api.delete(`/tenants/${parent.uuid}`, { token: admin, headers: { 'wazo-tenant': parent.uuid } });
  expect(own.status, own.describe()).toBe(403);
  expect(own.body?.error_id, own.describe()).toBe('deleting-own-tenant-forbidden');
  const still = await api.get(`/tenants/${parent.uuid}`, { token: admin });
  expect(still.status, `the refused deletions changed nothing: ${still.describe()}`).toBe(200);
});

test('a caller scoped to a tenant sees its subtree only', covers('TENANTS-ISOLATION'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const left = await createTenant(api, target, 'left');
  const right = await createTenant(api, target, 'right');
  const scoped = { token: admin, headers: { 'wazo-tenant': left.uuid } };
  const sibling = await api.get(`/tenants/${right.uuid}`, scoped);
  expect(sibling.status, `a sibling tenant is not found from ${left.name}: ${sibling.describe()}`).toBe(404);
  expect(sibling.body?.error_id, sibling.describe()).toBe('unknown-tenant');
  const up = await api.get(`/tenants/${left.parent_uuid}`, scoped);
  expect(up.status, `the parent tenant is not found from ${left.name}: ${up.describe()}`).toBe(404);
  const list = await api.get('/tenants', scoped);
  expect(list.body.items.map((t: Json) => t.uuid), list.describe()).toEqual([left.uuid]);
  const edit = await api.put(`/tenants/${right.uuid}`, { ...scoped, json: { name: `${right.name}-x` } });
  expect(edit.status, edit.describe()).toBe(404);
  const unknown = randomUUID();
  const foreign = await api.get('/tenants', { token: admin, headers: { 'wazo-tenant': unknown } });
  expect(foreign.status, foreign.describe()).toBe(401);
  expect(foreign.body?.error_id, foreign.describe()).toBe('unauthorized-tenant');
  expect(foreign.body?.details?.tenant_uuid, foreign.describe()).toBe(unknown);
  const unchanged = await api.get(`/tenants/${right.uuid}`, { token: admin });
  expect(unchanged.body?.name, 'the refused replacement changed nothing').toBe(right.name);
});

test('a user created with Wazo-Tenant belongs to that tenant, and is listed from the parent with recurse only', covers('TENANTS-SUBTENANT-USERS'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const tenant = await createTenant(api, target, 'sub');
  const username = `${target.prefix}-su-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const made = await api.post('/users', { token: admin, headers: { 'wazo-tenant': tenant.uuid }, json: { username, password } });
  expect(made.status, made.describe()).toBe(200);
  expect(made.body.tenant_uuid, made.describe()).toBe(tenant.uuid);
  const login = await api.loginOk({ username, password });
  expect(login.metadata.tenant_uuid, 'the token carries the user’s tenant').toBe(tenant.uuid);
  const flat = await api.get('/users', { token: admin, query: { search: username } });
  expect(flat.body.filtered, `without recurse, the parent's listing leaves it out: ${flat.describe()}`).toBe(0);
  const deep = await api.get('/users', { token: admin, query: { search: username, recurse: 'true' } });
  expect(deep.body.items.map((u: Json) => u.uuid), deep.describe()).toEqual([made.body.uuid]);
  const inside = await api.get('/users', { token: admin, headers: { 'wazo-tenant': tenant.uuid }, query: { search: username } });
  expect(inside.body.filtered, `scoped to its tenant, it is listed: ${inside.describe()}`).toBe(1);
});

test("a plain user's token gets 401 on the tenants endpoints", covers('TENANTS-PLAIN-USER-401'), async ({ api, target }) => {
  const { token } = await api.userLogin();
  const unknown = randomUUID();
  expectUnauthorized(await api.get('/tenants', { token }));
  expectUnauthorized(await api.get(`/tenants/${unknown}`, { token }));
  expectUnauthorized(await api.post('/tenants', { token, json: { name: `${target.prefix}-eve` } }));
  expectUnauthorized(await api.put(`/tenants/${unknown}`, { token, json: { name: `${target.prefix}-eve` } }));
  expectUnauthorized(await api.delete(`/tenants/${unknown}`, { token }));
});

test('tenant records carry default_authentication_method where the release has it', covers('TENANTS-DEFAULT-AUTHENTICATION-METHOD'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const tenant = await createTenant(api, target, 'method');
  const present = observe('tenant-default-authentication-method', 'default_authentication_method' in tenant, `POST /tenants keys: ${Object.keys(tenant).sort().join(', ')}`);
  if (present) expect(tenant.default_authentication_method, 'native by default').toBe('native');
});

test('an unknown default_authentication_method gets 400 with the message of the release', covers('TENANTS-AUTHENTICATION-METHOD-CHECKED'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const tenant = await createTenant(api, target, 'checked');
  test.skip(!('default_authentication_method' in tenant), 'this server’s tenants carry no default_authentication_method (before 24.08): nothing to check');
  const bad = await api.post('/tenants', { token: await api.adminToken(), json: { name: `${target.prefix}-badmethod-${randomBytes(3).toString('hex')}`, default_authentication_method: 'no-such-method' } });
  expect(bad.status, bad.describe()).toBe(400);
  expect(bad.body?.error_id, bad.describe()).toBe('invalid-data');
  expect(Object.keys(bad.body?.details ?? {}), bad.describe()).toContain('default_authentication_method');
  const byPlugins = observe('authentication-method-from-idp-plugins', bad.body?.message === 'Invalid default authentication method no-such-method', `400 message: ${bad.body?.message}`);
  if (!byPlugins) expect(bad.body?.message, bad.describe()).toBe('Must be one of: native, ldap, saml.');
});

test("GET /tenants/{uuid}/domains lists the tenant's domain names with their UUIDs", covers('TENANTS-DOMAINS'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const names = [`${randomBytes(4).toString('hex')}.example.com`, `${randomBytes(4).toString('hex')}.example.org`];
  const tenant = await createTenant(api, target, 'domains', { extra: { domain_names: names } });
  const res = await api.get(`/tenants/${tenant.uuid}/domains`, { token: await api.adminToken() });
  expect(res.status, res.describe()).toBe(200);
  expect(res.body.total, res.describe()).toBe(2);
  expect(res.body.items.map((d: Json) => d.name).sort(), res.describe()).toEqual([...names].sort());
  for (const item of res.body.items) expect(item.uuid, res.describe()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const unknown = await api.get(`/tenants/${randomUUID()}/domains`, { token: await api.adminToken() });
  expect(unknown.status, unknown.describe()).toBe(404);
});

test('PUT /tenants/{uuid}/parent/{parent} moves a tenant; a move below itself is 409', covers('TENANTS-PARENT-CHANGE'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const from = await createTenant(api, target, 'from');
  const moving = await createTenant(api, target, 'moving', { parent: from.uuid });
  const to = await createTenant(api, target, 'to');
  const move = await api.put(`/tenants/${moving.uuid}/parent/${to.uuid}`, { token: admin });
  expect(move.status, move.describe()).toBe(204);
  const read = await api.get(`/tenants/${moving.uuid}`, { token: admin });
  expect(read.body.parent_uuid, read.describe()).toBe(to.uuid);
  const loop = await api.put(`/tenants/${to.uuid}/parent/${moving.uuid}`, { token: admin });
  expect(loop.status, loop.describe()).toBe(409);
  expect(loop.body?.error_id, loop.describe()).toBe('conflict');
  const after = await api.get(`/tenants/${to.uuid}`, { token: admin });
  expect(after.body.parent_uuid, 'the refused move changed nothing').toBe(from.parent_uuid);
});

/** HTTP tests of the tenant operations and of Wazo-Tenant scoping (observed on the real 24.01–master). */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { DEFAULT_TENANT_UUID } from '../state/seed.ts';
import { startTestServer } from './test-support.ts';

const t = await startTestServer();
describe('tenant operations over HTTP', () => {
  let admin: Record<string, string>;
  beforeEach(async () => {
    t.server.state.reset();
    admin = { 'X-Auth-Token': (await t.login('admin', 'admin-secret')).token, 'Content-Type': 'application/json' };
  });

  const create = async (body: unknown, headers: Record<string, string> = {}) => {
    const reply = await t.call('POST', '/0.1/tenants', { headers: { ...admin, ...headers }, body });
    assert.equal(reply.status, 200, JSON.stringify(reply.json));
    return reply.json;
  };

  test('POST /tenants: a child of the scoping tenant, a slug from the name or 3 random characters', async () => {
    const acme = await create({ name: 'Acme Inc.', domain_names: ['acme.example.com'] });
    assert.equal(acme.parent_uuid, DEFAULT_TENANT_UUID);
    assert.equal(acme.slug, 'AcmeInc');
    assert.deepEqual(acme.address, { line_1: null, line_2: null, city: null, state: null, country: null, zip_code: null });
    assert.equal(acme.default_authentication_method, 'native');
    const nameless = await create({});
    assert.match(nameless.slug, /^[a-z0-9]{3}$/);
    const taken = await create({ name: 'Acme Inc.' });
    assert.match(taken.slug, /^[a-z0-9]{3}$/, 'the name’s slug is taken: random');
    const child = await create({ name: 'shop' }, { 'Wazo-Tenant': acme.uuid });
    assert.equal(child.parent_uuid, acme.uuid);
  });

  test('conflicts: slug and domain 409, the master uuid 403; a bad default_authentication_method 400', async () => {
    await create({ name: 'a', slug: 'same', domain_names: ['d.example.com'] });
    const slug = await t.call('POST', '/0.1/tenants', { headers: admin, body: { slug: 'same' } });
    assert.equal(slug.status, 409);
    assert.deepEqual(Object.keys(slug.json.details), ['slug']);
    const domain = await t.call('POST', '/0.1/tenants', { headers: admin, body: { domain_names: ['d.example.com'] } });
    assert.equal(domain.status, 409);
    assert.match(domain.json.details.domain_names.message, /\['d\.example\.com'\]/);
    const master = await t.call('POST', '/0.1/tenants', { headers: admin, body: { uuid: DEFAULT_TENANT_UUID } });
    assert.equal(master.status, 403);
    const method = await t.call('POST', '/0.1/tenants', { headers: admin, body: { default_authentication_method: 'nope' } });
    assert.equal(method.status, 400);
    assert.equal(method.json.message, 'Invalid default authentication method nope');
  });

  test('scoping: a sibling is 404, an unknown Wazo-Tenant 401 unauthorized-tenant, lists show the subtree', async () => {
    const left = await create({ name: 'left' });
    const right = await create({ name: 'right' });
    const sibling = await t.call('GET', `/0.1/tenants/${right.uuid}`, { headers: { ...admin, 'Wazo-Tenant': left.uuid } });
    assert.equal(sibling.status, 404);
    assert.equal(sibling.json.error_id, 'unknown-tenant');
    const unknown = await t.call('GET', '/0.1/tenants', { headers: { ...admin, 'Wazo-Tenant': '00000000-0000-4000-8000-000000000000' } });
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.json.details, { tenant_uuid: '00000000-0000-4000-8000-000000000000' });
    const list = await t.call('GET', '/0.1/tenants', { headers: { ...admin, 'Wazo-Tenant': left.uuid } });
    assert.deepEqual(list.json.items.map((x: any) => x.uuid), [left.uuid]);
    const all = await t.call('GET', '/0.1/tenants?order=name', { headers: admin });
    assert.equal(all.json.total, 3);
  });

  test('deletion: users go with the tenant; a parent or the scoping tenant cannot go', async () => {
    const parent = await create({ name: 'p' });
    const child = await create({ name: 'c' }, { 'Wazo-Tenant': parent.uuid });
    const user = await t.call('POST', '/0.1/users', { headers: { ...admin, 'Wazo-Tenant': child.uuid }, body: { username: 'inchild', password: 'pw-inchild' } });
    assert.equal(user.json.tenant_uuid, child.uuid);
    const withChild = await t.call('DELETE', `/0.1/tenants/${parent.uuid}`, { headers: admin });
    assert.equal(withChild.status, 400);
    assert.deepEqual(withChild.json.error_id, { uuid: parent.uuid });
    assert.equal(withChild.json.details, 'tenants');
    const own = await t.call('DELETE', `/0.1/tenants/${child.uuid}`, { headers: { ...admin, 'Wazo-Tenant': child.uuid } });
    assert.equal(own.status, 403);
    assert.equal((await t.call('DELETE', `/0.1/tenants/${child.uuid}`, { headers: admin })).status, 204);
    assert.equal((await t.call('GET', `/0.1/users/${user.json.uuid}`, { headers: admin })).status, 404);
    assert.equal(t.server.state.users.findByLogin('inchild'), undefined);
  });

  test('users listing: the scoping tenant only, its subtree with recurse', async () => {
    const sub = await create({ name: 'sub' });
    await t.call('POST', '/0.1/users', { headers: { ...admin, 'Wazo-Tenant': sub.uuid }, body: { username: 'deep', password: 'pw-deep' } });
    const flat = await t.call('GET', '/0.1/users?search=deep', { headers: admin });
    assert.equal(flat.json.filtered, 0);
    const deep = await t.call('GET', '/0.1/users?search=deep&recurse=true', { headers: admin });
    assert.equal(deep.json.filtered, 1);
    assert.equal(deep.json.total, 3);
  });

  test('PUT parent (a move), refused below itself with 409; the state shows the tree', async () => {
    const a = await create({ name: 'a' });
    const b = await create({ name: 'b' }, { 'Wazo-Tenant': a.uuid });
    const c = await create({ name: 'c' });
    assert.equal((await t.call('PUT', `/0.1/tenants/${b.uuid}/parent/${c.uuid}`, { headers: admin })).status, 204);
    assert.equal((await t.call('GET', `/0.1/tenants/${b.uuid}`, { headers: admin })).json.parent_uuid, c.uuid);
    const loop = await t.call('PUT', `/0.1/tenants/${c.uuid}/parent/${b.uuid}`, { headers: admin });
    assert.equal(loop.status, 409);
    const state = await t.call('GET', '/_mock/state');
    assert.deepEqual(state.json.tenants.map((x: any) => x.name), ['master', 'a', 'b', 'c']);
  });
});

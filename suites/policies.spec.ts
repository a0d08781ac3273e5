/**
 * Area policies: policies, groups and their links, and what they put in a user's next token. Facts
 * measured on the real 24.01, 25.01, 26.05 and master (issue 15, policies slice; upstream
 * `wazo_auth/plugins/http/{policies,groups,user_policy,group_policy,user_group}`).
 *
 * Safe on a real host: every policy, group and user touched is a throwaway one created here (cleanup
 * kinds `policy`, `group`, `user`); policies are only ever given to throwaway users; the seeded policies
 * and the all-users group are only sent requests that the service refuses and that would change nothing
 * if it did not (the same name again, a member it already has).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiClient, Json } from './api.ts';
import { covers } from './covers.ts';
import { expect, NEEDS_ADMIN, should, test, type Account } from './fixtures.ts';
import { observe } from './releases.ts';

const DEFAULT_USER_POLICY = 'wazo_default_user_policy';

/** A unique, run-prefixed name. */
const unique = (prefix: string, label: string) => `${prefix}-${label}-${randomBytes(3).toString('hex')}`;

/**
 * A new access string of this run. Each test uses its own: the real service inserts an access it never
 * saw into a shared table, and two policies created at once with the same new access race there (one
 * gets a 500; seen on master).
 */
const fresh = (label: string) => `kit${randomBytes(4).toString('hex')}.${label}.read`;

/** Creates a throwaway policy as the administrator (recorded for the cleanup by the client). */
async function createPolicy(api: ApiClient, name: string, acl: string[] = [], extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await api.post('/policies', { token: await api.adminToken(), json: { name, acl, ...extra } });
  expect(res.status, `creating a throwaway policy: ${res.describe()}`).toBe(200);
  return res.body;
}

async function createGroup(api: ApiClient, name: string): Promise<Json> {
  const res = await api.post('/groups', { token: await api.adminToken(), json: { name } });
  expect(res.status, `creating a throwaway group: ${res.describe()}`).toBe(200);
  return res.body;
}

/** The acl of a fresh token of `account`. */
async function nextAcl(api: ApiClient, account: Account): Promise<string[]> {
  const data = await api.loginOk(account);
  return data.acl as string[];
}

async function defaultUserPolicy(api: ApiClient): Promise<Json> {
  const res = await api.get('/policies', { token: await api.adminToken(), query: { search: DEFAULT_USER_POLICY } });
  expect(res.status, res.describe()).toBe(200);
  const found = (res.body.items as Json[]).find((p) => p.name === DEFAULT_USER_POLICY);
  expect(found, `the default user policy is listed: ${res.describe()}`).toBeTruthy();
  return found;
}

test('GET /policies lists the tenant policies with items and total only, the default user policy read-only', covers('POLICIES-LIST'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const res = await api.get('/policies', { token: await api.adminToken() });
  expect(res.status, res.describe()).toBe(200);
  expect(Object.keys(res.body).sort(), 'no `filtered` in a policy listing').toEqual(['items', 'total']);
  expect(res.body.total, res.describe()).toBeGreaterThanOrEqual(3);
  const policy = await defaultUserPolicy(api);
  expect(policy.read_only, 'the default user policy is read-only').toBe(true);
  expect(policy.acl, 'the default user policy lets users manage their own tokens').toContain('auth.users.me.tokens.#');
});

test('a plain user gets 401 (not 403) on GET /policies and GET /groups', covers('POLICIES-PLAIN-USER-401'), async ({ api, target }) => {
  const token = (await api.loginOk(target.user)).token as string;
  for (const path of ['/policies', '/groups']) {
    const res = await api.get(path, { token });
    expect(res.status, res.describe()).toBe(401);
    expect(res.body?.error_id, res.describe()).toBe('unauthorized');
    expect(res.body?.details?.required_access, res.describe()).toBe(path === '/policies' ? 'auth.policies.read' : 'auth.groups.read');
  }
});

test('POST /policies answers 200 with the policy, its slug from the name; it reads back by uuid and by slug', covers('POLICIES-CREATE'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const name = `${unique(target.prefix, 'create')} Sales Team!`;
  const created = fresh('create');
  const policy = await createPolicy(api, name, [created, created], { description: 'kit' });
  expect(policy.name, JSON.stringify(policy)).toBe(name);
  expect(policy.slug, 'the slug is the name without the characters outside [a-zA-Z0-9_-]').toBe(name.replace(/[^a-zA-Z0-9_-]/g, ''));
  expect(policy.acl, 'duplicates are dropped').toEqual([created]);
  expect(policy.read_only).toBe(false);
  expect(policy.description).toBe('kit');
  const admin = await api.adminToken();
  for (const key of [policy.uuid, policy.slug]) {
    const res = await api.get(`/policies/${encodeURIComponent(key)}`, { token: admin });
    expect(res.status, res.describe()).toBe(200);
    expect(res.body.uuid, res.describe()).toBe(policy.uuid);
  }
});

test('a policy name already used in the tenant gets 409', covers('POLICIES-CREATE-CONFLICT-409'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const policy = await createPolicy(api, unique(target.prefix, 'dup'));
  const res = await api.post('/policies', { token: await api.adminToken(), json: { name: policy.name } });
  expect(res.status, res.describe()).toBe(409);
  expect(res.body?.reason?.[0], res.describe()).toBe(`Policy "${policy.name}" already exists`);
});

test('a policy without a name gets 400 naming the field', covers('POLICIES-INVALID-400'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  for (const json of [{ acl: [] }, { name: '' }]) {
    const res = await api.post('/policies', { token: admin, json });
    expect(res.status, res.describe()).toBe(400);
    expect(res.body?.reason?.[0], res.describe()).toBe('Invalid value supplied for field: name');
  }
});

test('GET, PUT and DELETE of an unknown policy get 404', covers('POLICIES-UNKNOWN-404'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const path = `/policies/${randomUUID()}`;
  for (const res of [await api.get(path, { token: admin }), await api.put(path, { token: admin, json: { name: unique(target.prefix, 'nope') } }), await api.delete(path, { token: admin })]) {
    expect(res.status, res.describe()).toBe(404);
    expect(String(res.body?.reason?.[0]), res.describe()).toMatch(/^No such policy/);
  }
});

test('PUT /policies/{uuid} replaces name, description and acl and keeps the slug', covers('POLICIES-UPDATE'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const [a, c] = [fresh('update-a'), fresh('update-c')];
  const policy = await createPolicy(api, unique(target.prefix, 'update'), [a], { description: 'before' });
  const name = unique(target.prefix, 'renamed');
  const res = await api.put(`/policies/${policy.uuid}`, { token: await api.adminToken(), json: { name, acl: [c] } });
  expect(res.status, res.describe()).toBe(200);
  expect(res.body.name).toBe(name);
  expect(res.body.slug, 'the slug is kept').toBe(policy.slug);
  expect(res.body.acl).toEqual([c]);
  expect(res.body.description, 'an omitted description becomes null').toBeNull();
});

test('DELETE /policies/{uuid} answers 204, then the policy is 404', covers('POLICIES-DELETE'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const policy = await createPolicy(api, unique(target.prefix, 'delete'));
  const admin = await api.adminToken();
  const res = await api.delete(`/policies/${policy.uuid}`, { token: admin });
  expect(res.status, res.describe()).toBe(204);
  expect((await api.get(`/policies/${policy.uuid}`, { token: admin })).status).toBe(404);
});

test('PUT /policies/{uuid}/acl/{access} answers 204 with an empty body and adds it; again, 409', covers('POLICIES-ACCESS-ADD'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const [a, added] = [fresh('acl-add-a'), `${fresh('acl-add')}.#`];
  const policy = await createPolicy(api, unique(target.prefix, 'acl-add'), [a]);
  const admin = await api.adminToken();
  const path = `/policies/${policy.uuid}/acl/${encodeURIComponent(added)}`;
  const res = await api.put(path, { token: admin });
  expect(res.status, res.describe()).toBe(204);
  expect(res.text, 'an empty body').toBe('');
  const read = await api.get(`/policies/${policy.uuid}`, { token: admin });
  expect([...read.body.acl].sort(), read.describe()).toEqual([a, added].sort());
  const again = await api.put(path, { token: admin });
  expect(again.status, again.describe()).toBe(409);
});

test('DELETE /policies/{uuid}/acl/{access} removes the access (before 25.15: 500, kept)', covers('POLICIES-ACCESS-REMOVE'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const [a, c] = [fresh('acl-remove-a'), fresh('acl-remove-c')];
  const policy = await createPolicy(api, unique(target.prefix, 'acl-remove'), [a, c]);
  const admin = await api.adminToken();
  const res = await api.delete(`/policies/${policy.uuid}/acl/${a}`, { token: admin });
  const present = observe('policy-access-removal', res.status === 204, res.describe());
  const read = await api.get(`/policies/${policy.uuid}`, { token: admin });
  if (present) {
    expect(read.body.acl, read.describe()).toEqual([c]);
  } else {
    expect(res.status, res.describe()).toBe(500);
    expect([...read.body.acl].sort(), read.describe()).toEqual([a, c].sort());
  }
  const absent = await api.delete(`/policies/${policy.uuid}/acl/not.there`, { token: admin });
  expect(absent.status, `an access the policy does not have: ${absent.describe()}`).toBe(204);
});

test('PUT of a read-only policy gets 403 and changes nothing', covers('POLICY-READ-ONLY-403'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const policy = await defaultUserPolicy(api);
  // The very same content: a server that wrongly accepted it would change nothing.
  const res = await api.put(`/policies/${policy.uuid}`, { token: await api.adminToken(), json: { name: policy.name, description: policy.description, acl: policy.acl } });
  expect(res.status, res.describe()).toBe(403);
  expect(String(res.body?.reason?.[0]), res.describe()).toBe(`Forbidden policy deletion: "${policy.uuid}"`);
});

test('a caller may not create a policy with an access its own token does not hold: 401, nothing created', covers('POLICY-ESCALATION-REFUSED'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('escalation');
  const grant = await createPolicy(api, unique(target.prefix, 'policy-admin'), ['auth.policies.create', 'auth.policies.read']);
  const linked = await api.put(`/users/${bob.uuid}/policies/${grant.uuid}`, { token: await api.adminToken() });
  expect(linked.status, linked.describe()).toBe(204);
  const token = (await api.loginOk(bob)).token as string;
  const name = unique(target.prefix, 'escalated');
  const res = await api.post('/policies', { token, json: { name, acl: ['auth.policies.read', 'confd.#'] } });
  expect(res.status, res.describe()).toBe(401);
  expect(res.body?.details?.required_access, 'the first access not held is named').toBe('confd.#');
  const listed = await api.get('/policies', { token: await api.adminToken(), query: { search: name } });
  expect(listed.body.items, `nothing was created: ${listed.describe()}`).toEqual([]);
  const held = await api.post('/policies', { token, json: { name: `${name}-held`, acl: ['auth.policies.read'] } });
  expect(held.status, `an access bob holds is fine: ${held.describe()}`).toBe(200);
});

test('a policy given to a user (204, empty body) is in the ACL of its next token, and ?scope= follows', covers('POLICY-APPLIED-NEXT-TOKEN'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('applied');
  const before = await nextAcl(api, bob);
  const access = fresh('custom');
  const policy = await createPolicy(api, unique(target.prefix, 'applied'), [access]);
  const res = await api.put(`/users/${bob.uuid}/policies/${policy.uuid}`, { token: await api.adminToken() });
  expect(res.status, res.describe()).toBe(204);
  expect(res.text, 'an empty body (what makes the SDK throw)').toBe('');
  const next = await api.loginOk(bob);
  expect(next.acl, 'the next token carries the policy').toContain(access);
  expect(next.acl.slice(0, before.length), 'after the ACL the user had (the default user policy)').toEqual(before);
  const scoped = await api.get(`/token/${next.token}`, { token: next.token, query: { scope: access } });
  expect(scoped.status, scoped.describe()).toBe(200);
});

test('a policy given to a user leaves the tokens it already holds as they were', covers('POLICY-CURRENT-TOKEN-UNCHANGED'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('current');
  const current = await api.loginOk(bob);
  const access = fresh('current');
  const policy = await createPolicy(api, unique(target.prefix, 'current'), [access]);
  expect((await api.put(`/users/${bob.uuid}/policies/${policy.uuid}`, { token: await api.adminToken() })).status).toBe(204);
  const read = await api.get(`/token/${current.token}`, { token: current.token });
  expect(read.status, read.describe()).toBe(200);
  expect(read.data.acl, 'the current token is unchanged').toEqual(current.acl);
  const scoped = await api.get(`/token/${current.token}`, { token: current.token, query: { scope: access } });
  expect(scoped.status, `?scope= on the current token: ${scoped.describe()}`).toBe(403);
});

test('GET /users/{uuid}/policies lists the policies given to the user', covers('USER-POLICIES-LIST'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('user-policies');
  const admin = await api.adminToken();
  const empty = await api.get(`/users/${bob.uuid}/policies`, { token: admin });
  expect(empty.status, empty.describe()).toBe(200);
  expect(empty.body, 'a new user has no policy of its own').toMatchObject({ items: [], total: 0, filtered: 0 });
  const policy = await createPolicy(api, unique(target.prefix, 'user-policies'), [fresh('user-policies')]);
  expect((await api.put(`/users/${bob.uuid}/policies/${policy.uuid}`, { token: admin })).status).toBe(204);
  const res = await api.get(`/users/${bob.uuid}/policies`, { token: admin });
  expect(res.body.items.map((p: Json) => p.uuid), res.describe()).toEqual([policy.uuid]);
  expect(res.body.total).toBe(1);
  const unknown = await api.get(`/users/${randomUUID()}/policies`, { token: admin });
  expect(unknown.status, `an unknown user has no policies (not 404): ${unknown.describe()}`).toBe(200);
});

test('a policy taken from a user is no longer in its next token', covers('POLICY-UNLINK-NEXT-TOKEN'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('unlink');
  const access = fresh('unlink');
  const policy = await createPolicy(api, unique(target.prefix, 'unlink'), [access]);
  const admin = await api.adminToken();
  expect((await api.put(`/users/${bob.uuid}/policies/${policy.uuid}`, { token: admin })).status).toBe(204);
  expect(await nextAcl(api, bob), 'given: the next token has it').toContain(access);
  const res = await api.delete(`/users/${bob.uuid}/policies/${policy.uuid}`, { token: admin });
  expect(res.status, res.describe()).toBe(204);
  expect(await nextAcl(api, bob), 'taken: the next token does not').not.toContain(access);
  const again = await api.delete(`/users/${bob.uuid}/policies/${policy.uuid}`, { token: admin });
  expect(again.status, `taking it again: ${again.describe()}`).toBe(204);
});

test('ACL templates are stored and put in tokens as written, not rendered', covers('POLICY-TEMPLATES-VERBATIM'), should(async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('template');
  const marker = fresh('template').replace(/\.read$/, '');
  const template = `${marker}.{{ user_uuid }}.read`;
  const policy = await createPolicy(api, unique(target.prefix, 'template'), [template]);
  expect(policy.acl).toEqual([template]);
  expect((await api.put(`/users/${bob.uuid}/policies/${policy.uuid}`, { token: await api.adminToken() })).status).toBe(204);
  const acl = await nextAcl(api, bob);
  expect(acl, `the token: ${JSON.stringify(acl)}`).toContain(template);
  expect(acl).not.toContain(`${marker}.${bob.uuid}.read`);
}));

test('every user is in the system-managed all-users group of its tenant', covers('GROUPS-ALL-USERS'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('all-users');
  const res = await api.get(`/users/${bob.uuid}/groups`, { token: await api.adminToken() });
  expect(res.status, res.describe()).toBe(200);
  const all = (res.body.items as Json[]).find((g) => g.name === `wazo-all-users-tenant-${bob.record.tenant_uuid}`);
  expect(all, res.describe()).toBeTruthy();
  expect(all.system_managed).toBe(true);
  expect(all.read_only).toBe(true);
});

test('GET /groups lists the groups with total and filtered; search filters', covers('GROUPS-LIST'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const group = await createGroup(api, unique(target.prefix, 'list'));
  const admin = await api.adminToken();
  const all = await api.get('/groups', { token: admin });
  expect(all.status, all.describe()).toBe(200);
  expect(all.body.total, 'the all-users group and ours at least').toBeGreaterThanOrEqual(2);
  const found = await api.get('/groups', { token: admin, query: { search: group.name } });
  expect(found.body.items.map((g: Json) => g.uuid), found.describe()).toEqual([group.uuid]);
  expect(found.body.filtered).toBe(1);
  // Other tests create and delete groups meanwhile: total is compared with the search, not with the first listing.
  expect(found.body.total, 'total ignores the search').toBeGreaterThanOrEqual(2);
});

test('POST /groups answers 200 with the group; GET reads it; PUT renames it and keeps the slug', covers('GROUPS-CREATE'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const group = await createGroup(api, unique(target.prefix, 'group'));
  expect(group).toMatchObject({ read_only: false, system_managed: false, slug: group.name });
  const admin = await api.adminToken();
  const read = await api.get(`/groups/${group.uuid}`, { token: admin });
  expect(read.status, read.describe()).toBe(200);
  expect(read.body.name).toBe(group.name);
  const name = unique(target.prefix, 'renamed');
  const renamed = await api.put(`/groups/${group.uuid}`, { token: admin, json: { name } });
  expect(renamed.status, renamed.describe()).toBe(200);
  expect(renamed.body).toMatchObject({ name, slug: group.slug });
});

test('a group name already used gets 409', covers('GROUPS-CREATE-CONFLICT-409'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const group = await createGroup(api, unique(target.prefix, 'dup-group'));
  const res = await api.post('/groups', { token: await api.adminToken(), json: { name: group.name } });
  expect(res.status, res.describe()).toBe(409);
  expect(res.body?.reason?.[0], res.describe()).toBe(`Group "${group.name}" already exists`);
});

test('GET, PUT and DELETE of an unknown group get 404 unknown-group', covers('GROUPS-UNKNOWN-404'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const path = `/groups/${randomUUID()}`;
  for (const res of [await api.get(path, { token: admin }), await api.put(path, { token: admin, json: { name: unique(target.prefix, 'nope') } }), await api.delete(path, { token: admin })]) {
    expect(res.status, res.describe()).toBe(404);
    expect(res.body?.error_id, res.describe()).toBe('unknown-group');
  }
});

test('the all-users group refuses renaming and membership changes with 403 forbidden-group', covers('GROUPS-SYSTEM-403'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('system-group');
  const admin = await api.adminToken();
  const groups = await api.get(`/users/${bob.uuid}/groups`, { token: admin });
  const all = (groups.body.items as Json[]).find((g) => g.system_managed);
  expect(all, groups.describe()).toBeTruthy();
  // Requests that would change nothing if wrongly accepted: the same name, a member it already has.
  for (const res of [
    await api.put(`/groups/${all.uuid}`, { token: admin, json: { name: all.name } }),
    await api.put(`/groups/${all.uuid}/users/${bob.uuid}`, { token: admin }),
  ]) {
    expect(res.status, res.describe()).toBe(403);
    expect(res.body?.error_id, res.describe()).toBe('forbidden-group');
  }
});

test('DELETE /groups/{uuid} answers 204, then the group is 404', covers('GROUPS-DELETE'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const group = await createGroup(api, unique(target.prefix, 'delete-group'));
  const admin = await api.adminToken();
  const res = await api.delete(`/groups/${group.uuid}`, { token: admin });
  expect(res.status, res.describe()).toBe(204);
  expect((await api.get(`/groups/${group.uuid}`, { token: admin })).status).toBe(404);
});

test('PUT /groups/{g}/users/{u} (204, empty body) makes a member; DELETE takes it out', covers('GROUP-USER-ADD'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('member');
  const group = await createGroup(api, unique(target.prefix, 'members'));
  const admin = await api.adminToken();
  const res = await api.put(`/groups/${group.uuid}/users/${bob.uuid}`, { token: admin });
  expect(res.status, res.describe()).toBe(204);
  expect(res.text, 'an empty body (what makes the SDK throw)').toBe('');
  const members = await api.get(`/groups/${group.uuid}/users`, { token: admin });
  expect(members.body.items.map((u: Json) => u.uuid), members.describe()).toEqual([bob.uuid]);
  const groups = await api.get(`/users/${bob.uuid}/groups`, { token: admin });
  expect(groups.body.items.map((g: Json) => g.uuid), groups.describe()).toContain(group.uuid);
  const removed = await api.delete(`/groups/${group.uuid}/users/${bob.uuid}`, { token: admin });
  expect(removed.status, removed.describe()).toBe(204);
  const after = await api.get(`/groups/${group.uuid}/users`, { token: admin });
  expect(after.body.items, after.describe()).toEqual([]);
});

test("a group's policy reaches its members' next tokens, and leaves with the member", covers('GROUP-POLICY-APPLIED'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('group-policy');
  const access = fresh('group');
  const policy = await createPolicy(api, unique(target.prefix, 'group-policy'), [access]);
  const group = await createGroup(api, unique(target.prefix, 'group-policy'));
  const admin = await api.adminToken();
  const linked = await api.put(`/groups/${group.uuid}/policies/${policy.uuid}`, { token: admin });
  expect(linked.status, linked.describe()).toBe(204);
  expect((await api.put(`/groups/${group.uuid}/users/${bob.uuid}`, { token: admin })).status).toBe(204);
  expect(await nextAcl(api, bob), 'a member: its next token has the group policy').toContain(access);
  expect((await api.delete(`/groups/${group.uuid}/users/${bob.uuid}`, { token: admin })).status).toBe(204);
  expect(await nextAcl(api, bob), 'no longer a member: its next token does not').not.toContain(access);
});

test("GET /groups/{g}/policies lists the group's policies; an unknown group is 404", covers('GROUP-POLICIES-LIST'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const policy = await createPolicy(api, unique(target.prefix, 'group-list'), [fresh('group-list')]);
  const group = await createGroup(api, unique(target.prefix, 'group-list'));
  const admin = await api.adminToken();
  expect((await api.put(`/groups/${group.uuid}/policies/${policy.uuid}`, { token: admin })).status).toBe(204);
  const res = await api.get(`/groups/${group.uuid}/policies`, { token: admin });
  expect(res.status, res.describe()).toBe(200);
  expect(res.body.items.map((p: Json) => p.uuid), res.describe()).toEqual([policy.uuid]);
  expect(res.body).toMatchObject({ total: 1, filtered: 1 });
  const removed = await api.delete(`/groups/${group.uuid}/policies/${policy.uuid}`, { token: admin });
  expect(removed.status, removed.describe()).toBe(204);
  const unknown = await api.get(`/groups/${randomUUID()}/policies`, { token: admin });
  expect(unknown.status, unknown.describe()).toBe(404);
  expect(unknown.body?.error_id).toBe('unknown-group');
});

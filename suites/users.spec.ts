/**
 * Area users: the administrator's CRUD on user accounts, with the real status codes (POST 200, not 201;
 * DELETE 204), and the refusals (401, never 403) for a plain user or no token. Every account touched is
 * a throwaway one created here and deleted at teardown; a plain user's refused calls aim at a throwaway
 * user or an unknown uuid, never at the configured user's record. Facts: obs. 10.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { covers } from './covers.ts';
import { expectUnauthorized } from './expectations.ts';
import { expect, NEEDS_ADMIN, test } from './fixtures.ts';
import { observe } from './releases.ts';

test('POST /users by an administrator answers 200 with the user, never its password', covers('USERS-CREATE'), async ({ api, target }) => {
  // obs. 10a
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const username = `${target.prefix}-create-${randomBytes(3).toString('hex')}`;
  const res = await api.post('/users', { token: await api.adminToken(), json: { username, password: `pw-${randomBytes(9).toString('hex')}`, firstname: 'Bob', lastname: 'Builder' } });
  expect(res.status, res.describe()).toBe(200);
  expect(typeof res.body?.uuid, res.describe()).toBe('string');
  expect(res.body.username, res.describe()).toBe(username);
  expect(res.body.firstname, res.describe()).toBe('Bob');
  expect(res.body.lastname, res.describe()).toBe('Builder');
  expect('password' in res.body, 'the answer carries no password').toBe(false);
});

test('creating a user with a username already used gets 409', covers('USERS-CREATE-CONFLICT-409'), async ({ api, accounts, target }) => {
  // obs. 10a2
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('conflict');
  const res = await api.post('/users', { token: await api.adminToken(), json: { username: bob.username, password: `pw-${randomBytes(9).toString('hex')}` } });
  expect(res.status, res.describe()).toBe(409);
  expect(res.body?.error_id, res.describe()).toBe('conflict');
});

test('creating a user with an invalid field gets 400 invalid-data', covers('USERS-CREATE-INVALID-400'), async ({ api, target }) => {
  // obs. 10a3
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const res = await api.post('/users', { token: await api.adminToken(), json: { username: `${target.prefix}-invalid`, purpose: 'nope' } });
  expect(res.status, res.describe()).toBe(400);
  expect(res.body?.error_id, res.describe()).toBe('invalid-data');
  expect(Object.keys(res.body?.details ?? {}), res.describe()).toContain('purpose');
});

test('GET /users lists users with total and filtered, and `search` filters them', covers('USERS-LIST'), async ({ api, accounts, target }) => {
  // obs. 10b, 10b2
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('list');
  const admin = await api.adminToken();
  const all = await api.get('/users', { token: admin });
  expect(all.status, all.describe()).toBe(200);
  expect(all.body.total, 'total counts every user, the new one included').toBeGreaterThanOrEqual(1);
  const found = await api.get('/users', { token: admin, query: { search: bob.username } });
  expect(found.status, found.describe()).toBe(200);
  expect(found.body.filtered, `search=<the new username> matches it alone: ${found.describe()}`).toBe(1);
  expect(found.body.items.map((u: { uuid: string }) => u.uuid), found.describe()).toEqual([bob.uuid]);
  expect(found.body.total, 'total ignores the search').toBeGreaterThanOrEqual(found.body.filtered);
});

test('GET /users/{uuid} returns the user', covers('USERS-GET'), async ({ api, accounts, target }) => {
  // obs. 10c
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('get');
  const res = await api.get(`/users/${bob.uuid}`, { token: await api.adminToken() });
  expect(res.status, res.describe()).toBe(200);
  expect(res.body.uuid, res.describe()).toBe(bob.uuid);
  expect(res.body.username, res.describe()).toBe(bob.username);
  expect(res.body.purpose, res.describe()).toBe('user');
});

test('user records carry authentication_method where the release has it, and none before', covers('USERS-AUTHENTICATION-METHOD'), async ({ api, accounts, target }) => {
  // obs. 10a, 10c; from 24.08 (spec/releases.yaml).
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('auth-method');
  const res = await api.get(`/users/${bob.uuid}`, { token: await api.adminToken() });
  expect(res.status, res.describe()).toBe(200);
  const present = observe('user-authentication-method', 'authentication_method' in (res.body ?? {}), `GET /users/{uuid} keys: ${Object.keys(res.body ?? {}).sort().join(', ')}`);
  expect('authentication_method' in bob.record, `POST /users answered like GET /users/{uuid}: ${JSON.stringify(Object.keys(bob.record))}`).toBe(present);
  if (present) expect(typeof res.body.authentication_method, res.describe()).toBe('string');
});

test('an unknown user uuid gets 404 unknown-user', covers('USERS-GET-UNKNOWN-404'), async ({ api, target }) => {
  // obs. 10c2
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const res = await api.get(`/users/${randomUUID()}`, { token: await api.adminToken() });
  expect(res.status, res.describe()).toBe(404);
  expect(res.body?.error_id, res.describe()).toBe('unknown-user');
});

test('PUT /users/{uuid} replaces the record; omitted fields become null', covers('USERS-REPLACE'), async ({ api, accounts, target }) => {
  // obs. 10d, 10d2
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('replace');
  const admin = await api.adminToken();
  const put = await api.put(`/users/${bob.uuid}`, { token: admin, json: { username: bob.username, firstname: 'Robert', lastname: 'Builder', enabled: true } });
  expect(put.status, put.describe()).toBe(200);
  expect([put.body.username, put.body.firstname, put.body.lastname], put.describe()).toEqual([bob.username, 'Robert', 'Builder']);
  const read = await api.get(`/users/${bob.uuid}`, { token: admin });
  expect(read.body?.firstname, `the change is kept: ${read.describe()}`).toBe('Robert');
  const empty = await api.put(`/users/${bob.uuid}`, { token: admin, json: {} });
  expect(empty.status, empty.describe()).toBe(200);
  expect([empty.body.username, empty.body.firstname, empty.body.lastname], `PUT {} nulls the omitted fields: ${empty.describe()}`).toEqual([null, null, null]);
});

test('DELETE /users/{uuid} answers 204; the user then gets 404, and so does a second delete', covers('USERS-DELETE'), async ({ api, accounts, target }) => {
  // obs. 10h, 10h2, 10h3
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('delete');
  const admin = await api.adminToken();
  const del = await api.delete(`/users/${bob.uuid}`, { token: admin });
  expect(del.status, del.describe()).toBe(204);
  const read = await api.get(`/users/${bob.uuid}`, { token: admin });
  expect(read.status, read.describe()).toBe(404);
  const again = await api.delete(`/users/${bob.uuid}`, { token: admin });
  expect(again.status, again.describe()).toBe(404);
});

test("a plain user's token gets 401 on the users endpoints, its own record included", covers('USERS-PLAIN-USER-401'), async ({ api, target }) => {
  // obs. 10f, 10f2, 10f7 (its own record), and 10f3–10f6 aimed at an unknown uuid: the ACL is checked
  // before the user is looked up, and a broken server can damage nothing there.
  const user = await api.userLogin();
  const other = randomUUID();
  const token = user.token;
  expectUnauthorized(await api.get('/users', { token }));
  expectUnauthorized(await api.post('/users', { token, json: { username: `${target.prefix}-eve`, password: `pw-${randomBytes(9).toString('hex')}` } }));
  expectUnauthorized(await api.get(`/users/${user.metadata.uuid}`, { token }));
  expectUnauthorized(await api.get(`/users/${other}`, { token }));
  expectUnauthorized(await api.put(`/users/${other}`, { token, json: { username: `${target.prefix}-eve` } }));
  expectUnauthorized(await api.delete(`/users/${other}`, { token }));
  expectUnauthorized(await api.put(`/users/${other}/password`, { token, json: { old_password: 'old-password', new_password: 'new-password' } }));
});

test("a plain user's token gets 401 on another user's record", covers('USERS-PLAIN-USER-401'), async ({ api, accounts, target }) => {
  // obs. 10f3–10f6, on a real (throwaway) user.
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('plain');
  const { token } = await api.userLogin();
  expectUnauthorized(await api.get(`/users/${bob.uuid}`, { token }));
  expectUnauthorized(await api.put(`/users/${bob.uuid}`, { token, json: { username: bob.username } }));
  expectUnauthorized(await api.delete(`/users/${bob.uuid}`, { token }));
  expectUnauthorized(await api.put(`/users/${bob.uuid}/password`, { token, json: { old_password: bob.password, new_password: `${bob.password}-2` } }));
  const still = await api.get(`/users/${bob.uuid}`, { token: await api.adminToken() });
  expect([still.status, still.body?.username], `the user is unchanged: ${still.describe()}`).toEqual([200, bob.username]);
});

test('the users endpoints without a token get 401', covers('USERS-NO-TOKEN-401'), async ({ api, target }) => {
  // obs. 10g
  expectUnauthorized(await api.get('/users'));
  expectUnauthorized(await api.post('/users', { json: { username: `${target.prefix}-eve`, password: `pw-${randomBytes(9).toString('hex')}` } }));
  expectUnauthorized(await api.get(`/users/${randomUUID()}`));
  expectUnauthorized(await api.delete(`/users/${randomUUID()}`));
});

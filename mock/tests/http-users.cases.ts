/** HTTP tests of the user and session operations (obs. 9i, 10, 11m, 13b). */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { ALICE_UUID, ADMIN_UUID, basic, startTestServer } from './test-support.ts';

const t = await startTestServer();
describe('user and session operations over HTTP', () => {
  let admin: Record<string, string>;
  let alice: Record<string, string>;
  beforeEach(async () => {
    t.server.state.reset();
    admin = { 'X-Auth-Token': (await t.login('admin', 'admin-secret')).token, 'Content-Type': 'application/json' };
    alice = { 'X-Auth-Token': (await t.login('alice', 'alice-pw')).token, 'Content-Type': 'application/json' };
  });

  const BOB = { username: 'bob', password: 'bob-pw', firstname: 'Bob', lastname: 'Builder', email_address: 'bob@example.com' };
  const USER_KEYS = ['authentication_method', 'emails', 'enabled', 'firstname', 'lastname', 'purpose', 'tenant_uuid', 'username', 'uuid'];

  async function createBob(): Promise<string> {
    const reply = await t.call('POST', '/0.1/users', { headers: admin, body: BOB });
    assert.equal(reply.status, 200);
    return reply.json.uuid;
  }

  test('POST /users: 200 with the user, never its password (obs. 10a); the new user can log in', async () => {
    const reply = await t.call('POST', '/0.1/users', { headers: admin, body: BOB });
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.json).sort(), USER_KEYS);
    assert.equal(reply.json.purpose, 'user');
    assert.deepEqual(reply.json.emails.map((e: any) => [e.address, e.main, e.confirmed]), [['bob@example.com', true, true]]);
    const login = await t.login('bob', 'bob-pw');
    assert.equal(login.auth_id, reply.json.uuid);
    assert.equal((await t.login('bob@example.com', 'bob-pw')).auth_id, reply.json.uuid);
  });

  test('POST /users: duplicate username or email → 409 conflict (obs. 10a2)', async () => {
    await createBob();
    const dup = await t.call('POST', '/0.1/users', { headers: admin, body: { username: 'bob', password: 'x' } });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.json, { ...dup.json, message: 'Conflict detected', error_id: 'conflict', resource: 'users', details: { username: { constraint_id: 'unique', message: 'The login "bob" is already used' } } });
    const dupEmail = await t.call('POST', '/0.1/users', { headers: admin, body: { username: 'robert', email_address: 'bob@example.com' } });
    assert.equal(dupEmail.status, 409);
    assert.ok('email_address' in dupEmail.json.details);
  });

  test('POST /users: invalid data → 400 APIError invalid-data (obs. 10a3); [] creates an empty user (obs. 10a4)', async () => {
    const invalid = await t.call('POST', '/0.1/users', { headers: admin, body: { username: 'carol', purpose: 'nope' } });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.json, {
      ...invalid.json,
      message: 'Must be one of: user, internal, external_api.',
      error_id: 'invalid-data',
      resource: 'users',
      details: { purpose: { constraint_id: 'enum', constraint: { choices: ['user', 'internal', 'external_api'] }, message: 'Must be one of: user, internal, external_api.' } },
    });
    const badEmail = await t.call('POST', '/0.1/users', { headers: admin, body: { username: 'carol', email_address: 'not an email' } });
    assert.equal(badEmail.status, 400);
    assert.equal(badEmail.json.error_id, 'invalid-data');
    const empty = await t.call('POST', '/0.1/users', { headers: admin, body: [] });
    assert.equal(empty.status, 200);
    assert.deepEqual([empty.json.username, empty.json.firstname, empty.json.emails, empty.json.enabled], [null, null, [], true]);
    const notObject = await t.call('POST', '/0.1/users', { headers: admin, body: '"abc"' });
    assert.equal(notObject.status, 400);
    assert.deepEqual(notObject.json.details, { _schema: ['Invalid input type.'] });
  });

  test('GET /users: the seeded users with total and filtered; search filters (obs. 10b, 10b2)', async () => {
    await createBob();
    const all = await t.call('GET', '/0.1/users', { headers: admin });
    assert.equal(all.status, 200);
    assert.deepEqual([all.json.total, all.json.filtered], [3, 3]);
    assert.deepEqual(all.json.items.map((u: any) => u.username), ['admin', 'alice', 'bob']);
    assert.deepEqual(all.json.items.find((u: any) => u.username === 'admin').authentication_method, 'native');
    const bob = await t.call('GET', '/0.1/users?search=bob', { headers: admin });
    assert.deepEqual([bob.json.total, bob.json.filtered, bob.json.items[0].username], [3, 1, 'bob']);
    const page = await t.call('GET', '/0.1/users?order=username&direction=desc&limit=1&offset=1', { headers: admin });
    assert.deepEqual(page.json.items.map((u: any) => u.username), ['alice']);
    const badOrder = await t.call('GET', '/0.1/users?direction=sideways', { headers: admin });
    assert.equal(badOrder.status, 400);
    assert.equal(badOrder.json.message, 'Must be one of: asc, desc.');
  });

  test('GET /users/{uuid}: the user; unknown → 404 unknown-user; non-UUID → JSON 404 (obs. 10c–10c3, deliberate)', async () => {
    const uuid = await createBob();
    const reply = await t.call('GET', `/0.1/users/${uuid}`, { headers: admin });
    assert.equal(reply.status, 200);
    assert.equal(reply.json.username, 'bob');
    const unknown = await t.call('GET', '/0.1/users/00000000-0000-4000-8000-000000000000', { headers: admin });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json, { ...unknown.json, message: 'No such user: "00000000-0000-4000-8000-000000000000"', error_id: 'unknown-user', details: { uuid: '00000000-0000-4000-8000-000000000000' }, resource: 'users' });
    const notUuid = await t.call('GET', '/0.1/users/not-a-uuid', { headers: admin });
    assert.equal(notUuid.status, 404);
    assert.equal(notUuid.json.error_id, 'unknown-user');
  });

  test('PUT /users/{uuid}: replaces the record, omitted fields become null (obs. 10d, 10d2); 409 on a taken username', async () => {
    const uuid = await createBob();
    const put = await t.call('PUT', `/0.1/users/${uuid}`, { headers: admin, body: { username: 'bob', firstname: 'Robert', lastname: 'Builder', enabled: true } });
    assert.equal(put.status, 200);
    assert.equal(put.json.firstname, 'Robert');
    const emptied = await t.call('PUT', `/0.1/users/${uuid}`, { headers: admin, body: {} });
    assert.deepEqual([emptied.json.username, emptied.json.firstname, emptied.json.lastname, emptied.json.emails.length], [null, null, null, 1]);
    const taken = await t.call('PUT', `/0.1/users/${uuid}`, { headers: admin, body: { username: 'alice' } });
    assert.equal(taken.status, 409);
    const unknown = await t.call('PUT', '/0.1/users/00000000-0000-4000-8000-000000000000', { headers: admin, body: {} });
    assert.equal(unknown.status, 404);
  });

  test('DELETE /users/{uuid}: 204 then 404; its tokens stay valid (obs. 10h–10h3, 13b)', async () => {
    const uuid = await createBob();
    const bobToken = (await t.login('bob', 'bob-pw')).token;
    const deleted = await t.call('DELETE', `/0.1/users/${uuid}`, { headers: admin });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.headers['content-type'], 'application/json');
    assert.equal((await t.call('GET', `/0.1/users/${uuid}`, { headers: admin })).status, 404);
    assert.equal((await t.call('DELETE', `/0.1/users/${uuid}`, { headers: admin })).status, 404);
    assert.equal((await t.call('GET', `/0.1/token/${bobToken}`)).status, 200);
  });

  test('a plain user gets 401 missing_permission on the users endpoints, even its own record (obs. 10f–10f7)', async () => {
    const uuid = await createBob();
    const cases: [string, string, string, unknown?][] = [
      ['GET', '/0.1/users', 'auth.users.read'],
      ['POST', '/0.1/users', 'auth.users.create', { username: 'eve', password: 'x' }],
      ['GET', `/0.1/users/${uuid}`, `auth.users.${uuid}.read`],
      ['PUT', `/0.1/users/${uuid}`, `auth.users.${uuid}.update`, { username: 'bob' }],
      ['DELETE', `/0.1/users/${uuid}`, `auth.users.${uuid}.delete`],
      ['PUT', `/0.1/users/${uuid}/password`, `auth.users.${uuid}.password.update`, { old_password: 'bob-pw', new_password: 'x' }],
      ['GET', `/0.1/users/${ALICE_UUID}`, `auth.users.${ALICE_UUID}.read`],
    ];
    for (const [method, path, access, body] of cases) {
      const reply = await t.call(method, path, { headers: alice, body });
      assert.equal(reply.status, 401, `${method} ${path}`);
      assert.deepEqual(reply.json.details, { invalid_token: alice['X-Auth-Token'], reason: 'missing_permission_or_invalid_tenant', required_access: access, tenant_uuid: null });
    }
    const anonymous = await t.call('GET', '/0.1/users');
    assert.deepEqual(anonymous.json.details, { invalid_token: '', reason: 'not_found_or_expired', required_access: 'auth.users.read' });
    const tokenChecksFirst = await t.call('PUT', `/0.1/users/${uuid}`, { headers: { 'Content-Type': 'application/json' }, body: 'not json' });
    assert.equal(tokenChecksFirst.status, 401, 'the token is checked before the body is read');
  });

  test('PUT /users/{uuid}/password: right old password → 204; wrong → 401 Error; missing → 400 APIError (obs. 10e–10e4)', async () => {
    const uuid = await createBob();
    const change = (body: unknown) => t.call('PUT', `/0.1/users/${uuid}/password`, { headers: admin, body });
    assert.equal((await change({ old_password: 'bob-pw', new_password: 'bob-pw2' })).status, 204);
    const wrong = await change({ old_password: 'wrong', new_password: 'bob-pw3' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(Object.keys(wrong.json), ['reason', 'timestamp', 'status_code']);
    assert.deepEqual(wrong.json.reason, ['Authentication Failed']);
    const missing = await change({ new_password: 'bob-pw3' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, {
      ...missing.json,
      message: 'Missing data for required field.',
      error_id: 'invalid-data',
      resource: 'users',
      details: { old_password: { message: 'Missing data for required field.', constraint_id: 'required', constraint: 'required' } },
    });
    await t.login('bob', 'bob-pw2');
  });

  test('a user changes its own password with its token; then every session of the user ends (obs. 10f8–10f11)', async () => {
    const other = (await t.login('alice', 'alice-pw')).token;
    const mine = await t.call('PUT', `/0.1/users/${ALICE_UUID}/password`, { headers: alice, body: { old_password: 'alice-pw', new_password: 'alice-pw-tmp' } });
    assert.equal(mine.status, 204);
    assert.equal((await t.call('GET', `/0.1/token/${alice['X-Auth-Token']}`)).status, 404);
    assert.equal((await t.call('GET', `/0.1/token/${other}`)).status, 404);
    const revoked = await t.call('PUT', `/0.1/users/${ALICE_UUID}/password`, { headers: alice, body: { old_password: 'alice-pw-tmp', new_password: 'alice-pw' } });
    assert.equal(revoked.status, 401);
    assert.equal(revoked.json.details.reason, 'not_found_or_expired');
    const fresh = (await t.login('alice', 'alice-pw-tmp')).token;
    const back = await t.call('PUT', `/0.1/users/${ALICE_UUID}/password`, { headers: { 'X-Auth-Token': fresh, 'Content-Type': 'application/json' }, body: { old_password: 'alice-pw-tmp', new_password: 'alice-pw' } });
    assert.equal(back.status, 204);
    assert.ok((await t.call('GET', `/0.1/token/${admin['X-Auth-Token']}`)).status === 200, 'the admin session is untouched');
  });

  test('GET /users/{uuid}/sessions: the user lists its own sessions with total and filtered (obs. 9i, 11m)', async () => {
    await t.call('POST', '/0.1/token', { headers: { Authorization: basic('alice', 'alice-pw'), 'Wazo-Session-Type': 'mobile', 'Content-Type': 'application/json' }, body: {} });
    const reply = await t.call('GET', `/0.1/users/${ALICE_UUID}/sessions?limit=1&order=mobile&direction=desc`, { headers: alice });
    assert.equal(reply.status, 200);
    assert.deepEqual([reply.json.total, reply.json.filtered, reply.json.items.length], [2, 2, 1]);
    assert.deepEqual(Object.keys(reply.json.items[0]).sort(), ['mobile', 'tenant_uuid', 'user_uuid', 'uuid']);
    assert.equal(reply.json.items[0].mobile, true);
    const others = await t.call('GET', `/0.1/users/${ADMIN_UUID}/sessions`, { headers: alice });
    assert.equal(others.status, 401);
    const unknown = await t.call('GET', '/0.1/users/00000000-0000-4000-8000-000000000000/sessions', { headers: admin });
    assert.equal(unknown.status, 404);
  });

  test('DELETE /users/{uuid}/sessions/{session}: ends the session and its token; unknown → 404', async () => {
    const login = await t.login('alice', 'alice-pw');
    const path = `/0.1/users/${ALICE_UUID}/sessions/${login.session_uuid}`;
    assert.equal((await t.call('DELETE', path, { headers: alice })).status, 204);
    assert.equal((await t.call('GET', `/0.1/token/${login.token}`)).status, 404);
    const again = await t.call('DELETE', path, { headers: alice });
    assert.equal(again.status, 404);
    assert.equal(again.json.error_id, 'unknown-session');
    const notUuid = await t.call('DELETE', `/0.1/users/${ALICE_UUID}/sessions/nope`, { headers: alice });
    assert.equal(notUuid.status, 404);
    const adminSession = (await t.call('GET', `/0.1/users/${ADMIN_UUID}/sessions`, { headers: admin })).json.items[0].uuid;
    const foreign = await t.call('DELETE', `/0.1/users/${ALICE_UUID}/sessions/${adminSession}`, { headers: admin });
    assert.equal(foreign.status, 404, 'a session of another user');
  });
});

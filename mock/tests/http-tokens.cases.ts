/** HTTP tests of the token operations, each against the observed behaviour it cites. */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { ALICE_UUID, ADMIN_UUID, basic, startTestServer } from './test-support.ts';

const t = await startTestServer();
describe('token operations over HTTP', () => {
  beforeEach(() => {
    t.server.state.reset();
    t.server.faults.clear();
  });

  const JSON_HEADERS = { 'Content-Type': 'application/json' };
  const ALICE = basic('alice', 'alice-pw');
  const postToken = (body: unknown, headers: Record<string, string> = { Authorization: ALICE, ...JSON_HEADERS }) =>
    t.call('POST', '/0.1/token', { headers, body });
  const seconds = (iso: string) => Date.parse(`${iso}Z`) / 1000;
  const reasonOf = (reply: { json: any }) => reply.json.reason[0] as string;

  test('POST /token: Basic login answers the token, 7200 s by default, Wazo-Sessions-Revoked 0 (obs. 1a, 1d)', async () => {
    const reply = await postToken({});
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['wazo-sessions-revoked'], '0');
    const data = reply.json.data;
    assert.equal(data.auth_id, ALICE_UUID);
    assert.equal(data.metadata.tenant_uuid, '1f424b77-c3e5-424d-9bff-b5576fb063e6');
    assert.match(data.utc_issued_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(seconds(data.utc_expires_at) - seconds(data.utc_issued_at), 7200);
    assert.equal(data.refresh_token, undefined);
    assert.equal(data.user_agent, '');
  });

  test('POST /token: expiration 3600, 1.5 → 1, "60" → 60 (obs. 1a, 7k, 7k2)', async () => {
    for (const [expiration, lifetime] of [[3600, 3600], [1.5, 1], ['60', 60], [315360000, 315360000]] as const) {
      const data = (await postToken({ expiration })).json.data;
      assert.equal(seconds(data.utc_expires_at) - seconds(data.utc_issued_at), lifetime, `expiration ${expiration}`);
    }
  });

  test('POST /token: [] and null bodies count as {}, unknown fields are ignored, Content-Type is not needed (obs. 7f, 7f3, 7q, 1e)', async () => {
    assert.equal((await postToken([])).status, 200);
    assert.equal((await postToken(null)).status, 200);
    assert.equal((await postToken({ foo: 1, backend: 'nope' })).status, 200);
    assert.equal((await postToken({ expiration: 3600 }, { Authorization: ALICE })).status, 200);
  });

  test('POST /token: no, empty or unparseable body is a bare 400 (obs. 1b, 1c, 7e)', async () => {
    const expected = { message: 'The browser (or proxy) sent a request that this server could not understand.' };
    assert.deepEqual((await t.call('POST', '/0.1/token', { headers: { Authorization: ALICE } })).json, expected);
    assert.deepEqual((await postToken('')).json, expected);
    const reply = await postToken('this is not json');
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json, expected);
  });

  test('POST /token: validation errors are marshmallow reprs in the Error shape (obs. 7f2–7s)', async () => {
    const cases: [unknown, string][] = [
      ['"abc"', "{'_schema': ['Invalid input type.']}"],
      [{ expiration: 0 }, "{'expiration': [{'constraint_id': 'range', 'constraint': {'min': 1, 'max': 315360000}, 'message': 'Must be greater than or equal to 1 and less than or equal to 315360000.'}]}"],
      [{ expiration: 315360001 }, "{'expiration': [{'constraint_id': 'range', 'constraint': {'min': 1, 'max': 315360000}, 'message': 'Must be greater than or equal to 1 and less than or equal to 315360000.'}]}"],
      [{ expiration: 'abc' }, "{'expiration': {'message': 'Not a valid integer.', 'constraint_id': 'type', 'constraint': 'integer'}}"],
      [{ expiration: true }, "{'expiration': {'message': 'Not a valid integer.', 'constraint_id': 'type', 'constraint': 'integer'}}"],
      [{ expiration: null }, "{'expiration': {'message': 'Field may not be null.', 'constraint_id': 'not_null', 'constraint': 'not_null'}}"],
      [{ access_type: 'bogus', client_id: 'example' }, "{'access_type': [{'constraint_id': 'enum', 'constraint': {'choices': ['online', 'offline']}, 'message': 'Must be one of: online, offline.'}]}"],
      [{ access_type: 'offline' }, `{'_schema': ['"client_id" must be specified when using "access_type" is "offline"']}`],
      [{ refresh_token: 'c6af6e71-2dfe-42a0-af6f-fdbfbbe91566' }, `{'_schema': ['"client_id" must be specified when using a "refresh_token"']}`],
      [{ refresh_token: 'c6af6e71-2dfe-42a0-af6f-fdbfbbe91566', client_id: 'example', access_type: 'offline' }, `{'_schema': ['cannot use the "access_type" "offline" with a refresh token']}`],
      [{ access_type: 'offline', client_id: '' }, "{'client_id': [{'constraint_id': 'length', 'constraint': {'min': 1, 'max': 1024}, 'message': 'Length must be between 1 and 1024.'}]}"],
      [
        { expiration: 0, access_type: 'bogus' },
        "{'expiration': [{'constraint_id': 'range', 'constraint': {'min': 1, 'max': 315360000}, 'message': 'Must be greater than or equal to 1 and less than or equal to 315360000.'}], 'access_type': [{'constraint_id': 'enum', 'constraint': {'choices': ['online', 'offline']}, 'message': 'Must be one of: online, offline.'}]}",
      ],
    ];
    for (const [body, reason] of cases) {
      const reply = await postToken(body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.deepEqual(Object.keys(reply.json), ['reason', 'timestamp', 'status_code']);
      assert.equal(reasonOf(reply), reason, JSON.stringify(body));
      assert.equal(reply.json.status_code, 400);
      assert.equal(typeof reply.json.timestamp[0], 'number');
    }
  });

  test('POST /token: every credential failure is 401 Authentication Failed (obs. 7a–7d4), malformed base64 included (deliberate)', async () => {
    const headers: Record<string, string>[] = [
      { Authorization: basic('alice', 'nope') },
      { Authorization: basic('nobody', 'x') },
      {},
      { Authorization: 'Basic !!!notbase64' },
      { Authorization: `Basic ${Buffer.from('alicealice-pw').toString('base64')}` },
      { Authorization: 'Bearer xyz' },
      { Authorization: basic('alice', '') },
    ];
    for (const h of headers) {
      const reply = await postToken({ expiration: 3600 }, { ...h, ...JSON_HEADERS });
      assert.equal(reply.status, 401, JSON.stringify(h));
      assert.deepEqual(reply.json.reason, ['Authentication Failed']);
    }
  });

  test('POST /token: offline login gives a refresh token, the same one again on desktop (obs. 2a, 2b, 2c)', async () => {
    const first = await t.login('alice', 'alice-pw', { client_id: 'example', access_type: 'offline' });
    const second = await t.login('alice', 'alice-pw', { client_id: 'example', access_type: 'offline' }, { 'Wazo-Session-Type': 'desktop' });
    assert.match(first.refresh_token, /^[0-9a-f-]{36}$/);
    assert.equal(second.refresh_token, first.refresh_token);
    assert.notEqual(second.token, first.token);
    const online = await t.login('alice', 'alice-pw', { client_id: 'example', access_type: 'online' });
    assert.equal(online.refresh_token, undefined);
  });

  test('POST /token: parallel identical offline logins yield exactly one refresh token', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => postToken({ client_id: 'parallel', access_type: 'offline' })),
    );
    assert.ok(replies.every((r) => r.status === 200));
    assert.equal(new Set(replies.map((r) => r.json.data.refresh_token)).size, 1);
    assert.equal(t.server.state.refreshTokens.forUser(ALICE_UUID).length, 1);
  });

  test('POST /token: the refresh grant wins over Basic credentials and returns no refresh token (obs. 3a–3d)', async () => {
    const { refresh_token } = await t.login('alice', 'alice-pw', { client_id: 'example', access_type: 'offline' });
    for (const headers of [JSON_HEADERS, { ...JSON_HEADERS, Authorization: ALICE }, { ...JSON_HEADERS, Authorization: basic('admin', 'admin-secret') }]) {
      const reply = await postToken({ expiration: 3600, client_id: 'example', refresh_token }, headers);
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['wazo-sessions-revoked'], '0');
      assert.equal(reply.json.data.auth_id, ALICE_UUID);
      assert.equal(reply.json.data.refresh_token, undefined);
    }
    const defaulted = (await postToken({ client_id: 'example', refresh_token }, JSON_HEADERS)).json.data;
    assert.equal(seconds(defaulted.utc_expires_at) - seconds(defaulted.utc_issued_at), 7200);
  });

  test('POST /token: wrong client_id, unknown or non-UUID refresh token, access token as refresh token → 401 (obs. 4a–4c, 6a)', async () => {
    const login = await t.login('alice', 'alice-pw', { client_id: 'example', access_type: 'offline' });
    for (const body of [
      { client_id: 'other', refresh_token: login.refresh_token },
      { client_id: 'example', refresh_token: '00000000-0000-4000-8000-000000000000' },
      { client_id: 'example', refresh_token: 'not-a-uuid' },
      { client_id: 'example', refresh_token: login.token },
    ]) {
      const reply = await postToken(body, JSON_HEADERS);
      assert.equal(reply.status, 401, JSON.stringify(body));
      assert.deepEqual(reply.json.reason, ['Authentication Failed']);
    }
  });

  test('a refresh token is not an access token: 401 as X-Auth-Token, 404 on /token/{rt} (obs. 5a–5d)', async () => {
    const { refresh_token } = await t.login('alice', 'alice-pw', { client_id: 'example', access_type: 'offline' });
    const asHeader = await t.call('GET', '/0.1/users/me/tokens', { headers: { 'X-Auth-Token': refresh_token } });
    assert.equal(asHeader.status, 401);
    assert.deepEqual(asHeader.json.details, { invalid_token: refresh_token, reason: 'not_found_or_expired', required_access: 'auth.users.me.tokens.read' });
    assert.equal((await t.call('GET', `/0.1/token/${refresh_token}`)).status, 404);
    const head = await t.call('HEAD', `/0.1/token/${refresh_token}`);
    assert.equal(head.status, 404);
    assert.equal(head.text, '');
  });

  test('mobile offline logins revoke the earlier mobile refresh tokens and sessions, counted in Wazo-Sessions-Revoked (obs. 11a–11k)', async () => {
    const mobile = { ...JSON_HEADERS, Authorization: ALICE, 'Wazo-Session-Type': 'mobile' };
    const online = (await postToken({ expiration: 600 }, mobile)).json.data;
    const first = await postToken({ expiration: 600, access_type: 'offline', client_id: 'mobile-app' }, mobile);
    const second = await postToken({ expiration: 600, access_type: 'offline', client_id: 'mobile-app' }, { ...mobile, 'Wazo-Session-Type': 'MOBILE' });
    assert.deepEqual([first.headers['wazo-sessions-revoked'], second.headers['wazo-sessions-revoked']], ['0', '1']);
    assert.notEqual(second.json.data.refresh_token, first.json.data.refresh_token);
    assert.equal((await t.call('GET', `/0.1/token/${first.json.data.token}`)).status, 404);
    const stale = await postToken({ client_id: 'mobile-app', refresh_token: first.json.data.refresh_token }, JSON_HEADERS);
    assert.equal(stale.status, 401);
    const refreshed = await postToken({ client_id: 'mobile-app', refresh_token: second.json.data.refresh_token }, { ...JSON_HEADERS, 'Wazo-Session-Type': 'mobile' });
    assert.equal(refreshed.headers['wazo-sessions-revoked'], '0');
    const other = await postToken({ expiration: 600, access_type: 'offline', client_id: 'mobile-app-2' }, mobile);
    assert.equal(other.headers['wazo-sessions-revoked'], '2');
    assert.equal((await t.call('GET', `/0.1/token/${online.token}`)).status, 200);
    const listed = await t.call('GET', '/0.1/users/me/tokens', { headers: { 'X-Auth-Token': other.json.data.token } });
    assert.deepEqual(listed.json.items.map((i: any) => [i.client_id, i.mobile]), [['mobile-app-2', true]]);
  });

  test('GET /token/{t}: token data read back with second-precision times (obs. 8a); HEAD → 204 (obs. 8b)', async () => {
    const login = await t.login('alice', 'alice-pw', { expiration: 3600 });
    const reply = await t.call('GET', `/0.1/token/${login.token}`);
    assert.equal(reply.status, 200);
    const data = reply.json.data;
    assert.match(data.issued_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.match(data.utc_expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/);
    assert.equal(data.session_uuid, login.session_uuid);
    assert.deepEqual(Object.keys(data), Object.keys(login));
    const head = await t.call('HEAD', `/0.1/token/${login.token}`);
    assert.equal(head.status, 204);
    assert.equal(head.headers['content-type'], 'application/json');
  });

  test('GET/HEAD /token/{t}: unknown, non-UUID (deliberate JSON 404) → No such token (obs. 8c, 8c2, 8c3)', async () => {
    for (const token of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const reply = await t.call('GET', `/0.1/token/${token}`);
      assert.equal(reply.status, 404);
      assert.deepEqual(reply.json.reason, ['No such token']);
      assert.equal((await t.call('HEAD', `/0.1/token/${token}`)).status, 404);
    }
  });

  test('?scope= grants 200 or refuses 403 on GET and HEAD; scopes/check answers per scope (obs. 8d–8d4)', async () => {
    const { token } = await t.login('alice', 'alice-pw');
    assert.equal((await t.call('GET', `/0.1/token/${token}?scope=auth.users.me.tokens.read`)).status, 200);
    const refused = await t.call('GET', `/0.1/token/${token}?scope=confd.users.read`);
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.json.reason, ['Unauthorized for confd.users.read']);
    assert.equal((await t.call('HEAD', `/0.1/token/${token}?scope=confd.users.read`)).status, 403);
    assert.equal((await t.call('GET', `/0.1/token/${token}?tenant=00000000-0000-4000-8000-000000000000`)).status, 403);
    const checked = await t.call('POST', `/0.1/token/${token}/scopes/check`, { headers: JSON_HEADERS, body: { scopes: ['auth.users.me.tokens.read', 'confd.users.read'] } });
    assert.equal(checked.status, 200);
    assert.deepEqual(checked.json, { scopes: { 'auth.users.me.tokens.read': true, 'confd.users.read': false } });
    const unknown = await t.call('POST', '/0.1/token/00000000-0000-4000-8000-000000000000/scopes/check', { headers: JSON_HEADERS, body: { scopes: ['x'] } });
    assert.equal(unknown.status, 404);
    const invalid = await t.call('POST', `/0.1/token/${token}/scopes/check`, { headers: JSON_HEADERS, body: { scopes: 'x' } });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json.reason[0], "{'scopes': {'message': 'Not a valid list.', 'constraint_id': 'type', 'constraint': 'array'}}");
    const missing = await t.call('POST', `/0.1/token/${token}/scopes/check`, { headers: JSON_HEADERS, body: {} });
    assert.equal(missing.json.reason[0], "{'scopes': {'message': 'Missing data for required field.', 'constraint_id': 'required', 'constraint': 'required'}}");
  });

  test('DELETE /token/{t}: 200 success, also when already gone; the token is dead after (obs. 8e–8f3)', async () => {
    const { token } = await t.login('alice', 'alice-pw');
    for (let i = 0; i < 2; i++) {
      const reply = await t.call('DELETE', `/0.1/token/${token}`);
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.json, { data: { message: 'success' } });
    }
    assert.equal((await t.call('GET', `/0.1/token/${token}`)).status, 404);
    assert.equal((await t.call('DELETE', '/0.1/token/not-a-uuid')).status, 404);
  });

  test('expired tokens: 404 on /token/{t}, 401 as X-Auth-Token (obs. 8g–8h3), with the mock clock', async () => {
    const { token } = await t.login('alice', 'alice-pw', { expiration: 1 });
    t.server.state.clock.advance(2);
    assert.equal((await t.call('GET', `/0.1/token/${token}`)).status, 404);
    assert.equal((await t.call('HEAD', `/0.1/token/${token}`)).status, 404);
    const reply = await t.call('GET', '/0.1/users/me/tokens', { headers: { 'X-Auth-Token': token } });
    assert.equal(reply.status, 401);
    assert.equal(reply.json.details.reason, 'not_found_or_expired');
  });

  test('refresh tokens: listed for me and by uuid (admin), all for admins only (obs. 9a–9c)', async () => {
    const alice = await t.login('alice', 'alice-pw', { client_id: 'example', access_type: 'offline' });
    const admin = await t.login('admin', 'admin-secret');
    const mine = await t.call('GET', '/0.1/users/me/tokens', { headers: { 'X-Auth-Token': alice.token } });
    assert.equal(mine.status, 200);
    assert.equal(mine.json.total, 1);
    assert.deepEqual(Object.keys(mine.json.items[0]).sort(), ['client_id', 'created_at', 'metadata', 'mobile', 'tenant_uuid', 'user_uuid']);
    assert.match(mine.json.items[0].created_at, /\+00:00$/);
    const all = await t.call('GET', '/0.1/tokens', { headers: { 'X-Auth-Token': admin.token } });
    assert.equal(all.json.total, 1);
    const byUuid = await t.call('GET', `/0.1/users/${ALICE_UUID}/tokens`, { headers: { 'X-Auth-Token': admin.token } });
    assert.deepEqual(byUuid.json, mine.json);
    const ownByUuid = await t.call('GET', `/0.1/users/${ALICE_UUID}/tokens`, { headers: { 'X-Auth-Token': alice.token } });
    assert.equal(ownByUuid.status, 200, 'me in the ACL matches her own uuid');
    const refused = await t.call('GET', '/0.1/tokens', { headers: { 'X-Auth-Token': alice.token } });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.json.details, { invalid_token: alice.token, reason: 'missing_permission_or_invalid_tenant', required_access: 'auth.tokens.read', tenant_uuid: null });
    const otherUser = await t.call('GET', `/0.1/users/${ADMIN_UUID}/tokens`, { headers: { 'X-Auth-Token': alice.token } });
    assert.equal(otherUser.status, 401);
    const unknown = await t.call('GET', '/0.1/users/00000000-0000-4000-8000-000000000000/tokens', { headers: { 'X-Auth-Token': admin.token } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error_id, 'unknown-user');
    const searched = await t.call('GET', '/0.1/tokens?search=nothing-like-it&limit=1', { headers: { 'X-Auth-Token': admin.token } });
    assert.deepEqual([searched.json.total, searched.json.filtered, searched.json.items.length], [1, 0, 0]);
    const badLimit = await t.call('GET', '/0.1/tokens?limit=-1', { headers: { 'X-Auth-Token': admin.token } });
    assert.equal(badLimit.status, 400);
    assert.equal(badLimit.json.error_id, 'invalid-list-param');
    assert.deepEqual(badLimit.json.details.limit.constraint_id, 'range');
  });

  test('X-Auth-Token only: none, unknown, ?token=, Bearer → 401 not_found_or_expired (obs. 9c2–9c5)', async () => {
    const { token } = await t.login('alice', 'alice-pw');
    const cases: [string, Record<string, string>, string][] = [
      ['/0.1/users/me/tokens', {}, ''],
      ['/0.1/users/me/tokens', { 'X-Auth-Token': '00000000-0000-4000-8000-000000000000' }, '00000000-0000-4000-8000-000000000000'],
      [`/0.1/users/me/tokens?token=${token}`, {}, ''],
      ['/0.1/users/me/tokens', { Authorization: `Bearer ${token}` }, ''],
    ];
    for (const [path, headers, invalid] of cases) {
      const reply = await t.call('GET', path, { headers });
      assert.equal(reply.status, 401);
      assert.deepEqual(reply.json, { ...reply.json, message: 'Unauthorized', error_id: 'unauthorized' });
      assert.deepEqual(reply.json.details, { invalid_token: invalid, reason: 'not_found_or_expired', required_access: 'auth.users.me.tokens.read' });
    }
  });

  test('DELETE /users/me/tokens/{client_id}: 204, then refresh 401, access tokens stay, second delete 404 (obs. 9d–9h)', async () => {
    const login = await t.login('alice', 'alice-pw', { client_id: 'example', access_type: 'offline' });
    const refreshed = (await postToken({ client_id: 'example', refresh_token: login.refresh_token }, JSON_HEADERS)).json.data;
    const auth = { 'X-Auth-Token': login.token };
    const deleted = await t.call('DELETE', '/0.1/users/me/tokens/example', { headers: auth });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assert.equal((await postToken({ client_id: 'example', refresh_token: login.refresh_token }, JSON_HEADERS)).status, 401);
    assert.equal((await t.call('GET', `/0.1/token/${refreshed.token}`)).status, 200);
    const again = await t.call('DELETE', '/0.1/users/me/tokens/example', { headers: auth });
    assert.equal(again.status, 404);
    assert.deepEqual(again.json, { ...again.json, message: 'unknown refresh_token for client_id "example"', error_id: 'cannot-find-refresh-token-matching-client-id', details: { client_id: 'example' }, resource: 'tokens' });
    assert.deepEqual((await t.call('GET', '/0.1/users/me/tokens', { headers: auth })).json, { total: 0, filtered: 0, items: [] });
  });

  test('the 101st concurrent session is refused with 429 (obs. 13a)', async () => {
    for (let i = 0; i < 100; i++) t.server.state.login(t.server.state.authenticate('alice', 'alice-pw')!, { expirationSeconds: 600, mobile: false, remoteAddr: '', userAgent: '' });
    const reply = await postToken({ expiration: 120 });
    assert.equal(reply.status, 429);
    assert.deepEqual(reply.json.reason, [`User ${ALICE_UUID} has exceeded the maximum number of active sessions`]);
    t.server.state.clock.advance(601);
    assert.equal((await postToken({ expiration: 120 })).status, 200, 'expired sessions no longer count');
  });

  test('remote_addr follows the last X-Forwarded-For hop, user_agent the User-Agent (obs. 12e2)', async () => {
    const data = await t.login('alice', 'alice-pw', {}, { 'X-Forwarded-For': '203.0.113.9, 192.0.2.10', 'User-Agent': 'kit/1' });
    assert.equal(data.remote_addr, '192.0.2.10');
    assert.equal(data.user_agent, 'kit/1');
  });
});

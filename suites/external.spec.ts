/**
 * Area external (and config, tenant sessions): GET/PATCH /config, GET /backends, GET /sessions and
 * DELETE /sessions/{uuid}, a user's external auths, the tenant's external configs, the Google/Microsoft
 * OAuth endpoints (which need a third party: checked as the service answers without a config) and the
 * mobile push device tokens. Facts: observed on the real 24.01, 25.01, 26.05 and master (issue 15).
 *
 * Safety on a real host: device tokens are written on throwaway users only; configs are stored only
 * where none exists (the kit's own type `wazo-auth-kit-check`, or `mobile`/`google` when the host has
 * none) and deleted in a `finally` and by the clean-up; PATCH /config sets `debug` to the value it
 * already has (flipping it is checked on the embedded mock only); sessions are ended only when the
 * test opened them. Tests that depend on each other's tenant-wide state run one after another (serial groups).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiClient } from './api.ts';
import type { CleanupRegistry } from './cleanup.ts';
import { covers } from './covers.ts';
import { expectNoSuchToken, expectUnauthorized } from './expectations.ts';
import { expect, NEEDS_ADMIN, should, test } from './fixtures.ts';
import { observe } from './releases.ts';

/** The kit's own external auth type: the real service stores a config of any type name. */
const KIT_TYPE = 'wazo-auth-kit-check';
const ONLY_ON_MOCK = 'reaches a third party on a real host (the service then waits for Google on oauth.wazo.io): checked on the embedded mock only';

/** A throwaway user and its own (plain user) token. */
async function throwawayWithToken(api: ApiClient, accounts: { create(label: string): Promise<{ uuid: string; username: string; password: string }> }, label: string) {
  const user = await accounts.create(label);
  const login = await api.loginOk({ username: user.username, password: user.password });
  return { ...user, token: login.token as string };
}

/** Stores a config of `type` for the test, only if none is stored; returns false when the host has one (left alone). */
async function storeConfig(api: ApiClient, cleanup: CleanupRegistry, admin: string, type: string, value: unknown): Promise<boolean> {
  const existing = await api.get(`/external/${type}/config`, { token: admin });
  if (existing.status === 200) return false;
  cleanup.add({ kind: 'external-config', type });
  const created = await api.post(`/external/${type}/config`, { token: admin, json: value });
  expect(created.status, created.describe()).toBe(201);
  return true;
}

// --- config and backends ----------------------------------------------------------------------------

test('GET /backends answers the loaded backends without a token', covers('BACKENDS-LIST'), async ({ api }) => {
  const res = await api.get('/backends');
  expect(res.status, res.describe()).toBe(200);
  expect(res.body.data, res.describe()).toContain('wazo_user');
});

test('GET and PATCH /config refuse a plain user with 401', covers('CONFIG-ACL-401'), async ({ api }) => {
  const user = await api.userLogin();
  expectUnauthorized(await api.get('/config', { token: user.token }));
  expectUnauthorized(await api.call('PATCH', '/config', { token: user.token, json: [] }));
});

test('GET /config shows the configuration to an administrator', covers('CONFIG-GET'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const res = await api.get('/config', { token: await api.adminToken() });
  expect(res.status, res.describe()).toBe(200);
  expect(typeof res.body.debug, `debug is a boolean: ${res.describe()}`).toBe('boolean');
});

test('GET /config has profiling_enabled where the release has it', covers('CONFIG-PROFILING-ENABLED'), should(async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const res = await api.get('/config', { token: await api.adminToken() });
  expect(res.status, res.describe()).toBe(200);
  const profiling = observe('config-profiling-enabled', 'profiling_enabled' in res.body, `GET /config keys include profiling_enabled: ${'profiling_enabled' in res.body}`);
  if (profiling) expect(typeof res.body.profiling_enabled).toBe('boolean');
}));

test.describe('PATCH /config (one after the other: the flip on the mock must not race the check that nothing changed)', () => {
  test.describe.configure({ mode: 'serial' });

test('PATCH /config replaces debug and GET /config shows it', covers('CONFIG-PATCH-DEBUG'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const before = (await api.get('/config', { token: admin })).body.debug as boolean;
  // On a real host, the value it already has (no change of behaviour); on the embedded mock, flipped and back.
  const wanted = target.embeddedMock ? !before : before;
  try {
    const res = await api.call('PATCH', '/config', { token: admin, json: [{ op: 'replace', path: '/debug', value: wanted }] });
    expect(res.status, res.describe()).toBe(200);
    expect(res.body.debug, res.describe()).toBe(wanted);
    expect((await api.get('/config', { token: admin })).body.debug, 'GET /config after the PATCH').toBe(wanted);
  } finally {
    if (wanted !== before) await api.call('PATCH', '/config', { token: admin, json: [{ op: 'replace', path: '/debug', value: before }] });
  }
  const empty = await api.call('PATCH', '/config', { token: admin, json: [] });
  expect(empty.status, `[] changes nothing: ${empty.describe()}`).toBe(200);
  expect(empty.body.debug).toBe(before);
});

test('PATCH /config with an item its schema refuses is refused with a 4xx and changes nothing', covers('CONFIG-PATCH-INVALID-REFUSED'), should(async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const before = (await api.get('/config', { token: admin })).body;
  for (const patch of [[{ op: 'add', path: '/debug', value: true }], [{ op: 'replace', path: '/log_level', value: true }], [{ op: 'replace', path: '/debug', value: 'x' }]]) {
    const res = await api.call('PATCH', '/config', { token: admin, json: patch });
    // The real service answers 500 (an uncaught ValidationError): a warning of this `should` requirement.
    expect(res.status >= 400 && res.status < 500, `a client error, not a server error: ${res.describe()}`).toBe(true);
  }
  expect((await api.get('/config', { token: admin })).body.debug, 'debug unchanged').toBe(before.debug);
}));
});

// --- tenant sessions ---------------------------------------------------------------------------------

test('GET /sessions and DELETE /sessions/{uuid} refuse a plain user with 401', covers('SESSIONS-TENANT-ACL-401'), async ({ api }) => {
  const user = await api.userLogin();
  expectUnauthorized(await api.get('/sessions', { token: user.token }));
  expectUnauthorized(await api.delete(`/sessions/${user.session_uuid}`, { token: user.token }));
  expect((await api.get(`/token/${user.token}`)).status, 'the refused DELETE ended nothing').toBe(200);
});

test("GET /sessions lists the tenant's sessions, a throwaway user's new one included, and honours limit", covers('SESSIONS-TENANT-LIST'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('sessions');
  const login = await api.loginOk({ username: bob.username, password: bob.password });
  const admin = await api.adminToken();
  const all = await api.listAll('/sessions', admin);
  const mine = all.find((s) => s.uuid === login.session_uuid);
  expect(mine, 'the new session is listed').toBeDefined();
  expect(mine.user_uuid).toBe(bob.uuid);
  expect(mine.tenant_uuid).toBe(login.metadata.tenant_uuid);
  expect(mine.mobile).toBe(false);
  const one = await api.get('/sessions', { token: admin, query: { limit: '1' } });
  expect(one.status, one.describe()).toBe(200);
  expect(one.body.items, one.describe()).toHaveLength(1);
  expect(one.body.total, 'limit does not change total').toBeGreaterThanOrEqual(1);
});

test('DELETE /sessions/{uuid} ends the session and its token; an unknown session is 204 too', covers('SESSIONS-TENANT-DELETE'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('end-session');
  const doomed = await api.loginOk({ username: bob.username, password: bob.password });
  const kept = await api.loginOk({ username: bob.username, password: bob.password });
  const admin = await api.adminToken();
  const del = await api.delete(`/sessions/${doomed.session_uuid}`, { token: admin });
  expect(del.status, del.describe()).toBe(204);
  expectNoSuchToken(await api.get(`/token/${doomed.token}`));
  expect((await api.get(`/token/${kept.token}`)).status, "the user's other session lives on").toBe(200);
  const sessions = await api.listAll('/sessions', admin);
  expect(sessions.some((s) => s.uuid === doomed.session_uuid), 'no longer listed').toBe(false);
  const unknown = await api.delete(`/sessions/${randomUUID()}`, { token: admin });
  expect(unknown.status, unknown.describe()).toBe(204);
});

// --- a user's external auths ------------------------------------------------------------------------------

test('a plain user lists its own external auths by its UUID, and gets 401 on another user', covers('EXTERNAL-OWN-ACL', 'EXTERNAL-USER-LIST'), async ({ api }) => {
  const user = await api.userLogin();
  const own = await api.get(`/users/${user.metadata.uuid}/external`, { token: user.token });
  expect(own.status, own.describe()).toBe(200);
  expect(own.body.items.map((i: { type: string }) => i.type).sort(), own.describe()).toEqual(expect.arrayContaining(['google', 'microsoft', 'mobile']));
  for (const item of own.body.items) expect(item.data, 'nothing secret is listed').toEqual({});
  expectUnauthorized(await api.get(`/users/${randomUUID()}/external`, { token: user.token }));
});

test("a user's external list says `enabled` for mobile once device tokens are stored", covers('EXTERNAL-USER-LIST'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await throwawayWithToken(api, accounts, 'ext-list');
  const enabled = async () => {
    const res = await api.get(`/users/${bob.uuid}/external`, { token: bob.token });
    expect(res.status, res.describe()).toBe(200);
    return res.body.items.find((i: { type: string }) => i.type === 'mobile')?.enabled;
  };
  expect(await enabled(), 'before').toBe(false);
  expect((await api.post(`/users/${bob.uuid}/external/mobile`, { token: bob.token, json: { token: 'fcm-kit' } })).status).toBe(201);
  expect(await enabled(), 'after POST').toBe(true);
  const searched = await api.get(`/users/${bob.uuid}/external`, { token: bob.token, query: { search: 'mob' } });
  expect(searched.body.filtered, searched.describe()).toBe(1);
  expect(searched.body.total, 'total ignores the search').toBeGreaterThanOrEqual(3);
});

// --- external configs -------------------------------------------------------------------------------------

test('the external configs refuse a plain user with 401', covers('EXTERNAL-CONFIG-ACL-401'), async ({ api }) => {
  const user = await api.userLogin();
  expectUnauthorized(await api.get(`/external/google/config`, { token: user.token }));
  expectUnauthorized(await api.post(`/external/${KIT_TYPE}/config`, { token: user.token, json: {} }));
  expectUnauthorized(await api.put(`/external/${KIT_TYPE}/config`, { token: user.token, json: {} }));
  expectUnauthorized(await api.delete(`/external/${KIT_TYPE}/config`, { token: user.token }));
  expectUnauthorized(await api.get(`/external/mobile/users`, { token: user.token }));
});

test('an external config is stored, read back as stored, replaced whole, then deleted; a second POST is 409', covers('EXTERNAL-CONFIG-CRUD', 'EXTERNAL-CONFIG-CONFLICT-409', 'EXTERNAL-CONFIG-NOT-FOUND-404'), async ({ api, cleanup, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const path = `/external/${KIT_TYPE}/config`;
  const stored = await storeConfig(api, cleanup, admin, KIT_TYPE, { client_id: 'kit-id', client_secret: 'kit-secret' });
  test.skip(!stored, `a ${KIT_TYPE} config is already stored (another run?): left alone`);
  try {
    const read = await api.get(path, { token: admin });
    expect(read.status, read.describe()).toBe(200);
    expect(read.body, read.describe()).toEqual({ client_id: 'kit-id', client_secret: 'kit-secret' });
    const again = await api.post(path, { token: admin, json: { client_id: 'other' } });
    expect(again.status, again.describe()).toBe(409);
    expect(again.body.error_id, again.describe()).toBe('conflict');
    const put = await api.put(path, { token: admin, json: { client_id: 'kit-id-2' } });
    expect(put.status, put.describe()).toBe(204);
    expect((await api.get(path, { token: admin })).body, 'replaced whole: client_secret is gone').toEqual({ client_id: 'kit-id-2' });
  } finally {
    const del = await api.delete(path, { token: admin });
    expect(del.status, del.describe()).toBe(204);
  }
  const gone = await api.get(path, { token: admin });
  expect(gone.status, gone.describe()).toBe(404);
  expect(gone.body.error_id, gone.describe()).toBe('unknown-external-auth');
  for (const res of [await api.put(path, { token: admin, json: {} }), await api.delete(path, { token: admin })]) {
    expect(res.status, res.describe()).toBe(404);
    expect(res.body.error_id, res.describe()).toBe('unknown-external-auth');
  }
});

test('GET /external/mobile/users lists a user with device tokens, and no more once they are deleted', covers('EXTERNAL-USERS-LIST'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await throwawayWithToken(api, accounts, 'ext-users');
  const admin = await api.adminToken();
  const listed = async () => (await api.listAll('/external/mobile/users', admin)).some((u) => u.uuid === bob.uuid);
  expect(await listed(), 'before').toBe(false);
  expect((await api.post(`/users/${bob.uuid}/external/mobile`, { token: bob.token, json: { token: 'fcm-kit' } })).status).toBe(201);
  expect(await listed(), 'after POST').toBe(true);
  expect((await api.delete(`/users/${bob.uuid}/external/mobile`, { token: bob.token })).status).toBe(204);
  expect(await listed(), 'after DELETE').toBe(false);
  const unknown = await api.get(`/external/${KIT_TYPE}-${randomBytes(3).toString('hex')}/users`, { token: admin });
  expect(unknown.status, unknown.describe()).toBe(404);
});

// --- Google and Microsoft (a third party) ------------------------------------------------------------------

test.describe('Google OAuth with and without a config (one after the other: the second stores a google config on the mock)', () => {
  test.describe.configure({ mode: 'serial' });

test('POST /users/{uuid}/external/google and microsoft without a config get 404 unknown-external-auth', covers('EXTERNAL-OAUTH-NOT-CONFIGURED-404'), async ({ api, target }) => {
  const user = await api.userLogin();
  for (const type of ['google', 'microsoft']) {
    if (target.hasAdmin) {
      const config = await api.get(`/external/${type}/config`, { token: await api.adminToken() });
      test.skip(config.status === 200, `the host has a ${type} config: a POST would start a real OAuth flow`);
    }
    const res = await api.post(`/users/${user.metadata.uuid}/external/${type}`, { token: user.token, json: {} });
    expect(res.status, res.describe()).toBe(404);
    expect(res.body.error_id, res.describe()).toBe('unknown-external-auth');
    expect(res.body.message, res.describe()).toContain('No config found');
  }
});

test('with a google config stored, POST /users/{uuid}/external/google answers the authorization URL', covers('EXTERNAL-OAUTH-AUTHORIZE-URL'), should(async ({ api, target, accounts }) => {
  test.skip(!target.embeddedMock, ONLY_ON_MOCK);
  const admin = await api.adminToken();
  const bob = await throwawayWithToken(api, accounts, 'oauth');
  await api.post('/external/google/config', { token: admin, json: { client_id: 'kit-client', client_secret: 's' } });
  try {
    const res = await api.post(`/users/${bob.uuid}/external/google`, { token: bob.token, json: {} });
    expect(res.status, res.describe()).toBe(201);
    expect(res.body.authorization_url, res.describe()).toContain('client_id=kit-client');
    expect(res.body.authorization_url, res.describe()).toContain(`state=${res.body.state}`);
  } finally {
    await api.delete('/external/google/config', { token: admin });
  }
}));
});

test('GET and DELETE of a Google or Microsoft token the user never linked get 404', covers('EXTERNAL-OAUTH-NOT-LINKED-404'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await throwawayWithToken(api, accounts, 'oauth-none');
  for (const type of ['google', 'microsoft']) {
    for (const res of [await api.get(`/users/${bob.uuid}/external/${type}`, { token: bob.token }), await api.delete(`/users/${bob.uuid}/external/${type}`, { token: bob.token })]) {
      expect(res.status, res.describe()).toBe(404);
      expect(res.body.error_id, res.describe()).toBe('unknown-external-auth');
    }
  }
});

// --- mobile push -------------------------------------------------------------------------------------------

test('device tokens are stored (201), read back, and forgotten (204, then 404)', covers('MOBILE-DEVICE-TOKEN-STORED', 'MOBILE-OWN-ACL'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await throwawayWithToken(api, accounts, 'mobile');
  const path = `/users/${bob.uuid}/external/mobile`;
  const created = await api.post(path, { token: bob.token, json: { token: 'fcm-kit', apns_voip_token: 'voip-kit', unknown_field: 1 } });
  expect(created.status, created.describe()).toBe(201);
  expect(created.body, created.describe()).toMatchObject({ token: 'fcm-kit', apns_voip_token: 'voip-kit', apns_token: null, apns_notification_token: null });
  expect('unknown_field' in created.body, 'unknown fields are dropped').toBe(false);
  const read = await api.get(path, { token: bob.token });
  expect(read.status, read.describe()).toBe(200);
  expect(read.body, read.describe()).toEqual(created.body);
  const del = await api.delete(path, { token: bob.token });
  expect(del.status, del.describe()).toBe(204);
  const gone = await api.get(path, { token: bob.token });
  expect(gone.status, gone.describe()).toBe(404);
  expect(gone.body.error_id, gone.describe()).toBe('unknown-external-auth');
  expect((await api.delete(path, { token: bob.token })).status, 'a second DELETE').toBe(404);
});

test('a second POST of device tokens gets 409 and the stored tokens stay', covers('MOBILE-DEVICE-TOKEN-DUPLICATE-409'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await throwawayWithToken(api, accounts, 'mobile-409');
  const path = `/users/${bob.uuid}/external/mobile`;
  expect((await api.post(path, { token: bob.token, json: { token: 'first' } })).status).toBe(201);
  const again = await api.post(path, { token: bob.token, json: { token: 'second' } });
  expect(again.status, again.describe()).toBe(409);
  expect(again.body.error_id, again.describe()).toBe('conflict');
  expect((await api.get(path, { token: bob.token })).body.token, 'the first tokens stay').toBe('first');
});

test('a device token of the wrong type gets 400 invalid-data naming it', covers('MOBILE-DEVICE-TOKEN-INVALID-400'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await throwawayWithToken(api, accounts, 'mobile-400');
  const res = await api.post(`/users/${bob.uuid}/external/mobile`, { token: bob.token, json: { token: 5 } });
  expect(res.status, res.describe()).toBe(400);
  expect(res.body.error_id, res.describe()).toBe('invalid-data');
  expect(Object.keys(res.body.details ?? {}), res.describe()).toContain('token');
});

test('an empty device token is refused from 26.01 and stored before', covers('MOBILE-TOKEN-LENGTH'), should(async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await throwawayWithToken(api, accounts, 'mobile-len');
  const res = await api.post(`/users/${bob.uuid}/external/mobile`, { token: bob.token, json: { token: '' } });
  const refused = observe('mobile-token-length-checked', res.status === 400, `POST {"token": ""} answered ${res.status}`);
  expect(res.status, res.describe()).toBe(refused ? 400 : 201);
}));

test('device-token answers carry the APNs topics where the release has them', covers('MOBILE-APNS-TOPICS'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await throwawayWithToken(api, accounts, 'mobile-topics');
  const res = await api.post(`/users/${bob.uuid}/external/mobile`, { token: bob.token, json: { token: 't', apns_call_topic: 'com.example.voip' } });
  expect(res.status, res.describe()).toBe(201);
  const present = observe('mobile-apns-topics', 'apns_call_topic' in res.body, `POST answer keys: ${Object.keys(res.body).sort().join(', ')}`);
  if (present) expect(res.body.apns_call_topic).toBe('com.example.voip');
  expect('apns_default_topic' in res.body, 'both topics or neither').toBe(present);
});

test("a plain user gets 401 on another user's device tokens", covers('MOBILE-OWN-ACL'), async ({ api }) => {
  const user = await api.userLogin();
  const other = randomUUID();
  expectUnauthorized(await api.get(`/users/${other}/external/mobile`, { token: user.token }));
  expectUnauthorized(await api.post(`/users/${other}/external/mobile`, { token: user.token, json: { token: 'x' } }));
  expectUnauthorized(await api.delete(`/users/${other}/external/mobile`, { token: user.token }));
});

test('GET .../mobile/sender_id is 404 without a mobile config and the fcm_sender_id with one', covers('MOBILE-SENDER-ID'), async ({ api, accounts, cleanup, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const bob = await throwawayWithToken(api, accounts, 'sender');
  const path = `/users/${bob.uuid}/external/mobile/sender_id`;
  const existing = await api.get('/external/mobile/config', { token: admin });
  test.skip(existing.status === 200, 'the host has a mobile config: left alone');
  const none = await api.get(path, { token: bob.token });
  expect(none.status, none.describe()).toBe(404);
  expect(none.body.error_id, none.describe()).toBe('unknown-external-auth');
  expect(await storeConfig(api, cleanup, admin, 'mobile', { fcm_sender_id: 'kit-sender' })).toBe(true);
  try {
    const res = await api.get(path, { token: bob.token });
    expect(res.status, res.describe()).toBe(200);
    expect(res.body.sender_id, res.describe()).toBe('kit-sender');
  } finally {
    await api.delete('/external/mobile/config', { token: admin });
  }
});

test('PUT .../external/mobile stores device tokens, then replaces them whole, 200 each time', covers('MOBILE-DEVICE-TOKEN-PUT'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await throwawayWithToken(api, accounts, 'mobile-put');
  const path = `/users/${bob.uuid}/external/mobile`;
  const first = await api.put(path, { token: bob.token, json: { token: 'put-1', apns_voip_token: 'voip-1' } });
  expect(first.status, `PUT with nothing stored: ${first.describe()}`).toBe(200);
  expect(first.body).toMatchObject({ token: 'put-1', apns_voip_token: 'voip-1' });
  const second = await api.put(path, { token: bob.token, json: { token: 'put-2' } });
  expect(second.status, `PUT over stored tokens: ${second.describe()}`).toBe(200);
  const read = await api.get(path, { token: bob.token });
  expect(read.body, 'replaced whole: apns_voip_token is null again').toMatchObject({ token: 'put-2', apns_voip_token: null });
});


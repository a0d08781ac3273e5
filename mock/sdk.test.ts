/**
 * @wazo/sdk 0.44.7 (`WazoApiClient#auth`) against the mock over HTTPS under /api/auth, with only its
 * `server` set (127.0.0.1:PORT) and, for offline logins, its `clientId`. The SDK hard-codes https and
 * the /api/auth prefix (reference: wazo-js-sdk.md).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, test } from 'node:test';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { ALICE_UUID, startTestServer } from './tests/test-support.ts';

// Test process only: accept the mock's self-signed certificate, as `curl -k` would.
const previousDispatcher = getGlobalDispatcher();
setGlobalDispatcher(new Agent({ connect: { rejectUnauthorized: false } }));
// The SDK arms a 300 s timer per request and never clears it; unref long timers so that this test
// process can exit when its tests are done.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const timer = realSetTimeout(callback, ms, ...args);
  if ((ms ?? 0) >= 60_000) timer.unref();
  return timer;
}) as typeof setTimeout;
after(() => {
  setGlobalDispatcher(previousDispatcher);
  globalThis.setTimeout = realSetTimeout;
});

// The SDK's ESM build does not resolve in Node 20; its CommonJS build does (wazo-js-sdk.md).
const { WazoApiClient } = createRequire(import.meta.url)('@wazo/sdk') as { WazoApiClient: new (options: Record<string, unknown>) => any };

const t = await startTestServer();
await t.server.tlsReady;
const server = `127.0.0.1:${t.server.port}`;
const quiet = (client: any) => {
  client.client.disableErrorLogging();
  return client;
};

test('logIn, checkToken, authenticate, logOut (online)', async () => {
  const client = quiet(new WazoApiClient({ server }));
  const session = await client.auth.logIn({ username: 'alice', password: 'alice-pw', expiration: 3600 });
  assert.match(session.token, /^[0-9a-f-]{36}$/);
  assert.equal(session.uuid, ALICE_UUID);
  assert.equal(session.tenantUuid, '1f424b77-c3e5-424d-9bff-b5576fb063e6');
  assert.equal(session.refreshToken, null);
  assert.ok(session.expiresAt instanceof Date && Math.abs(session.expiresAt.getTime() - (t.server.state.now() + 3600_000)) < 5000, 'utc_expires_at read as UTC');
  assert.ok(session.acl.includes('auth.users.me.tokens.#'));
  assert.equal(await client.auth.checkToken(session.token), true);
  assert.equal(await client.auth.checkToken('00000000-0000-4000-8000-000000000000'), false);
  const read = await client.auth.authenticate(session.token);
  assert.equal(read.token, session.token);
  assert.equal(read.sessionUuid, session.sessionUuid);
  assert.equal(await client.auth.logOut(session.token), true);
  assert.equal(await client.auth.checkToken(session.token), false);
});

test('a wrong password rejects the login', async () => {
  const client = quiet(new WazoApiClient({ server }));
  await assert.rejects(client.auth.logIn({ username: 'alice', password: 'nope', expiration: 3600 }), (error: any) => error.status === 401);
});

test('offline logIn via clientId, refreshToken, deleteRefreshToken', async () => {
  const client = quiet(new WazoApiClient({ server, clientId: 'sdk-app' }));
  const session = await client.auth.logIn({ username: 'alice', password: 'alice-pw', expiration: 3600 });
  assert.match(session.refreshToken, /^[0-9a-f-]{36}$/);
  const again = await client.auth.logIn({ username: 'alice', password: 'alice-pw', expiration: 3600 });
  assert.equal(again.refreshToken, session.refreshToken, 'desktop: the same refresh token');
  const refreshed = await client.auth.refreshToken(session.refreshToken, 'wazo_user', 600);
  assert.notEqual(refreshed.token, session.token);
  assert.equal(refreshed.uuid, ALICE_UUID);
  client.setToken(refreshed.token);
  assert.equal(await client.auth.deleteRefreshToken('sdk-app'), true);
  await assert.rejects(client.auth.refreshToken(session.refreshToken, 'wazo_user', 600), (error: any) => error.status === 401);
});

test('mobile offline logIn issues a new refresh token each time', async () => {
  const client = quiet(new WazoApiClient({ server, clientId: 'sdk-mobile' }));
  const first = await client.auth.logIn({ username: 'alice', password: 'alice-pw', expiration: 600, mobile: true });
  const second = await client.auth.logIn({ username: 'alice', password: 'alice-pw', expiration: 600, mobile: true });
  assert.notEqual(second.refreshToken, first.refreshToken);
  assert.equal(await client.auth.checkToken(first.token), false, 'the earlier mobile session was revoked');
});

test('automatic refresh: a 401 on an authenticated call refreshes and replays it', async () => {
  const client = quiet(new WazoApiClient({ server, clientId: 'sdk-auto' }));
  const session = await client.auth.logIn({ username: 'alice', password: 'alice-pw', expiration: 3600 });
  client.setToken(session.token);
  client.setRefreshToken(session.refreshToken);
  let refreshedTo: string | undefined;
  client.onRefreshToken = (token: string) => (refreshedTo = token);
  assert.equal((await t.call('POST', '/_mock/expire', { body: { token: session.token } })).status, 200);
  const sessions = await client.auth.getUserSession(ALICE_UUID);
  assert.ok(Array.isArray(sessions.items), 'the replayed call succeeded');
  assert.ok(refreshedTo && refreshedTo !== session.token, 'the SDK refreshed its token');
  assert.equal(client.client.token, refreshedTo);
});

test('automatic refresh: authenticate of a dead token refreshes and reads the new one', async () => {
  const client = quiet(new WazoApiClient({ server, clientId: 'sdk-auth' }));
  const session = await client.auth.logIn({ username: 'alice', password: 'alice-pw', expiration: 3600 });
  client.setRefreshToken(session.refreshToken);
  await t.call('POST', '/_mock/expire', { body: { token: session.token } });
  const read = await client.auth.authenticate(session.token);
  assert.ok(read.token && read.token !== session.token);
  assert.equal(read.uuid, ALICE_UUID);
});

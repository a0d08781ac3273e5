/**
 * startMock, the mock as a library: the same server and defaults as `wazo-auth-kit mock`, its controls
 * as functions behaving as their /_mock/ routes do, and close() freeing the port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { loadReleases } from '../spec/releases.ts';
import { startMock, type WazoAuthMock } from './start-mock.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function login(mock: WazoAuthMock, user = 'alice', password = 'alice-pw', body: Record<string, unknown> = { expiration: 600 }) {
  const res = await fetch(`${mock.url}/token`, { method: 'POST', headers: { authorization: basic(user, password), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { data: { token: string; refresh_token?: string } } };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

test('startMock({ port: 0 }) answers a login on /0.1 as the CLI mock does, and close() frees the port', async () => {
  const mock = await startMock({ port: 0, tls: 'off' });
  assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+\/0\.1$/);
  assert.equal(mock.url, `${mock.origin}/0.1`);
  assert.equal(mock.wazoVersion, loadReleases().newest, 'default: the newest release, as the CLI');
  assert.equal(mock.httpsUrl, undefined);
  const { status, body } = await login(mock);
  assert.equal(status, 200);
  assert.match(body.data.token, /^[0-9a-f-]{36}$/);
  assert.equal(await portIsFree(mock.port), false);
  await mock.close();
  assert.equal(await portIsFree(mock.port), true);
});

test('default TLS is auto: HTTPS on the same port, with the server name @wazo/sdk takes', async () => {
  const mock = await startMock({ port: 0 });
  try {
    await mock.ready;
    assert.equal(mock.httpsUrl, `https://127.0.0.1:${mock.port}/api/auth/0.1`);
    assert.equal(mock.sdkServer, `127.0.0.1:${mock.port}`);
  } finally {
    await mock.close();
  }
});

test('the clock, expiry and reset controls act as their /_mock/ routes', async () => {
  const mock = await startMock({ port: 0, tls: 'off' });
  try {
    const first = (await login(mock)).body.data.token;
    mock.advanceClock(601);
    assert.equal((await fetch(`${mock.url}/token/${first}`)).status, 404, 'expired by the clock');
    assert.equal(mock.state().clock_offset_seconds, 601);

    const second = (await login(mock)).body.data.token;
    assert.equal((await fetch(`${mock.url}/token/${second}`)).status, 200);
    mock.expireToken(second);
    assert.equal((await fetch(`${mock.url}/token/${second}`)).status, 404);
    assert.throws(() => mock.expireToken(second), /no live access token with that value/);
    assert.throws(() => mock.advanceClock(-1), /"advance" must be a number of seconds >= 0/);

    mock.reset();
    assert.equal(mock.state().clock_offset_seconds, 0);
    assert.deepEqual(mock.state().tokens, []);
  } finally {
    await mock.close();
  }
});

test('refresh tokens can be revoked; an unknown one is an error', async () => {
  const mock = await startMock({ port: 0, tls: 'off' });
  try {
    const { body } = await login(mock, 'alice', 'alice-pw', { access_type: 'offline', client_id: 'start-mock-test' });
    const refresh = body.data.refresh_token!;
    mock.revokeRefreshToken(refresh);
    assert.throws(() => mock.revokeRefreshToken(refresh), /no refresh token with that value/);
  } finally {
    await mock.close();
  }
});

test('faults: named faults from the start and switched, operation faults injected and cleared, reset back to the start', async () => {
  const mock = await startMock({ port: 0, tls: 'off', faults: ['refresh-tokens-expire'] });
  const enabled = () => mock.faults().named.filter((f) => f.enabled).map((f) => f.name);
  try {
    assert.deepEqual(enabled(), ['refresh-tokens-expire']);
    mock.setFault('refresh-tokens-expire', false);
    assert.deepEqual(enabled(), []);
    // @ts-expect-error not a fault name
    assert.throws(() => mock.setFault('no-such-fault', true), /no-such-fault/);

    mock.injectFault({ operationId: 'createToken', status: 503, times: 1 });
    assert.equal((await login(mock)).status, 503);
    assert.equal((await login(mock)).status, 200, 'times: 1');
    assert.throws(() => mock.injectFault({ operationId: 'nope', status: 500 }), /"operationId" must be one of/);
    mock.injectFault({ operationId: 'createToken', status: 500 });
    mock.clearFaults();
    assert.equal((await login(mock)).status, 200);

    mock.reset();
    assert.deepEqual(enabled(), ['refresh-tokens-expire'], 'reset() comes back to the faults of the start');
  } finally {
    await mock.close();
  }
});

test('users replace the defaults and are checked as a users file is; wazoVersion picks the release', async () => {
  const mock = await startMock({ port: 0, tls: 'off', users: [{ username: 'carol', password: 'carol-pw' }], wazoVersion: '24.01' });
  try {
    assert.equal(mock.wazoVersion, '24.01');
    assert.equal((await login(mock, 'carol', 'carol-pw')).status, 200);
    assert.equal((await login(mock)).status, 401, 'alice is not seeded any more');
  } finally {
    await mock.close();
  }
  await assert.rejects(startMock({ port: 0, users: [{ username: 'dave' } as never] }), /startMock\(\{ users \}\): user #1: "password" is required/);
  // @ts-expect-error not a fault name
  await assert.rejects(startMock({ port: 0, faults: ['nope'] }), /startMock\(\{ faults \}\)/);
  await assert.rejects(startMock({ port: 0, wazoVersion: '1.0' }), /1\.0/);
});

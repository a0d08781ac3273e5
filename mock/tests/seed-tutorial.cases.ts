/**
 * The seed tutorial ("How to Authenticate a User From Wazo APIs", /work/shared/seeds/000_*.txt),
 * its three curl requests replayed over HTTPS under /api/auth/0.1 as `curl -k` sends them, with the
 * outcomes the tutorial states.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { basic, startTestServer } from './test-support.ts';

const t = await startTestServer();
await t.server.tlsReady;
const BASE = '/api/auth/0.1';
// What curl sends: -H "Content-Type: application/json", -u (Basic), -d (the body as given).
const curl = (body: string, withUser: boolean) =>
  t.call('POST', `${BASE}/token`, {
    https: true,
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'curl/8.5.0', Accept: '*/*', ...(withUser ? { Authorization: basic('alice', 'alice-pw') } : {}) },
    body,
  });
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/; // "2022-01-01T00:00:00.000000"
const lifetime = (data: { utc_issued_at: string; utc_expires_at: string }) => (Date.parse(`${data.utc_expires_at}Z`) - Date.parse(`${data.utc_issued_at}Z`)) / 1000;

describe('the seed tutorial over HTTPS', () => {
  test('the tutorial, step by step', async (s) => {
    let refreshToken = '';

    await s.test('1. create a token: curl -k -X POST .../token -u user:pass -d \'{"expiration": 3600}\'', async () => {
      const reply = await curl('{"expiration": 3600}', true);
      assert.equal(reply.status, 200);
      assert.match(reply.json.data.token, /^[0-9a-f-]{36}$/);
      assert.match(reply.json.data.expires_at, TIMESTAMP);
      assert.equal(lifetime(reply.json.data), 3600, '"we set the expiration of the token to 3600 seconds"');
      const used = await t.call('GET', `${BASE}/users/me/tokens`, { https: true, headers: { 'X-Auth-Token': reply.json.data.token } });
      assert.equal(used.status, 200, '"use it ... using the X-Auth-Token header"');
    });

    await s.test('2. create a refresh token: -d \'{"client_id": "example", "access_type": "offline"}\'', async () => {
      const reply = await curl('{"client_id": "example", "access_type": "offline"}', true);
      assert.equal(reply.status, 200);
      assert.match(reply.json.data.token, /^[0-9a-f-]{36}$/);
      assert.match(reply.json.data.refresh_token, /^[0-9a-f-]{36}$/);
      assert.match(reply.json.data.expires_at, TIMESTAMP);
      refreshToken = reply.json.data.refresh_token;
    });

    await s.test('3. access token from the refresh token, no credentials: -d \'{"expiration": 3600, "client_id": "example", "refresh_token": ...}\'', async () => {
      const reply = await curl(JSON.stringify({ expiration: 3600, client_id: 'example', refresh_token: refreshToken }), false);
      assert.equal(reply.status, 200);
      assert.match(reply.json.data.token, /^[0-9a-f-]{36}$/);
      assert.equal(reply.json.data.refresh_token, undefined);
      assert.equal(lifetime(reply.json.data), 3600);
    });

    await s.test('"The client_id must match the client_id used when creating the refresh token"', async () => {
      const reply = await curl(JSON.stringify({ expiration: 3600, client_id: 'another-app', refresh_token: refreshToken }), false);
      assert.equal(reply.status, 401);
    });

    await s.test('"If you use [a refresh token] in an X-Auth-Token header you will always get a 401 error"', async () => {
      const reply = await t.call('GET', `${BASE}/users/me/tokens`, { https: true, headers: { 'X-Auth-Token': refreshToken } });
      assert.equal(reply.status, 401);
    });

    await s.test('"trying to create a new access token using an access token as if it was a refresh token will not work"', async () => {
      const access = (await curl('{"expiration": 3600}', true)).json.data.token as string;
      const reply = await curl(JSON.stringify({ expiration: 3600, client_id: 'example', refresh_token: access }), false);
      assert.equal(reply.status, 401);
    });

    await s.test('"The refresh token ... has no expiration and will keep working until it is explicitly deleted"', async () => {
      await t.call('POST', '/_mock/clock', { body: { advance: 10 * 365 * 24 * 3600 } });
      assert.equal((await curl(JSON.stringify({ client_id: 'example', refresh_token: refreshToken }), false)).status, 200);
      const access = (await curl('{"expiration": 60}', true)).json.data.token as string;
      assert.equal((await t.call('DELETE', `${BASE}/users/me/tokens/example`, { https: true, headers: { 'X-Auth-Token': access } })).status, 204);
      assert.equal((await curl(JSON.stringify({ client_id: 'example', refresh_token: refreshToken }), false)).status, 401);
    });
  });
});

/** Routing, CORS, status, API description, developer controls and TLS (obs. 12). */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { buildSpec, forReleases, loadSpec, operationBehaviour, type JsonObject } from '../../spec/loader.ts';
import { loadReleases } from '../../spec/releases.ts';
import { route } from '../router.ts';
import { basic, startTestServer } from './test-support.ts';

const t = await startTestServer();
describe('routing, CORS, status, developer controls, TLS', () => {
  beforeEach(() => {
    t.server.state.reset();
    t.server.faults.clear();
  });

  const ALICE = { Authorization: basic('alice', 'alice-pw'), 'Content-Type': 'application/json' };

  test('HEAD /status → 200; GET /status → 405 Allow: HEAD, OPTIONS (obs. 12a–12b2)', async () => {
    const head = await t.call('HEAD', '/0.1/status');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-type'], 'application/json');
    const get = await t.call('GET', '/0.1/status');
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'HEAD, OPTIONS');
    assert.deepEqual(get.json, { message: 'The method is not allowed for the requested URL.' });
    const token = await t.call('GET', '/0.1/token');
    assert.equal(token.headers.allow, 'OPTIONS, POST');
  });

  test('GET /api/api.yml serves the description as YAML (obs. 12c)', async () => {
    const reply = await t.call('GET', '/0.1/api/api.yml');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'application/x-yaml');
    assert.equal(reply.text, loadSpec().source);
  });

  test('unknown paths and paths without the version prefix → JSON 404 (obs. 12f, 12h, 12i; deliberate: JSON, not HTML)', async () => {
    for (const path of ['/0.1/nonexistent', '/token', '/api/api.yml', '/', '/0.1', '/0.1/', '/0.1/token/', '/api/auth/0.2/token']) {
      const reply = await t.call('POST', path, { headers: ALICE, body: {} });
      assert.equal(reply.status, 404, path);
      assert.deepEqual(Object.keys(reply.json), ['message'], path);
      assert.equal(reply.headers['access-control-allow-origin'], '*');
    }
  });

  test('both prefixes serve the same API', async () => {
    for (const prefix of ['/0.1', '/api/auth/0.1']) {
      const reply = await t.call('POST', `${prefix}/token`, { headers: ALICE, body: {} });
      assert.equal(reply.status, 200, prefix);
    }
  });

  test('CORS: * without Origin, the Origin echoed with Vary: Origin with one (obs. 12e)', async () => {
    const plain = await t.call('POST', '/0.1/token', { headers: ALICE, body: {} });
    assert.equal(plain.headers['access-control-allow-origin'], '*');
    assert.equal(plain.headers.vary, undefined);
    const cors = await t.call('POST', '/0.1/token', { headers: { ...ALICE, Origin: 'http://example.com' }, body: {} });
    assert.equal(cors.headers['access-control-allow-origin'], 'http://example.com');
    assert.equal(cors.headers.vary, 'Origin');
    const error = await t.call('GET', '/0.1/users', { headers: { Origin: 'http://example.com' } });
    assert.equal(error.headers['access-control-allow-origin'], 'http://example.com');
  });

  test('preflight: 200 text/html, Allow, all methods, only the allowed requested headers (obs. 12d–12d4)', async () => {
    const full = await t.call('OPTIONS', '/0.1/token', {
      headers: { Origin: 'http://example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'Content-Type, Authorization, Wazo-Session-Type' },
    });
    assert.equal(full.status, 200);
    assert.equal(full.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(full.headers.allow, 'OPTIONS, POST');
    assert.equal(full.headers['access-control-allow-headers'], 'Authorization, Content-Type, Wazo-Session-Type');
    assert.equal(full.headers['access-control-allow-methods'], 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT');
    assert.equal(full.headers.vary, 'Origin');
    const sdk = await t.call('OPTIONS', '/api/auth/0.1/users/me/tokens', {
      headers: { Origin: 'https://app.example.org', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-auth-token,wazo-tenant,content-type,accept' },
    });
    assert.equal(sdk.headers.allow, 'GET, HEAD, OPTIONS');
    assert.equal(sdk.headers['access-control-allow-headers'], 'content-type, wazo-tenant, x-auth-token');
    const refused = await t.call('OPTIONS', '/0.1/token', { headers: { Origin: 'http://example.com', 'Access-Control-Request-Headers': 'X-Foo' } });
    assert.equal(refused.headers['access-control-allow-headers'], undefined);
    assert.equal(refused.headers['access-control-allow-methods'], 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT');
    const bare = await t.call('OPTIONS', '/0.1/token');
    assert.equal(bare.headers['access-control-allow-origin'], '*');
    assert.equal(bare.headers['access-control-allow-methods'], undefined);
    assert.equal((await t.call('OPTIONS', '/0.1/nowhere')).status, 404);
  });

  test('no answer carries Wazo-Stack-Host (the SDK would switch hosts)', async () => {
    const replies = await Promise.all([
      t.call('POST', '/0.1/token', { headers: ALICE, body: {} }),
      t.call('GET', '/0.1/users'),
      t.call('OPTIONS', '/0.1/token', { headers: { Origin: 'http://x' } }),
    ]);
    for (const reply of replies) assert.equal(reply.headers['wazo-stack-host'], undefined);
  });

  test('/_mock/state lists users (never passwords), tokens with remaining lifetime, refresh tokens, sessions', async () => {
    const login = await t.login('alice', 'alice-pw', { expiration: 600, access_type: 'offline', client_id: 'example' });
    const reply = await t.call('GET', '/_mock/state');
    assert.equal(reply.status, 200);
    assert.ok(!reply.text.includes('alice-pw') && !reply.text.includes('admin-secret'), 'no password in the state');
    assert.deepEqual(reply.json.users.map((u: any) => u.username), ['admin', 'alice']);
    const token = reply.json.tokens.find((x: any) => x.token === login.token);
    assert.ok(token.remaining_seconds > 590 && token.remaining_seconds <= 600);
    assert.equal(token.refresh_token_client_id, 'example');
    assert.deepEqual(reply.json.refresh_tokens.map((r: any) => r.client_id), ['example']);
    assert.equal(reply.json.sessions[0].uuid, login.session_uuid);
    assert.deepEqual(reply.json.access_tokens, { stored: 1, live: 1 });
  });

  test('/_mock/clock makes a 2-hour token expire now; /_mock/reset forgets everything', async () => {
    const { token } = await t.login('alice', 'alice-pw');
    const advanced = await t.call('POST', '/_mock/clock', { body: { advance: 7200 } });
    assert.equal(advanced.status, 200);
    assert.equal(advanced.json.offset_seconds, 7200);
    assert.equal((await t.call('GET', `/0.1/token/${token}`)).status, 404);
    assert.equal((await t.call('POST', '/_mock/clock', { body: { advance: -5 } })).status, 400);
    assert.equal((await t.call('POST', '/_mock/clock', { body: 'nope' })).status, 400);
    await t.call('POST', '/0.1/users', { headers: { 'X-Auth-Token': (await t.login('admin', 'admin-secret')).token }, body: { username: 'zed' } });
    assert.equal((await t.call('POST', '/_mock/reset')).status, 200);
    const state = (await t.call('GET', '/_mock/state')).json;
    assert.deepEqual([state.users.length, state.tokens.length, state.clock_offset_seconds], [2, 0, 0]);
  });

  test('/_mock/ refuses changes from another origin (a page open in the browser), serves its own page and tools', async () => {
    const host = new URL(t.server.origin).host;
    const foreign = await t.call('POST', '/_mock/clock', { headers: { Origin: 'http://evil.example' }, body: { advance: 7200 } });
    assert.equal(foreign.status, 403);
    assert.match(foreign.json.message, /another origin/);
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
    assert.equal((await t.call('POST', '/_mock/reset', { headers: { Origin: 'null' } })).status, 403);
    assert.equal((await t.call('GET', '/_mock/state')).json.clock_offset_seconds, 0, 'nothing changed');
    assert.equal((await t.call('POST', '/_mock/clock', { headers: { Origin: `http://${host}` }, body: { advance: 1 } })).status, 200, 'the state page');
    assert.equal((await t.call('POST', '/_mock/clock', { body: { advance: 1 } })).status, 200, 'curl');
    assert.equal((await t.call('GET', '/_mock/state', { headers: { Origin: 'http://evil.example' } })).status, 200, 'reading is allowed');
  });

  test('/_mock/expire ends one access token', async () => {
    const { token } = await t.login('alice', 'alice-pw');
    const other = (await t.login('alice', 'alice-pw')).token;
    assert.equal((await t.call('POST', '/_mock/expire', { body: { token } })).status, 200);
    assert.equal((await t.call('HEAD', `/0.1/token/${token}`)).status, 404);
    assert.equal((await t.call('HEAD', `/0.1/token/${other}`)).status, 204);
    assert.equal((await t.call('POST', '/_mock/expire', { body: { token } })).status, 404);
  });

  test('/_mock/faults forces a status in the operation\'s error shape, for `times` calls, and a latency', async () => {
    const armed = await t.call('POST', '/_mock/faults', { body: { operationId: 'createToken', status: 503, times: 1 } });
    assert.equal(armed.status, 201);
    const forced = await t.call('POST', '/0.1/token', { headers: ALICE, body: {} });
    assert.equal(forced.status, 503);
    assert.deepEqual(Object.keys(forced.json), ['reason', 'timestamp', 'status_code']);
    assert.equal((await t.call('POST', '/0.1/token', { headers: ALICE, body: {} })).status, 200, 'times: 1 used up');
    await t.call('POST', '/_mock/faults', { body: { operationId: 'listUsers', status: 500 } });
    const resource = await t.call('GET', '/0.1/users');
    assert.equal(resource.status, 500);
    assert.ok('error_id' in resource.json, 'APIError shape for a resource endpoint');
    await t.call('POST', '/_mock/faults', { body: { operationId: 'headStatus', latencyMs: 150 } });
    const started = performance.now();
    assert.equal((await t.call('HEAD', '/0.1/status')).status, 200);
    assert.ok(performance.now() - started >= 140);
    assert.equal((await t.call('GET', '/_mock/faults')).json.faults.length, 2);
    assert.equal((await t.call('DELETE', '/_mock/faults')).status, 200);
    assert.equal((await t.call('GET', '/0.1/users')).status, 401);
    for (const body of [{ operationId: 'nope', status: 500 }, { operationId: 'createToken' }, { operationId: 'createToken', status: 42 }, { operationId: 'createToken', status: 500, times: 0 }]) {
      assert.equal((await t.call('POST', '/_mock/faults', { body })).status, 400, JSON.stringify(body));
    }
  });

  test('/_mock routes: index, unknown route 404, wrong method 405', async () => {
    const index = await t.call('GET', '/_mock');
    assert.match(index.headers['content-type'] ?? '', /^text\/html/, 'the index is the state page');
    assert.match(index.text, /\/_mock\/state/);
    assert.equal((await t.call('GET', '/_mock/nothing')).status, 404);
    const wrong = await t.call('GET', '/_mock/reset');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, 'POST, OPTIONS');
  });

  test('HTTPS on the same port, under /api/auth/0.1 (TLS auto)', async () => {
    assert.ok(t.server.httpsUrl?.endsWith('/api/auth/0.1'));
    await t.server.tlsReady;
    const reply = await t.call('POST', '/api/auth/0.1/token', { headers: ALICE, body: { expiration: 60 }, https: true });
    assert.equal(reply.status, 200);
    assert.equal((await t.call('HEAD', `/api/auth/0.1/token/${reply.json.data.token}`, { https: true })).status, 204);
    assert.equal((await t.call('HEAD', '/0.1/status')).status, 200, 'plain HTTP still served');
  });
});

describe('operations that not every release has (x-wazo-behaviour on the operation)', () => {
  test('a release without the behaviour routes them as unknown paths (404), or 405 where the path keeps other methods', () => {
    const ok = { '200': { description: 'ok' } };
    const document: JsonObject = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      servers: [{ url: '/0.1' }],
      paths: {
        '/idp': { get: { operationId: 'listIdps', 'x-wazo-behaviour': 'idp-operations', responses: ok } },
        '/users/{uuid}/external/mobile': {
          get: { operationId: 'getMobile', responses: ok },
          put: { operationId: 'putMobile', 'x-wazo-behaviour': 'user-external-mobile-put', responses: ok },
        },
      },
    };
    const table = loadReleases();
    const spec = (release: string) => buildSpec('', forReleases(document, [release], table.holds));
    assert.equal(route(spec('24.01'), 'GET', '/0.1/idp').kind, 'not-found');
    assert.equal(route(spec('24.01'), 'OPTIONS', '/0.1/idp').kind, 'not-found');
    assert.deepEqual(route(spec('25.01'), 'PUT', '/0.1/users/u/external/mobile'), { kind: 'method-not-allowed', allow: ['GET', 'HEAD', 'OPTIONS'] });
    const newer = route(spec('26.05'), 'GET', '/0.1/idp');
    assert.equal(newer.kind === 'operation' && newer.operation.operationId, 'listIdps');
    assert.equal(route(spec('26.05'), 'PUT', '/0.1/users/u/external/mobile').kind, 'operation');
  });

  test('the mock playing a release without them answers their paths as the unknown paths it does not know', async () => {
    const marked = loadSpec().operations.filter((op) => operationBehaviour(op));
    const oldest = await startTestServer({ wazoVersion: '24.01' });
    for (const op of marked) {
      const expression = operationBehaviour(op)!;
      const has = expression.startsWith('!') ? !loadReleases().holds(expression.slice(1), '24.01') : loadReleases().holds(expression, '24.01');
      if (has) continue;
      const reply = await oldest.call(op.method.toUpperCase(), `/0.1${op.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000001')}`);
      assert.ok(reply.status === 404 || reply.status === 405, `${op.operationId} on 24.01: ${reply.status}`);
      if (reply.status === 405) assert.ok(!reply.headers.allow?.includes(op.method.toUpperCase()), `${op.operationId}: Allow ${reply.headers.allow}`);
      else assert.deepEqual(reply.json, { message: 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.' });
    }
  });
});

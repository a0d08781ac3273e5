/** The state page (GET /_mock/) and the control it adds, POST /_mock/revoke. Its behaviour in a browser: mock/browser/. */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { startTestServer } from './test-support.ts';

const t = await startTestServer();
describe('state page and /_mock/revoke', () => {
  beforeEach(() => t.server.state.reset());

  test('GET /_mock/ is one self-contained HTML page (over HTTP and HTTPS), HEAD too', async () => {
    await t.server.tlsReady;
    for (const https of [false, true]) {
      const page = await t.call('GET', '/_mock/', { https });
      assert.equal(page.status, 200);
      assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(page.text, /^<!doctype html>/);
      // Nothing fetched from elsewhere: no external script, style or image.
      assert.doesNotMatch(page.text, /(src|href)\s*=\s*["']?(https?:)?\/\//i);
      assert.doesNotMatch(page.text, /innerHTML/, 'tables are built with textContent');
    }
    const head = await t.call('HEAD', '/_mock/');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
  });

  test('POST /_mock/revoke deletes one refresh token; access tokens made with it stay valid (obs. 9g)', async () => {
    const login = await t.login('alice', 'alice-pw', { access_type: 'offline', client_id: 'page' });
    const revoked = await t.call('POST', '/_mock/revoke', { body: { refresh_token: login.refresh_token } });
    assert.equal(revoked.status, 200);
    assert.deepEqual(revoked.json, { revoked: true });
    const refresh = await t.call('POST', '/0.1/token', { headers: { 'Content-Type': 'application/json' }, body: { refresh_token: login.refresh_token, client_id: 'page' } });
    assert.equal(refresh.status, 401);
    assert.equal((await t.call('HEAD', `/0.1/token/${login.token}`)).status, 204);
    assert.deepEqual((await t.call('GET', '/_mock/state')).json.refresh_tokens, []);
    assert.equal((await t.call('POST', '/_mock/revoke', { body: { refresh_token: login.refresh_token } })).status, 404);
  });

  test('POST /_mock/revoke refuses a body without a refresh_token string (400, bare message)', async () => {
    for (const body of [{}, { refresh_token: 42 }, { token: 'x' }, 'nope', []]) {
      const reply = await t.call('POST', '/_mock/revoke', { body });
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(typeof reply.json.message, 'string');
    }
    assert.equal((await t.call('GET', '/_mock/revoke')).status, 405);
  });
});

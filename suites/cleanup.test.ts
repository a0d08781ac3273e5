/** What the clean-up sends to remove refresh tokens (cleanup.ts). Run: node --import tsx --test suites/cleanup.test.ts */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { removeAll } from './cleanup.ts';
import type { Target } from './target.ts';

/** A fake wazo-auth whose refresh grant answers `grantStatus`; it records every request. */
let grantStatus = 200;
const requests: string[] = [];
let server: Server;
let target: Target;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const basic = req.headers.authorization?.startsWith('Basic ') ? ' (password)' : '';
      requests.push(`${req.method} ${req.url}${basic}`);
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'POST' && req.url === '/0.1/token') {
        if (basic) return json(200, { data: { token: 'user-token' } });
        if (JSON.parse(body).refresh_token) return grantStatus === 200 ? json(200, { data: { token: 'granted-token' } }) : json(grantStatus, { reason: ['Authentication Failed'] });
      }
      if (req.method === 'DELETE' && req.url?.startsWith('/0.1/users/me/tokens/')) return json(204, null);
      if (req.method === 'DELETE' && req.url?.startsWith('/0.1/token/')) return json(200, null);
      json(404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/0.1`;
  target = { baseURL, embeddedMock: false, user: { username: 'alice', password: 'alice-pw' }, hasAdmin: false, insecure: false, wazoVersion: null, runId: 'r', prefix: 'wak-r', problems: [] };
});

after(() => server.close());

const entries = [
  { kind: 'client', clientId: 'wak-r-a', username: 'alice' },
  { kind: 'refresh', refreshToken: 'refresh-a', clientId: 'wak-r-a' },
] as const;

test('a refresh token that still works is deleted with the access token its grant gives: no password login', async () => {
  grantStatus = 200;
  requests.length = 0;
  assert.deepEqual(await removeAll([...entries], target), []);
  assert.deepEqual(requests, ['POST /0.1/token', 'DELETE /0.1/users/me/tokens/wak-r-a', 'DELETE /0.1/token/granted-token']);
});

test("a refused grant (gone, or a server whose refresh tokens die) falls back to the user's login and a delete by client_id", async () => {
  grantStatus = 401;
  requests.length = 0;
  assert.deepEqual(await removeAll([...entries], target), []);
  assert.deepEqual(requests, ['POST /0.1/token', 'POST /0.1/token (password)', 'DELETE /0.1/users/me/tokens/wak-r-a', 'DELETE /0.1/token/user-token']);
});

/**
 * The SDK relay passes everything through and hides no difference (sdk-relay.ts).
 * Run: node --import tsx --test suites/sdk-relay.test.ts
 */
import { strict as assert } from 'node:assert';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { startSdkRelay, type SdkRelay } from './sdk-relay.ts';

/** What the fake target saw. */
const seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: Buffer }[] = [];
let target: Server;
let relay: SdkRelay;
let base: string;
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

/** A body with bytes a text round trip would change. */
const ODD_BODY = Buffer.concat([Buffer.from('{"message": "No such token", "raw": "'), Buffer.from([0xc3, 0xa9, 0xff, 0x00]), Buffer.from('"}')]);

before(async () => {
  target = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      // A 403 where wazo-auth answers 401: the relay must not turn it into anything else.
      res.writeHead(403, [
        ['content-type', 'application/json'],
        ['access-control-allow-origin', '*'],
        ['access-control-expose-headers', 'Wazo-Sessions-Revoked'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
        ['x-custom', 'kept'],
      ].flat());
      res.end(req.method === 'HEAD' ? undefined : ODD_BODY);
    });
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(target.address() as AddressInfo).port}/0.1`;
  relay = await startSdkRelay({ upstream: base, insecure: false });
});

after(async () => {
  await relay.close();
  target.close();
  await insecure.close();
});

const viaRelay = (path: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}) =>
  request(`https://${relay.server}${path}`, { method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body, dispatcher: insecure });

test('a request is mapped from /api/auth/0.1/* onto the target base URL, with its method, headers and body unchanged', async () => {
  seen.length = 0;
  const body = Buffer.from('{"client_id": "c1", "refresh_token": "r\u00e9"}');
  const res = await viaRelay('/api/auth/0.1/token?recurse=true&a=%2F', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://app.example.com', 'x-auth-token': 'tok-1', authorization: 'Basic YWxpY2U6YWxpY2UtcHc=', 'wazo-session-type': 'Mobile' },
    body,
  });
  await res.body.arrayBuffer();
  assert.equal(seen.length, 1);
  const [got] = seen;
  assert.equal(got!.method, 'POST');
  assert.equal(got!.url, '/0.1/token?recurse=true&a=%2F');
  assert.deepEqual(got!.body, body);
  assert.equal(got!.headers!.origin, 'https://app.example.com');
  assert.equal(got!.headers!['x-auth-token'], 'tok-1');
  assert.equal(got!.headers!.authorization, 'Basic YWxpY2U6YWxpY2UtcHc=');
  assert.equal(got!.headers!['wazo-session-type'], 'Mobile', 'header values keep their case');
  assert.equal(got!.headers!.host, new URL(base).host, 'Host names the target, not the relay');
});

test("the target's answer comes back as it is: a 403 stays a 403, headers (CORS, repeated ones) and body bytes unchanged", async () => {
  const res = await viaRelay('/api/auth/0.1/token/abc', { headers: { origin: 'https://app.example.com' } });
  assert.equal(res.statusCode, 403);
  assert.deepEqual(Buffer.from(await res.body.arrayBuffer()), ODD_BODY);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  assert.equal(res.headers['access-control-expose-headers'], 'Wazo-Sessions-Revoked');
  assert.deepEqual(res.headers['set-cookie'], ['a=1', 'b=2']);
  assert.equal(res.headers['x-custom'], 'kept');
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(res.headers['x-wazo-auth-kit-relay'], undefined, 'not marked: the answer is the target’s');
});

test('HEAD and OPTIONS are relayed too (checkToken, CORS preflight)', async () => {
  seen.length = 0;
  const head = await viaRelay('/api/auth/0.1/token/abc', { method: 'HEAD' });
  assert.equal(head.statusCode, 403);
  assert.equal((await head.body.arrayBuffer()).byteLength, 0);
  const preflight = await viaRelay('/api/auth/0.1/token', { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
  await preflight.body.arrayBuffer();
  assert.deepEqual(
    seen.map((s) => `${s.method} ${s.url}`),
    ['HEAD /0.1/token/abc', 'OPTIONS /0.1/token'],
  );
  assert.equal(seen[1]!.headers!['access-control-request-method'], 'POST');
});

test('a path outside /api/auth/0.1 is answered 404 by the relay itself, marked, without reaching the target', async () => {
  seen.length = 0;
  for (const path of ['/0.1/token', '/api/auth/0.10/token', '/api/confd/1.1/users']) {
    const res = await viaRelay(path);
    assert.equal(res.statusCode, 404, path);
    assert.equal(res.headers['x-wazo-auth-kit-relay'], 'error');
    assert.match(String((await res.body.json() as { message: string }).message), /relay serves \/api\/auth\/0\.1\/ only/);
  }
  assert.equal(seen.length, 0);
});

test('an unreachable target is a 502 of the relay, marked and naming the cause', async () => {
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  const port = (dead.address() as AddressInfo).port;
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  const lonely = await startSdkRelay({ upstream: `http://127.0.0.1:${port}/0.1`, insecure: false });
  try {
    const res = await request(`https://${lonely.server}/api/auth/0.1/token`, { dispatcher: insecure });
    assert.equal(res.statusCode, 502);
    assert.equal(res.headers['x-wazo-auth-kit-relay'], 'error');
    assert.match(String((await res.body.json() as { message: string }).message), /could not reach http:\/\/127\.0\.0\.1:\d+\/0\.1: ECONNREFUSED/);
  } finally {
    await lonely.close();
  }
});

/**
 * Robustness: a bounded battery of malformed requests (no 5xx, no crash, state intact), the body size
 * limit, slow and aborted clients, a handler bug becoming a logged 500, and the response check itself.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { handlers } from '../handlers/index.ts';
import type { Handler } from '../handlers/types.ts';
import { ALICE_UUID, basic, rawCall, startTestServer } from './test-support.ts';

const t = await startTestServer({ timeouts: { headersMs: 300, firstByteMs: 300 } });
const mutableHandlers = handlers as Record<string, Handler>;

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const BODIES: (string | Buffer)[] = [
  '', '{', '}', '[]', '[1]', 'null', 'true', '0', '"x"', '1e999', '-0', 'NaN', '{"a":}', '\u0000', '{"expiration": 1e308}',
  '{"expiration": -1e308}', '{"expiration": "1_0"}', '{"expiration": " 42 "}', '{"expiration": "0x10"}', '{"expiration": []}',
  '{"expiration": {}}', '{"access_type": null}', '{"client_id": 5, "access_type": "offline"}', `{"client_id": "${'x'.repeat(2000)}", "access_type": "offline"}`,
  '{"refresh_token": 1, "client_id": "x"}', '{"refresh_token": "", "client_id": ""}', '{"scopes": [1, null, {}]}', '{"scopes": null}',
  '{"username": "", "password": null}', '{"username": 1}', '{"purpose": ["user"]}', '{"email_address": 1}', '{"uuid": "nope"}',
  '{"old_password": 1, "new_password": ""}', '{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {}}}',
  deep(5000), `{"x": ${deep(3000)}}`, Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), Buffer.from('{"username": "\ud800"}'),
  JSON.stringify({ expiration: 60, [`k${'y'.repeat(300)}`]: 'z'.repeat(10_000) }),
];
const PATHS = [
  '/0.1/token', '/0.1/token/%ZZ', '/0.1/token/%00', '/0.1/token/../users', '/0.1/token/x/scopes/check', '/0.1/tokens?limit=abc',
  '/0.1/tokens?limit=1e10&offset=-1&direction=DESC&order=password&recurse=maybe', '/0.1/users/%2e%2e', '/0.1/users/me',
  '/0.1/users/me/tokens/%2F', '/0.1/users/me/tokens/' + 'c'.repeat(2000), `/0.1/users/${ALICE_UUID}/sessions/%ZZ`,
  `/0.1/users/${ALICE_UUID.toUpperCase()}/password`, '//0.1/token', '/api/auth/0.1/users?search=%25%5F', '/0.1/status?x=' + 'y'.repeat(4000),
  '/_mock/clock', '/_mock/faults', '/_mock/expire', '/0.1/api/api.yml/../../x',
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND'];
const HEADER_SETS: Record<string, string>[] = [
  {},
  { Authorization: 'Basic' },
  { Authorization: 'Basic ====' },
  { Authorization: `Basic ${Buffer.from([0xff, 0x3a, 0xfe]).toString('base64')}` },
  { Authorization: basic('alice', 'alice-pw'), 'Wazo-Session-Type': '\tMoBiLe ' },
  { 'X-Auth-Token': 'x'.repeat(4000) },
  { 'X-Auth-Token': '', 'Wazo-Tenant': 'nope' },
  { 'Content-Type': 'text/plain; charset=latin-1', Origin: 'null' },
  { 'Access-Control-Request-Headers': ',,, ,X-Auth-Token,,' , Origin: 'http://a' },
];

describe('robustness', () => {
  test('a bounded battery of malformed requests: no 5xx, always JSON (or the declared type), state intact', async () => {
    const before = await t.login('alice', 'alice-pw', { expiration: 3600 });
    const admin = (await t.login('admin', 'admin-secret')).token;
    const next = random(20261128);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    let sent = 0;
    for (let i = 0; i < 400; i++) {
      const method = pick(METHODS);
      const path = pick(PATHS);
      const headers = { ...pick(HEADER_SETS), ...(next() < 0.3 ? { 'X-Auth-Token': admin } : {}) };
      const body = method === 'GET' || method === 'HEAD' ? undefined : pick(BODIES);
      // Never reset or break the state from the battery: that would hide damage.
      if (path.startsWith('/_mock/') && method !== 'GET') continue;
      const reply = await t.call(method, path, { headers, body });
      sent += 1;
      const what = `${method} ${path.slice(0, 80)} ${JSON.stringify(headers).slice(0, 80)} ${String(body).slice(0, 60)}`;
      assert.ok(reply.status >= 200 && reply.status < 500, `${what} → ${reply.status} ${reply.text.slice(0, 200)}`);
      const type = reply.headers['content-type'] ?? '';
      if (method !== 'HEAD' && reply.status !== 204 && type === 'application/json') assert.doesNotThrow(() => JSON.parse(reply.text), what);
    }
    assert.ok(sent > 300);
    assert.equal((await t.call('HEAD', `/0.1/token/${before.token}`)).status, 204, 'earlier tokens survive');
    const users = await t.call('GET', '/0.1/users', { headers: { 'X-Auth-Token': admin } });
    assert.deepEqual(users.json.items.map((u: any) => u.username).slice(0, 2), ['admin', 'alice']);
    await t.login('alice', 'alice-pw');
  });

  test('a body over 64 KiB → 413 bare message, declared or streamed', async () => {
    const big = JSON.stringify({ expiration: 60, pad: 'x'.repeat(70 * 1024) });
    const declared = await t.call('POST', '/0.1/token', { headers: { Authorization: basic('alice', 'alice-pw') }, body: big });
    assert.equal(declared.status, 413);
    assert.deepEqual(Object.keys(declared.json), ['message']);
    const streamed = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(t.server.port, '127.0.0.1', () => {
        socket.write('POST /0.1/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
        const chunk = 'y'.repeat(8192);
        for (let i = 0; i < 10; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      });
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(streamed, /^HTTP\/1\.1 413 /);
    assert.equal((await t.call('HEAD', '/0.1/status')).status, 200);
  });

  test('slow and aborted clients do not hang the server', async () => {
    // resume(): a socket whose answer (the 408) is never read never reaches 'close'.
    const closed = (socket: net.Socket) => new Promise<void>((resolve) => socket.resume().on('close', () => resolve()).on('error', () => undefined));
    const silent = net.connect(t.server.port, '127.0.0.1');
    const slowHeaders = net.connect(t.server.port, '127.0.0.1', () => slowHeaders.write('GET /0.1/users HTTP/1.1\r\nHost: x\r\n'));
    const aborted = net.connect(t.server.port, '127.0.0.1', () => {
      aborted.write('POST /0.1/token HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"exp');
      setTimeout(() => aborted.destroy(), 20);
    });
    const allClosed = Promise.all([closed(silent), closed(slowHeaders), closed(aborted)]);
    assert.equal((await t.call('HEAD', '/0.1/status')).status, 200, 'others are served meanwhile');
    await allClosed; // the server cut off the silent and the slow one (timeouts of 300 ms here)
    assert.equal((await t.call('HEAD', '/0.1/status')).status, 200);
  });

  test('garbage that is not HTTP gets a 400 and the connection closes', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = net.connect(t.server.port, '127.0.0.1', () => socket.write('\x00\x01 NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    assert.match(reply, /^HTTP\/1\.1 400 /);
  });

  test('a bug in a handler becomes a logged 500 and the next request is served', async () => {
    const original = mutableHandlers.headStatus!;
    mutableHandlers.headStatus = () => {
      throw new TypeError('simulated bug');
    };
    try {
      const reply = await t.call('GET', '/0.1/api/api.yml');
      assert.equal(reply.status, 200);
      const broken = await rawCall(t.server.port, 'HEAD', '/0.1/status');
      assert.equal(broken.status, 500);
    } finally {
      mutableHandlers.headStatus = original;
    }
    assert.equal((await t.call('HEAD', '/0.1/status')).status, 200);
  });

  test('the response check flags an answer the spec does not allow', async () => {
    const original = mutableHandlers.getApiDescription!;
    mutableHandlers.getApiDescription = () => ({ status: 201, body: { not: 'declared' } });
    try {
      assert.equal((await t.call('GET', '/0.1/api/api.yml')).status, 201);
    } finally {
      mutableHandlers.getApiDescription = original;
    }
    const flagged = t.failures.splice(0);
    assert.equal(flagged.length, 1);
    assert.equal(flagged[0]!.operationId, 'getApiDescription');
    assert.match(flagged[0]!.errors.join(' '), /status not declared/);
  });
});

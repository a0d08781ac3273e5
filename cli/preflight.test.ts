import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { TargetError } from './errors.ts';
import { explainNetworkError, preflight } from './preflight.ts';

const GOOD = Buffer.from('alice:good-pw').toString('base64');
const ADMIN = Buffer.from('root:root-pw').toString('base64');
const deleted: string[] = [];

/** A stand-in for wazo-auth: two accounts, tokens t-1, t-2... */
function wazo(req: IncomingMessage, res: ServerResponse): void {
  let n = 0;
  req.resume().on('end', () => {
    const auth = req.headers.authorization ?? '';
    if (req.method === 'HEAD' && req.url === '/0.1/status') return void res.writeHead(200).end();
    if (req.method === 'POST' && req.url === '/0.1/token') {
      if (auth !== `Basic ${GOOD}` && auth !== `Basic ${ADMIN}`) {
        return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"reason":["Authentication Failed"],"status_code":401}');
      }
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { token: `t-${++n}-${auth.slice(-6)}` } }));
    }
    if (req.method === 'DELETE' && req.url?.startsWith('/0.1/token/')) {
      deleted.push(decodeURIComponent(req.url.slice('/0.1/token/'.length)));
      return void res.writeHead(200).end();
    }
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
  });
}

const servers: Server[] = [];
async function listen(server: Server, scheme: string): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let http: string;
let https: string;
before(async () => {
  http = await listen(createHttp(wazo), 'http');
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
  https = await listen(createHttps({ cert: pems.cert, key: pems.private }, wazo), 'https');
});
after(() => {
  for (const s of servers) s.close();
});

const rejectsWith = (promise: Promise<unknown>, pattern: RegExp) =>
  assert.rejects(promise, (e: unknown) => e instanceof TargetError && e.exitCode === 2 && !e.message.includes('\n') && pattern.test(e.message));

test('good credentials pass, and the token obtained is deleted again', async () => {
  deleted.length = 0;
  await preflight({ url: `${http}/0.1`, insecure: false, user: { username: 'alice', password: 'good-pw' }, admin: { username: 'root', password: 'root-pw' } });
  assert.equal(deleted.length, 2, 'both logins cleaned up');
});

test('without a user only reachability is checked', async () => {
  await preflight({ url: `${http}/0.1`, insecure: false });
});

test('rejected credentials name the account and the flags, never the password', async () => {
  await rejectsWith(preflight({ url: `${http}/0.1`, insecure: false, user: { username: 'alice', password: 'typo-pw' } }), /rejected the credentials of "alice" \(401 Authentication Failed\); check --username and --password-env$/);
  await rejectsWith(
    preflight({ url: `${http}/0.1`, insecure: false, user: { username: 'alice', password: 'good-pw' }, admin: { username: 'root', password: 'typo-pw' } }),
    /"root".*check --admin-username and --admin-password-env$/,
  );
  await assert.rejects(preflight({ url: `${http}/0.1`, insecure: false, user: { username: 'alice', password: 'typo-pw' } }), (e: Error) => !e.message.includes('typo-pw'));
});

test('a URL without the version prefix is told so', async () => {
  await rejectsWith(preflight({ url: http, insecure: false, user: { username: 'alice', password: 'good-pw' } }), /\/token answered 404: this is not the wazo-auth API; --url must include the version prefix/);
});

test('a self-signed certificate asks for --insecure, and --insecure accepts it', async () => {
  await rejectsWith(preflight({ url: `${https}/0.1`, insecure: false, user: { username: 'alice', password: 'good-pw' } }), /TLS certificate not trusted \([A-Z_]+\); add --insecure for a self-signed certificate$/);
  await preflight({ url: `${https}/0.1`, insecure: true, user: { username: 'alice', password: 'good-pw' } });
});

test('plain HTTP sent to an HTTPS port is explained', async () => {
  await rejectsWith(preflight({ url: `${https.replace('https', 'http')}/0.1`, insecure: false, timeoutMs: 3000 }), /^cannot reach http:\/\/127\.0\.0\.1:\d+\/0\.1: the connection was closed \(UND_ERR_SOCKET\); is it http:\/\/ where the server speaks https:\/\//);
});

test('a closed port and an unknown host get their own advice', async () => {
  await rejectsWith(preflight({ url: 'http://127.0.0.1:1/0.1', insecure: false }), /connection refused; check the host and port of --url/);
  assert.match(explainNetworkError('http://x.invalid/0.1', 'ENOTFOUND', false), /host name not found \(ENOTFOUND\); check the host of --url/);
  assert.match(explainNetworkError('http://x/0.1', 'UND_ERR_CONNECT_TIMEOUT', false), /no answer in time/);
});

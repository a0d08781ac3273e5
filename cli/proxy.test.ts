/**
 * The Prism proxy (cli/proxy.ts) and the Prism check's verdict (cli/prism-check.ts): prefix mapping,
 * Prism's sl-violations header, grouping; and, end to end, that a clean answer passes through without
 * a finding while an answer a mock fault makes off-spec is reported as a response violation and a
 * deliberately invalid request as a request violation, the answers themselves passed on unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startMockServer, type MockServer } from '../mock/server.ts';
import { stopAllChildren } from './child-processes.ts';
import { judgeExchanges } from './prism-check.ts';
import { groupFindings, parseViolations, prismCannotCarry, startPrismProxy, stripPrefix, tally, type PrismProxy, type ProxiedExchange } from './proxy.ts';

const exchange = (status: number, ...violations: ProxiedExchange['violations']): ProxiedExchange => ({ method: 'POST', path: '/0.1/token', operationId: 'createToken', status, violations, durationMs: 1 });
const requestError = { side: 'request' as const, location: 'body.expiration', severity: 'Error', code: 'minimum', message: 'Request body property expiration must be >= 1' };
const responseError = { side: 'response' as const, location: 'body.data', severity: 'Error', code: 'required', message: "Response body property data must have required property 'utc_expires_at'" };

describe('proxy helpers', () => {
  test('the wazo-auth prefixes are stripped for Prism; other paths pass as they are', () => {
    assert.equal(stripPrefix('/0.1/token'), '/token');
    assert.equal(stripPrefix('/api/auth/0.1/users/me/tokens'), '/users/me/tokens');
    assert.equal(stripPrefix('/0.1'), '/');
    assert.equal(stripPrefix('/token'), '/token');
    assert.equal(stripPrefix('/0.10/token'), '/0.10/token');
  });

  test("Prism's sl-violations header becomes request and response violations", () => {
    const header = JSON.stringify([
      { location: ['request', 'body', 'expiration'], severity: 'Error', code: 'minimum', message: 'm1' },
      { location: ['response', 'header'], severity: 'Warning', message: 'm2' },
    ]);
    assert.deepEqual(parseViolations(header), [
      { side: 'request', location: 'body.expiration', severity: 'Error', code: 'minimum', message: 'm1' },
      { side: 'response', location: 'header', severity: 'Warning', message: 'm2' },
    ]);
    assert.deepEqual(parseViolations(undefined), []);
    assert.match(parseViolations('not json')[0]!.message, /unreadable sl-violations/);
  });

  test('requests Prism cannot carry unchanged are named (HEAD, bodies that are not a JSON object or list)', () => {
    const json = 'application/json';
    assert.match(prismCannotCarry('HEAD', undefined, undefined)!, /HEAD/);
    assert.equal(prismCannotCarry('POST', json, Buffer.from('{"expiration": 1}')), undefined);
    assert.equal(prismCannotCarry('POST', json, Buffer.from('[]')), undefined);
    assert.equal(prismCannotCarry('POST', json, undefined), undefined);
    assert.match(prismCannotCarry('POST', json, Buffer.from('{not json'))!, /not JSON/);
    assert.match(prismCannotCarry('POST', 'application/json; charset=utf-8', Buffer.from('"text"'))!, /not an object/);
    assert.match(prismCannotCarry('POST', json, Buffer.from('null'))!, /not an object/);
    assert.equal(prismCannotCarry('POST', 'text/plain', Buffer.from('{not json')), undefined, 'Prism passes text bodies as they are');
  });

  test('the check: response violations fail, invalid requests must have been refused with a 4xx', () => {
    const fractional = { ...requestError, code: 'type', message: 'Request body property expiration must be integer' };
    const verdict = judgeExchanges([exchange(400, requestError), exchange(200, requestError), exchange(200, responseError), exchange(200), exchange(200, fractional)]);
    assert.equal(verdict.refusedInvalid.length, 1);
    assert.equal(verdict.acceptedInvalid.length, 1, 'an invalid request answered 200');
    assert.equal(verdict.lenient.find((l) => l.requirement === 'TOKEN-EXPIRATION-LENIENT')?.count, 1, 'a lenient integer is a listed leniency');
    assert.equal(verdict.responseViolations.length, 1);
    assert.deepEqual(tally([exchange(200), exchange(405, { ...requestError, severity: 'Warning' })]).warnings.length, 1);
    assert.deepEqual(groupFindings([exchange(400, requestError), exchange(422, requestError)]), [
      { key: 'createToken request body.expiration: Request body property expiration must be >= 1', count: 2, statuses: [400, 422] },
    ]);
  });
});

describe('through prism proxy, end to end', () => {
  let mock: MockServer;
  let proxy: PrismProxy;
  before(async () => {
    // master: the release whose POST /token answers carry Wazo-Sessions-Revoked, checked below.
    mock = await startMockServer({ port: 0, tls: 'off', logLevel: 'silent', wazoVersion: 'master' });
    proxy = await startPrismProxy({ target: mock.url, port: 0 });
  });
  after(async () => {
    await proxy?.close();
    await mock?.close();
    await stopAllChildren();
  });

  const login = (body: unknown) =>
    request(`${proxy.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('a clean login passes without a finding, under /0.1 and /api/auth/0.1, answer unchanged', async () => {
    const res = await login({ expiration: 60 });
    const body = (await res.body.json()) as { data: { utc_expires_at: string } };
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['wazo-sessions-revoked'], '0');
    assert.equal(res.headers['sl-violations'], undefined, 'the front removes Prism\'s header');
    assert.equal(typeof body.data.utc_expires_at, 'string');
    const status = await request(`${proxy.origin}/api/auth/0.1/status`, { method: 'HEAD' });
    await status.body.dump();
    assert.equal(status.statusCode, 200);
    const seen = proxy.exchanges.splice(0);
    assert.deepEqual(seen.map((e) => [e.method, e.path, e.operationId, e.status, e.violations.length, e.bypassed !== undefined]), [
      ['POST', '/0.1/token', 'createToken', 200, 0, false],
      ['HEAD', '/api/auth/0.1/status', 'headStatus', 200, 0, true],
    ]);
  });

  test('an invalid request is reported as a request violation and still reaches the server', async () => {
    const res = await login({ expiration: 0 });
    await res.body.dump();
    assert.equal(res.statusCode, 400, "the mock's own 400, not Prism's 422");
    const [seen] = proxy.exchanges.splice(0);
    assert.ok(seen!.violations.some((v) => v.side === 'request' && v.location === 'body.expiration'), JSON.stringify(seen));
  });

  test('an answer a fault makes off-spec is reported as a response violation', async () => {
    mock.faults.switch('utc-expires-at-missing', true);
    try {
      const res = await login({ expiration: 60 });
      const body = (await res.body.json()) as { data: Record<string, unknown> };
      assert.equal(res.statusCode, 200);
      assert.equal('utc_expires_at' in body.data, false);
    } finally {
      mock.faults.switch('utc-expires-at-missing', false);
    }
    const [seen] = proxy.exchanges.splice(0);
    assert.ok(
      seen!.violations.some((v) => v.side === 'response' && v.severity === 'Error' && /utc_expires_at/.test(v.message)),
      JSON.stringify(seen),
    );
  });
});

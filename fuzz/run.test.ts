/**
 * The fuzz phase end to end against the embedded mock (127.0.0.1, a free port): the same seed sends
 * the same requests, the clean mock gives no finding and keeps nothing, a broken operation is found and
 * shrunk to a curl line.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startMock, type WazoAuthMock } from '../mock/start-mock.ts';
import { buildSpec, forReleases, parseCached, SPEC_PATH, type JsonObject } from '../spec/loader.ts';
import { loadReleases } from '../spec/releases.ts';
import type { FuzzCase } from './cases.ts';
import { runFuzz, type FuzzOptions } from './run.ts';

let mock: WazoAuthMock;
before(async () => {
  mock = await startMock({ port: 0, host: '127.0.0.1', tls: 'off' });
});
after(async () => {
  await mock.close();
});

const options = (overrides: Partial<FuzzOptions> = {}): FuzzOptions => ({
  baseURL: mock.url,
  user: { username: 'alice', password: 'alice-pw' },
  admin: { username: 'admin', password: 'admin-secret' },
  insecure: false,
  seed: 31337,
  count: 150,
  timeBudgetMs: 60_000,
  timeoutMs: 5_000,
  rate: 0,
  shrinkBudget: 200,
  ...overrides,
});

test('the same seed sends the same requests, the clean mock gives no finding, and nothing is left', async () => {
  const first: FuzzCase[] = [];
  const second: FuzzCase[] = [];
  const a = await runFuzz(options({ onCase: (c) => first.push(c) }));
  const b = await runFuzz(options({ onCase: (c) => second.push(c) }));
  assert.equal(first.length, 150);
  assert.equal(JSON.stringify(first), JSON.stringify(second));
  for (const report of [a, b]) {
    assert.deepEqual(report.findings, [], JSON.stringify(report.findings.slice(0, 2)));
    assert.deepEqual(report.afterwards, { login: 200, status: 200 });
    assert.deepEqual(report.leftovers, []);
  }
  const state = mock.state() as { users: { username: string | null }[]; refresh_tokens: unknown[]; tokens: unknown[] };
  assert.deepEqual(state.users.map((u) => u.username).sort(), ['admin', 'alice'], 'only the seeded users are left');
  assert.deepEqual(state.refresh_tokens, [], 'no refresh token is left');
  assert.deepEqual(state.tokens, [], 'no live token is left');
});

test('a 500 of one operation is found, shrunk and written as a curl line without a secret', async () => {
  mock.injectFault({ operationId: 'listUserSessions', status: 500 });
  try {
    const report = await runFuzz(options({ seed: 8, count: 120 }));
    // One finding per kind of case: a valid case's shrinks to no query; a broken parameter's keeps it (more
    // operations in the description change which comes first).
    const candidates = report.findings.filter((f) => f.requirement === 'ROBUST-NO-5XX' && f.operationId === 'listUserSessions');
    const found = candidates.find((f) => !f.curl.includes('?')) ?? candidates[0];
    assert.ok(found, JSON.stringify(report.findings.map((f) => `${f.requirement} ${f.operationId}`)));
    assert.equal(found.status, 500);
    assert.match(found.curl, /^curl -sS -i -X GET 'http:\/\/127\.0\.0\.1:\d+\/0\.1\/users\//);
    // Shrunk: the 500 comes whatever the query, so no query parameter is left.
    assert.ok(!found.curl.includes('?'), found.curl);
    for (const secret of ['alice-pw', 'admin-secret']) assert.ok(!found.curl.includes(secret));
    assert.match(found.curl, /\$WAZO_(ADMIN_|THROWAWAY_)?TOKEN/);
  } finally {
    mock.clearFaults();
  }
});

test('an operation that not every release has is sent only when the target has it (OPTIONS on its path)', async () => {
  const source = readFileSync(SPEC_PATH, 'utf8');
  const document = structuredClone(parseCached(source)) as JsonObject;
  const paths = document.paths as Record<string, JsonObject>;
  // One the target has not (no such path in the mock), one it has (GET /users, marked for the test).
  paths['/wak-probe-absent'] = { get: { operationId: 'probeAbsent', 'x-wazo-behaviour': 'idp-operations', responses: { '200': { description: 'ok' } } } };
  (paths['/users']!.get as JsonObject)['x-wazo-behaviour'] = 'idp-operations';
  const table = loadReleases();
  const spec = buildSpec(source, forReleases(document, table.releases, table.holds));
  const sent = new Set<string>();
  const lines: string[] = [];
  const report = await runFuzz(options({ seed: 7, count: 200, onCase: (c) => sent.add(c.operationId), log: (l) => lines.push(l) }), spec);
  assert.equal(sent.has('probeAbsent'), false, 'not generated');
  assert.equal(sent.has('listUsers'), true, 'the target has it: generated');
  assert.ok(lines.some((l) => /has no GET \/wak-probe-absent \(a release without them\): not sent/.test(l)), lines.join('\n'));
  assert.deepEqual(report.findings, []);
});

/**
 * Unit tests (node:test) of the suite itself: every requirement of the catalogue has at least one test,
 * every test declares its requirements, and the helpers that keep secrets out of reports work.
 * Run: node --import tsx --test suites/*.test.ts
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRequirements } from '../spec/requirements.ts';
import { Redactor, shortToken } from './redact.ts';
import { parseTimestamp, secondsBetween } from './time.ts';

interface ListedTest {
  title: string;
  /** The spec file, relative to suites/. */
  file: string;
  annotations: { type: string; description?: string }[];
}

let listed: ListedTest[] | undefined;

/** Every test of the suite, in the order Playwright hands them out (`--list`, once per process). */
function listTests(): ListedTest[] {
  if (listed) return listed;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/@playwright/test/cli.js', import.meta.url)), 'test', '--list', '--reporter=json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, WAZO_AUTH_URL: '', WAZO_KIT_MOCK_PORT: '1' },
  });
  type Suite = { specs?: { title: string; file: string; tests: { annotations: ListedTest['annotations'] }[] }[]; suites?: Suite[] };
  const tests: ListedTest[] = [];
  const walk = (suite: Suite) => {
    for (const spec of suite.specs ?? []) for (const t of spec.tests) tests.push({ title: spec.title, file: spec.file, annotations: t.annotations });
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of (JSON.parse(out) as { suites: Suite[] }).suites) walk(suite);
  listed = tests;
  return tests;
}

test('every requirement of the catalogue has at least one test, and every test declares one', () => {
  const tests = listTests();
  assert.ok(tests.length > 0, 'playwright --list found tests');
  const covered = new Set(tests.flatMap((t) => t.annotations.filter((a) => a.type === 'requirement').map((a) => a.description)));
  const missing = loadRequirements().requirements.filter((r) => !covered.has(r.id)).map((r) => `${r.id} (${r.severity})`);
  assert.deepEqual(missing, [], 'requirements without a test');
  const undeclared = tests.filter((t) => !t.annotations.some((a) => a.type === 'requirement')).map((t) => t.title);
  assert.deepEqual(undeclared, [], 'tests without a requirement annotation');
  for (const t of tests) {
    const severities = t.annotations.filter((a) => a.type === 'severity').map((a) => a.description);
    assert.equal(severities.length, 1, `${t.title}: one severity annotation`);
  }
});

test('the whole-run refresh-token test is handed out last, so that the age it proves is the whole run', () => {
  const tests = listTests();
  const last = tests.at(-1);
  assert.equal(last?.file, 'whole-run.spec.ts', `the last test is ${last?.file} › ${last?.title}; whole-run.spec.ts must sort after every other spec file`);
  assert.equal(tests.filter((t) => t.file === 'whole-run.spec.ts').length, 1, 'one test in whole-run.spec.ts');
});

test("no spec file declares worker-scoped fixtures: they would get workers of their own, run after the others", () => {
  // Playwright groups tests by their worker fixtures; a file with its own gets new workers, started at the
  // end of the run (measured: the SDK profile then ran after whole-run.spec.ts and added 15 s to a mock run).
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const offenders = readdirSync(dir).filter((f) => f.endsWith('.spec.ts') && /scope:\s*'worker'/.test(readFileSync(join(dir, f), 'utf8')));
  assert.deepEqual(offenders, []);
});

test('the redactor shortens tokens and hides passwords, Basic credentials included', () => {
  const r = new Redactor();
  const token = '5ffeb6ab-145f-4b89-ab10-f895f2fc823e';
  r.token(token);
  r.password('alice-pw', 'alice');
  const text = `token ${token} password alice-pw basic ${Buffer.from('alice:alice-pw').toString('base64')}`;
  const out = r.text(text);
  assert.ok(!out.includes(token) && out.includes(shortToken(token)), out);
  assert.ok(!out.includes('alice-pw') && !out.includes('YWxpY2U6YWxpY2UtcHc='), out);
  const value = r.value({ data: { token: 'abcdefgh-unknown-to-the-redactor-12345678', refresh_token: 'x'.repeat(36) }, new_password: 'p', details: { invalid_token: token } });
  assert.deepEqual(value, { data: { token: '…12345678', refresh_token: `…${'x'.repeat(8)}` }, new_password: '***', details: { invalid_token: shortToken(token) } });
  assert.deepEqual(r.headers({ Authorization: 'Basic YWxpY2U6YWxpY2UtcHc=', 'X-Auth-Token': token }), { Authorization: 'Basic ***', 'X-Auth-Token': shortToken(token) });
});

test('a made-up token of a few characters is not remembered: the words it occurs in stay whole', () => {
  const r = new Redactor();
  r.token('t');
  r.token('abc1234');
  assert.equal(r.text('creating a throwaway tenant abc1234'), 'creating a throwaway tenant abc1234');
});

test("wazo-auth's zone-less timestamps are read as UTC, microseconds included", () => {
  assert.equal(parseTimestamp('2026-11-28T06:20:12.919559'), Date.UTC(2026, 10, 28, 6, 20, 12) + 919.559);
  assert.equal(parseTimestamp('2026-11-28T06:20:13.990487+00:00'), Date.UTC(2026, 10, 28, 6, 20, 13) + 990.487);
  assert.equal(parseTimestamp('2026-11-28T07:20:12+01:00'), Date.UTC(2026, 10, 28, 6, 20, 12));
  assert.equal(secondsBetween('2026-11-28T06:20:17.893189', '2036-11-25T06:20:17.893189'), 315360000);
  assert.equal(secondsBetween('2026-11-28T06:20:20', '2026-11-28T07:20:20.000000'), 3600);
  assert.ok(Number.isNaN(parseTimestamp(1795846815)));
  assert.ok(Number.isNaN(parseTimestamp('28/11/2026')));
});

/**
 * examples/github-actions.yml stays true: it parses, it runs the gate with flags that exist, it takes
 * the URL and credentials from secrets, writes the summary and uploads reports/ even when the gate
 * failed, and its shell step behaves (a missing URL secret stops the job with exit 2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './playwright-run.ts';
import { TEST_USAGE } from './test-options.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
const source = readFileSync(join(REPO_ROOT, 'examples', 'github-actions.yml'), 'utf8');
const workflow = parse(source) as { jobs: Record<string, { steps: Step[] }> };
const steps = Object.values(workflow.jobs)[0]!.steps;
const gate = steps.find((s) => /wazo-auth-kit(@\S+)? test/.test(s.run ?? ''))!;

test('the gate step uses only flags that `wazo-auth-kit test` has', () => {
  assert.ok(gate, 'a step runs wazo-auth-kit test');
  // npx's own `--yes` aside, every flag is the kit's.
  const flags = [...gate.run!.replace('npx --yes', 'npx').matchAll(/(?<![\w-])--[a-z-]+/g)].map((m) => m[0]);
  assert.ok(flags.length >= 3);
  for (const flag of flags) assert.ok(TEST_USAGE.includes(flag), `${flag} is documented in wazo-auth-kit test --help`);
});

test('the kit comes from the registry, pinned to the minor version of this package, not from a clone', () => {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const pinned = /npx --yes wazo-auth-kit@(\S+) test/.exec(gate.run!)?.[1];
  assert.equal(pinned, version.split('.').slice(0, 2).join('.'));
  assert.doesNotMatch(source, /npm ci|git clone|repository: .*wazo-auth-kit/);
});

test('URL and credentials come from secrets; no literal password', () => {
  assert.match(gate.env!.TARGET_URL!, /^\$\{\{ secrets\.WAZO_AUTH_URL \}\}$/);
  assert.match(gate.env!.WAZO_PASSWORD!, /^\$\{\{ secrets\.WAZO_PASSWORD \}\}$/);
  assert.match(gate.env!.WAZO_ADMIN_PASSWORD!, /^\$\{\{ secrets\./);
  assert.match(gate.run!, /--password-env WAZO_PASSWORD/);
  assert.doesNotMatch(source, /alice-pw|admin-secret/);
});

test('the summary and the upload run even when the gate failed', () => {
  const summary = steps.find((s) => s.run?.includes('GITHUB_STEP_SUMMARY'))!;
  assert.match(summary.run!, /reports\/conformance\.md/);
  const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
  assert.equal(upload.with!.path, 'reports/');
  for (const s of [summary, upload]) assert.match(String(s.if), /always\(\)|!cancelled\(\)/);
  assert.ok(steps.indexOf(gate) < steps.indexOf(summary) && steps.indexOf(summary) < steps.indexOf(upload));
});

test('the gate script stops with exit 2 and one line when the URL secret is missing or wrong', () => {
  // The step's script, with npx replaced by this clone's bin (no network, no install).
  const script = gate.run!.replace(/npx --yes wazo-auth-kit@\S+/, `node ${join(REPO_ROOT, 'bin', 'wazo-auth-kit.js')}`);
  assert.notEqual(script, gate.run);
  const cwd = mkdtempSync(join(tmpdir(), 'wak-ci-'));
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WAZO_')));
  for (const [url, message] of [
    ['', /--url is not a URL/],
    ['http://127.0.0.1:1/0.1', /cannot reach http:\/\/127\.0\.0\.1:1\/0\.1: connection refused/],
  ] as const) {
    const run = spawnSync('bash', ['-e', '-c', script], {
      cwd,
      env: { ...base, TARGET_URL: url, WAZO_USERNAME: 'alice', WAZO_PASSWORD: 'pw-from-secret', WAZO_ADMIN_USERNAME: '', WAZO_ADMIN_PASSWORD: '', WAZO_INSECURE: '', WAZO_KIT_STRICT: '' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr + run.stdout, /pw-from-secret/);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRequirements } from '../spec/requirements.ts';
import { compareCommand, compareResults } from './compare.ts';
import { UsageError } from './errors.ts';
import type { ConformanceResult, RequirementStatus } from './report/model.ts';
import { syntheticRun } from './report/synthetic.ts';

const catalogue = loadRequirements();
const { result: base } = syntheticRun(catalogue);
const must = catalogue.requirements.filter((r) => r.severity === 'must').map((r) => r.id);
const should = catalogue.requirements.find((r) => r.severity === 'should')!.id;

/** A copy of the synthetic run with some statuses changed. */
function variant(changes: Record<string, RequirementStatus>): ConformanceResult {
  const copy = structuredClone(base);
  for (const [id, status] of Object.entries(changes)) {
    const r = copy.requirements.find((x) => x.id === id)!;
    r.status = status;
    if (status === 'failed') r.findings = [{ kind: 'failure', test: 't', message: 'expected 404, got 200', evidence: [{ request: 'GET /0.1/token/…abcd1234', status: 200 }] }];
    if (status === 'skipped') r.reason = 'needs admin credentials';
    if (status === 'passed') [r.findings, r.reason] = [[], undefined];
  }
  return copy;
}

const dir = mkdtempSync(join(tmpdir(), 'wak-compare-'));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};
const run = async (args: string[]) => {
  const lines: string[] = [];
  const code = await compareCommand(args, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
};

test('identical runs: no difference, exit 0', async () => {
  assert.deepEqual(compareResults(base, structuredClone(base)), []);
  const { code, out } = await run([file('a.json', base), file('b.json', base)]);
  assert.equal(code, 0);
  assert.match(out, /No difference/);
});

test('a must requirement met on one side and not the other: listed with both findings, exit 1', async () => {
  const a = variant({ [must[10]!]: 'passed' });
  const b = variant({ [must[10]!]: 'failed' });
  const diffs = compareResults(a, b);
  assert.equal(diffs.length, 1);
  assert.deepEqual({ id: diffs[0]!.id, a: diffs[0]!.a, b: diffs[0]!.b, disagreement: diffs[0]!.disagreement }, { id: must[10], a: 'passed', b: 'failed', disagreement: true });
  const { code, out } = await run([file('a1.json', a), file('b1.json', b)]);
  assert.equal(code, 1);
  assert.match(out, new RegExp(`${must[10]}\\s+must\\s+passed\\s+failed\\s+≠`));
  assert.match(out, /B: GET \/0\.1\/token\/…abcd1234 → 200: expected 404, got 200/);
  assert.match(out, new RegExp(`Exit 1: the runs disagree on must requirement\\(s\\) ${must[10]}`));
});

test('a skip on one side is listed but does not fail: there is nothing to compare', async () => {
  const { code, out } = await run([file('a2.json', variant({ [must[11]!]: 'passed' })), file('b2.json', variant({ [must[11]!]: 'skipped' }))]);
  assert.equal(code, 0);
  assert.match(out, new RegExp(`${must[11]}\\s+must\\s+passed\\s+skipped`));
  assert.match(out, /1 not comparable/);
});

test('a should requirement that differs does not fail', async () => {
  const { code } = await run([file('a3.json', variant({ [should]: 'passed' })), file('b3.json', variant({ [should]: 'failed' }))]);
  assert.equal(code, 0);
});

test('an expected failure counts as not met: it differs from a pass', () => {
  const diffs = compareResults(variant({ [must[12]!]: 'passed' }), variant({ [must[12]!]: 'expected-failure' }));
  assert.equal(diffs[0]?.disagreement, true);
});

test('requirements only in one file (another catalogue version) are listed as absent', () => {
  const b = structuredClone(base);
  b.requirements = b.requirements.filter((r) => r.id !== must[13]);
  const diffs = compareResults(base, b);
  assert.equal(diffs.length, 1);
  assert.equal(diffs[0]!.b, 'absent');
  assert.equal(diffs[0]!.disagreement, false);
});

test('usage errors: wrong number of files, unreadable, not JSON, not a conformance.json', async () => {
  await assert.rejects(run([]), (e: unknown) => e instanceof UsageError && /two conformance.json files \(got 0\)/.test(e.message));
  await assert.rejects(run(['/nope/a.json', file('ok.json', base)]), /cannot read \/nope\/a\.json: ENOENT/);
  await assert.rejects(run([file('bad.json', '{'), file('ok2.json', base)]), /bad\.json is not JSON/);
  await assert.rejects(run([file('other.json', { hello: 1 }), file('ok3.json', base)]), /other\.json is not a conformance\.json/);
  await assert.rejects(run(['--nope']), /Unknown option '--nope'/);
});

test('--help prints the usage', async () => {
  const { code, out } = await run(['--help']);
  assert.equal(code, 0);
  assert.match(out, /Usage: wazo-auth-kit compare A\.json B\.json/);
});

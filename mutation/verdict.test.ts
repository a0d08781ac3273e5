/** The mutation gate's judgement: test selection by tag, killed/survived/error, score and tables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConformanceResult, RequirementResult } from '../cli/report/model.ts';
import { grepFor, judgeClean, judgeFault, markdownTable, summarise, terminalTable } from './verdict.ts';

const run = { exitCode: 1, timedOut: false, output: '', durationMs: 1234 };

function result(statuses: Record<string, RequirementResult['status']>, exitCode: 0 | 1 | 2 = 1, reason = ''): ConformanceResult {
  const requirements = Object.entries(statuses).map(([id, status]) => ({ id, status }) as RequirementResult);
  const count = (s: string) => requirements.filter((r) => r.status === s).length;
  return {
    gate: { exitCode, verdict: exitCode === 0 ? 'pass' : 'fail', reason },
    run: { status: 'failed', errors: [], cleanupProblems: [] },
    requirements,
    summary: { requirements: requirements.length, passed: count('passed'), failed: count('failed'), warning: 0, skipped: count('skipped'), expectedFailure: 0, noTest: 0, expectedFailureNowPasses: 0, mustFailed: count('failed'), tests: 3 },
  } as unknown as ConformanceResult;
}

test('grepFor selects the tags of the IDs and nothing that merely starts with one', () => {
  const re = new RegExp(grepFor(['REFRESH-DELETE', 'CORS-PREFLIGHT']));
  assert.ok(re.test('DELETE /users/me/tokens/{client_id} answers 204 @REFRESH-DELETE'));
  assert.ok(re.test('the preflight of auth.logIn @CORS-PREFLIGHT @OTHER'));
  assert.ok(!re.test('access tokens stay valid @REFRESH-DELETE-KEEPS-ACCESS'));
  assert.ok(!re.test('REFRESH-DELETE in a title without the tag'));
});

test('a fault is killed only when the run fails and every expected requirement failed', () => {
  const killed = judgeFault('f', ['A', 'B'], result({ A: 'failed', B: 'failed', C: 'failed' }), run);
  assert.equal(killed.verdict, 'killed');
  assert.deepEqual(killed.failed, ['A', 'B', 'C']);
  const partly = judgeFault('f', ['A', 'B'], result({ A: 'failed', B: 'passed' }), run);
  assert.equal(partly.verdict, 'survived');
  assert.match(partly.note!, /B \(passed\)/);
  const passed = judgeFault('f', ['A'], result({ A: 'passed' }, 0), run);
  assert.equal(passed.verdict, 'survived');
  const skipped = judgeFault('f', ['A'], result({ A: 'skipped' }, 1), run);
  assert.equal(skipped.verdict, 'survived', 'a skipped requirement did not detect the fault');
});

test('a run that could not be judged is an error, never a kill', () => {
  assert.equal(judgeFault('f', ['A'], undefined, { ...run, output: 'line 1\nboom' }).verdict, 'error');
  assert.match(judgeFault('f', ['A'], undefined, { ...run, timedOut: true }).note!, /timed out/);
  const usage = judgeFault('f', ['A'], result({ A: 'failed' }, 2, 'selects no test'), run);
  assert.equal(usage.verdict, 'error');
});

test('the clean mock must pass; the gate needs every fault killed and a clean pass', () => {
  const clean = judgeClean(result({ A: 'passed', B: 'passed' }, 0), run);
  assert.equal(clean.passed, true);
  assert.equal(judgeClean(result({ A: 'failed' }, 1), run).passed, false);
  const k = judgeFault('k', ['A'], result({ A: 'failed' }), run);
  const s = judgeFault('s', ['A'], result({ A: 'passed' }, 0), run);
  assert.deepEqual(summarise([k, k], clean), { killed: 2, total: 2, score: 100, passed: true });
  assert.deepEqual(summarise([k, s], clean), { killed: 1, total: 2, score: 50, passed: false });
  assert.equal(summarise([k], { ...clean, passed: false }).passed, false);
});

test('the tables show every fault, its expected and failed IDs and the verdict', () => {
  const k = { ...judgeFault('no-cors', ['CORS-PREFLIGHT'], result({ 'CORS-PREFLIGHT': 'failed', OTHER: 'failed' }), run), release: '24.01' };
  const md = markdownTable([k], judgeClean(result({ A: 'passed' }, 0), run), 61_000, 2);
  assert.match(md, /\| `no-cors` \| 24\.01 \| `CORS-PREFLIGHT` \| `CORS-PREFLIGHT`, OTHER \| killed \|/);
  assert.match(md, /Score: 1\/1 faults killed \(100%\)/);
  assert.match(md, /Wall time: 61\.0 s with 2 suite run/);
  assert.match(terminalTable([k]), /no-cors\s+24\.01\s+CORS-PREFLIGHT\s+CORS-PREFLIGHT, OTHER\s+KILLED/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalogue, loadRequirements } from '../../spec/requirements.ts';
import { aggregate } from './aggregate.ts';
import { context, record, syntheticRun, BROKEN_EVIDENCE } from './synthetic.ts';
import { validateResult } from './schema.ts';

// A small catalogue keeps each case readable; the last tests use the real one.
const catalogue = buildCatalogue(`
areas:
  a: Area A
  b: Area B
requirements:
  - { id: A-ONE, area: a, severity: must, title: one, source: test }
  - { id: A-TWO, area: a, severity: must, title: two, source: test }
  - { id: B-SOFT, area: b, severity: should, title: soft, source: test }
`);
const statusOf = (result: ReturnType<typeof aggregate>, id: string) => result.requirements.find((r) => r.id === id)!;

test('a requirement without any test is skipped with reason "no test", never passed', () => {
  const result = aggregate(catalogue, [record(['A-ONE']), record(['B-SOFT'])], context());
  assert.equal(statusOf(result, 'A-TWO').status, 'skipped');
  assert.equal(statusOf(result, 'A-TWO').reason, 'no test');
  assert.equal(result.summary.noTest, 1);
  assert.equal(result.gate.exitCode, 0);
});

test('under --grep, a requirement without a selected test says so', () => {
  const result = aggregate(catalogue, [record(['A-ONE'])], context({ grep: 'A-ONE' }));
  assert.equal(statusOf(result, 'A-TWO').reason, 'no test selected by --grep "A-ONE"');
});

test('a failed must test fails its requirement with the evidence, and the gate exits 1 naming it', () => {
  const failing = record(['A-ONE'], { status: 'failed', error: 'Expected: 400\nReceived: 200', evidence: [BROKEN_EVIDENCE] });
  const result = aggregate(catalogue, [failing, record(['A-TWO']), record(['B-SOFT'])], context());
  const one = statusOf(result, 'A-ONE');
  assert.equal(one.status, 'failed');
  assert.equal(one.findings[0]?.kind, 'failure');
  assert.deepEqual(one.findings[0]?.evidence, [BROKEN_EVIDENCE]);
  assert.equal(result.gate.exitCode, 1);
  assert.match(result.gate.reason, /1 must requirement failed: A-ONE/);
  assert.equal(result.summary.mustFailed, 1);
});

test('a timed-out test counts as a failure', () => {
  const result = aggregate(catalogue, [record(['A-ONE'], { status: 'timedOut' })], context());
  assert.equal(statusOf(result, 'A-ONE').status, 'failed');
  assert.equal(statusOf(result, 'A-ONE').findings[0]?.message, 'test timed out');
});

test('one failing test among passing ones still fails the requirement', () => {
  const result = aggregate(catalogue, [record(['A-ONE']), record(['A-ONE'], { status: 'failed', error: 'boom' })], context());
  assert.equal(statusOf(result, 'A-ONE').status, 'failed');
  assert.equal(statusOf(result, 'A-ONE').tests.length, 2);
});

test('a failure message naming one of the test\'s requirements fails only that one', () => {
  const both = record(['A-ONE', 'A-TWO'], { status: 'failed', error: '[A-TWO] expected 404, got 200' });
  const result = aggregate(catalogue, [both], context());
  assert.equal(statusOf(result, 'A-TWO').status, 'failed');
  assert.equal(statusOf(result, 'A-ONE').status, 'passed');
});

test('a failure message naming none of them fails all of the test\'s requirements', () => {
  const result = aggregate(catalogue, [record(['A-ONE', 'A-TWO'], { status: 'failed', error: 'socket hang up' })], context());
  assert.equal(statusOf(result, 'A-ONE').status, 'failed');
  assert.equal(statusOf(result, 'A-TWO').status, 'failed');
});

test('a should check that did not hold is a warning: the gate passes, and fails under --strict', () => {
  const tests = [record(['A-ONE']), record(['A-TWO']), record(['B-SOFT'], { warnings: ['answered 500 instead of 401'] })];
  const relaxed = aggregate(catalogue, tests, context());
  assert.equal(statusOf(relaxed, 'B-SOFT').status, 'warning');
  assert.equal(statusOf(relaxed, 'B-SOFT').findings[0]?.message, 'answered 500 instead of 401');
  assert.equal(relaxed.gate.exitCode, 0);
  const strict = aggregate(catalogue, tests, context({ strict: true }));
  assert.equal(strict.gate.exitCode, 1);
  assert.match(strict.gate.reason, /--strict: 1 should requirement not met: B-SOFT/);
});

test('a failed should test fails its requirement but not the gate, unless --strict', () => {
  const tests = [record(['A-ONE']), record(['A-TWO']), record(['B-SOFT'], { status: 'failed', error: 'nope' })];
  assert.equal(aggregate(catalogue, tests, context()).gate.exitCode, 0);
  assert.equal(aggregate(catalogue, tests, context({ strict: true })).gate.exitCode, 1);
});

test('a skipped test skips its requirement with the skip reason; skips do not fail the gate', () => {
  const reason = 'needs admin credentials';
  const result = aggregate(catalogue, [record(['A-ONE'], { status: 'skipped', skipReason: reason }), record(['A-TWO'])], context());
  assert.equal(statusOf(result, 'A-ONE').status, 'skipped');
  assert.equal(statusOf(result, 'A-ONE').reason, reason);
  assert.equal(result.gate.exitCode, 0);
  assert.match(result.gate.reason, /2 skipped/);
});

test('one passing test is enough when the others are skipped', () => {
  const result = aggregate(catalogue, [record(['A-ONE'], { status: 'skipped', skipReason: 'x' }), record(['A-ONE'])], context());
  assert.equal(statusOf(result, 'A-ONE').status, 'passed');
});

test('a flaky test turns its requirement into a warning', () => {
  const result = aggregate(catalogue, [record(['A-ONE'], { flaky: true })], context());
  assert.equal(statusOf(result, 'A-ONE').status, 'warning');
});

test('an expected failure that fails is reported as expected-failure and does not fail the gate', () => {
  const expected = new Map([['A-ONE', 'host answers 403']]);
  const result = aggregate(catalogue, [record(['A-ONE'], { status: 'failed', error: 'x' }), record(['A-TWO'])], context({ expected }));
  const one = statusOf(result, 'A-ONE');
  assert.equal(one.status, 'expected-failure');
  assert.equal(one.reason, 'host answers 403');
  assert.deepEqual(one.expectedFailure, { reason: 'host answers 403', nowPasses: false });
  assert.equal(one.findings.length, 1, 'the evidence of an expected failure is kept');
  assert.equal(result.gate.exitCode, 0);
  assert.equal(result.summary.expectedFailure, 1);
});

test('an expected failure that passes is flagged for clean-up; it fails the gate only under --strict', () => {
  const expected = new Map([['A-ONE', 'host answers 403']]);
  const tests = [record(['A-ONE']), record(['A-TWO'])];
  const result = aggregate(catalogue, tests, context({ expected }));
  assert.equal(statusOf(result, 'A-ONE').status, 'passed');
  assert.equal(statusOf(result, 'A-ONE').expectedFailure?.nowPasses, true);
  assert.equal(result.summary.expectedFailureNowPasses, 1);
  assert.equal(result.gate.exitCode, 0);
  assert.equal(aggregate(catalogue, tests, context({ expected, strict: true })).gate.exitCode, 1);
});

test('an interrupted run has no verdict: exit 130', () => {
  const result = aggregate(catalogue, [record(['A-ONE']), record(['A-TWO'], { status: 'interrupted' })], context({ runStatus: 'interrupted' }));
  assert.equal(result.gate.exitCode, 130);
  assert.equal(statusOf(result, 'A-TWO').status, 'skipped');
  assert.equal(statusOf(result, 'A-TWO').reason, 'interrupted');
});

test('a run where nothing could run (global setup failed) exits 2 with the setup\'s message', () => {
  const result = aggregate(catalogue, [record(['A-ONE'], { status: 'skipped' })], context({ runStatus: 'failed', runErrors: ['[wazo-auth-kit] cannot reach http://x/0.1\n  at stack'] }));
  assert.equal(result.gate.exitCode, 2);
  assert.equal(result.gate.reason, 'the suite could not run: [wazo-auth-kit] cannot reach http://x/0.1');
});

test('a --grep that selects nothing exits 2 and says how grep matches', () => {
  const result = aggregate(catalogue, [], context({ grep: 'NOPE', runStatus: 'failed', runErrors: ['Error: No tests found'] }));
  assert.equal(result.gate.exitCode, 2);
  assert.match(result.gate.reason, /--grep "NOPE" selects no test/);
});

test('a run error after tests ran fails the gate (exit 1)', () => {
  const result = aggregate(catalogue, [record(['A-ONE'])], context({ runErrors: ['worker process exited unexpectedly'] }));
  assert.equal(result.gate.exitCode, 1);
  assert.match(result.gate.reason, /run error: worker process/);
});

test('requirement IDs missing from the catalogue are listed and fail the gate', () => {
  const result = aggregate(catalogue, [record(['A-ONE', 'A-TYPO'])], context());
  assert.deepEqual(result.unknownRequirements, ['A-TYPO']);
  assert.equal(result.gate.exitCode, 1);
  assert.match(result.run.errors[0]!, /A-TYPO/);
});

test('the synthetic run over the real catalogue has one entry per requirement and every status', () => {
  const real = loadRequirements();
  const { result, plan } = syntheticRun(real);
  assert.equal(result.requirements.length, real.requirements.length);
  assert.deepEqual(
    result.requirements.map((r) => r.id),
    real.requirements.map((r) => r.id),
  );
  const of = (id: string) => result.requirements.find((r) => r.id === id)!;
  assert.equal(of(plan.failed).status, 'failed');
  assert.equal(of(plan.warning).status, 'warning');
  assert.equal(of(plan.skipped).status, 'skipped');
  assert.equal(of(plan.noTest).reason, 'no test');
  assert.equal(of(plan.expectedFailure).status, 'expected-failure');
  assert.equal(of(plan.expectedNowPasses).expectedFailure?.nowPasses, true);
  const s = result.summary;
  assert.equal(s.passed + s.failed + s.warning + s.skipped + s.expectedFailure, s.requirements);
  assert.equal(result.gate.exitCode, 1);
});

test('aggregated results satisfy spec/conformance-result.schema.json', () => {
  const { result } = syntheticRun(loadRequirements());
  assert.deepEqual(validateResult(result), []);
  const small = aggregate(catalogue, [], context({ grep: 'x', runStatus: 'failed', runErrors: ['e'], target: { url: null, embeddedMock: true } }));
  assert.deepEqual(validateResult(small), []);
});

test('the schema rejects a passed requirement without tests and a URL with credentials', () => {
  const { result } = syntheticRun(loadRequirements());
  const passed = result.requirements.find((r) => r.status === 'passed')!;
  passed.tests = [];
  assert.match(validateResult(result).join('\n'), /tests must NOT have fewer than 1 items/);
  const { result: other } = syntheticRun(loadRequirements());
  other.target.url = 'https://alice:alice-pw@wazo.example.com/api/auth/0.1';
  assert.match(validateResult(other).join('\n'), /target\/url/);
});

test('a spec violation in any test fails SPEC-RESPONSES-CONFORM with the offending exchange', () => {
  const spec = buildCatalogue(`
areas: { a: A, spec: S }
requirements:
  - { id: A-ONE, area: a, severity: must, title: one, source: t }
  - { id: SPEC-RESPONSES-CONFORM, area: spec, severity: must, title: conform, source: t }
`);
  const violating = record(['A-ONE'], {
    status: 'failed',
    error: 'SPEC-RESPONSES-CONFORM: createToken 200: body /data must have required property utc_expires_at',
    specViolations: ['createToken 200: body /data must have required property utc_expires_at [POST /0.1/token]'],
    evidence: [{ request: 'GET /0.1/status' }, BROKEN_EVIDENCE],
  });
  const result = aggregate(spec, [violating], context());
  const conform = statusOf(result, 'SPEC-RESPONSES-CONFORM');
  assert.equal(conform.status, 'failed');
  assert.match(conform.findings[0]!.message, /utc_expires_at/);
  assert.deepEqual(conform.findings[0]!.evidence, [BROKEN_EVIDENCE]);
  assert.equal(statusOf(result, 'A-ONE').status, 'failed', 'the test\'s own requirement could not be verified');
  assert.deepEqual(conform.tests.map((t) => t.title), [violating.title], 'the violating test is listed behind it');
  assert.equal(result.summary.noTest, 0);
  assert.match(result.gate.reason, /A-ONE, SPEC-RESPONSES-CONFORM/);
});

test('cleanup problems are listed once, without failing the gate', () => {
  const left = 'token …1234abcd: DELETE /0.1/token/…1234abcd → 500';
  const result = aggregate(catalogue, [record(['A-ONE'], { cleanupProblems: [left] }), record(['A-TWO'], { cleanupProblems: [left] })], context());
  assert.deepEqual(result.run.cleanupProblems, [left]);
  assert.equal(result.gate.exitCode, 0);
});

// --- releases (spec/releases.yaml) -------------------------------------------------------------------
const released = buildCatalogue(`
areas:
  a: Area A
requirements:
  - { id: A-HEADER, area: a, severity: must, title: header, source: test, behaviour: sessions-revoked-header }
  - { id: A-META, area: a, severity: must, title: meta, source: test, behaviour: refresh-token-metadata }
  - { id: A-PLAIN, area: a, severity: must, title: plain, source: test }
`);
const seen = (id: string, behaviour: string, present: boolean) => record([id], { observations: [{ behaviour, present, detail: `${behaviour} seen` }] });

test('without a given release, the release is inferred from the observations and release-dependent requirements say what they were judged with', () => {
  const result = aggregate(released, [seen('A-HEADER', 'sessions-revoked-header', false), seen('A-META', 'refresh-token-metadata', true), record(['A-PLAIN'])], context());
  assert.equal(result.release.status, 'consistent');
  assert.equal(result.release.given, null);
  assert.equal(result.release.summary, 'behaves like wazo-auth 25.09 – 26.05');
  assert.deepEqual(statusOf(result, 'A-HEADER').releases, { behaviour: 'sessions-revoked-header', holdsIn: 'master', judgedWith: '25.09 – 26.05' });
  assert.equal(statusOf(result, 'A-PLAIN').releases, undefined);
  assert.equal(result.gate.exitCode, 0);
  assert.deepEqual(validateResult(result), []);
});

test('observations no supported release shows together fail the requirements behind them, naming both sides', () => {
  const result = aggregate(released, [seen('A-HEADER', 'sessions-revoked-header', true), seen('A-META', 'refresh-token-metadata', false)], context());
  assert.equal(result.release.status, 'contradictory');
  assert.equal(statusOf(result, 'A-HEADER').status, 'failed');
  assert.equal(statusOf(result, 'A-META').status, 'failed');
  assert.match(statusOf(result, 'A-HEADER').findings[0]!.message, /like wazo-auth master, but its other answers say 24\.01 – 25\.08/);
  assert.equal(result.gate.exitCode, 1);
  assert.deepEqual(validateResult(result), []);
});

test('a given release fails the requirements whose behaviour differs from it, and passes the host that matches', () => {
  const tests = [seen('A-HEADER', 'sessions-revoked-header', false), seen('A-META', 'refresh-token-metadata', true)];
  const wrong = aggregate(released, tests, context({ wazoVersion: '24.01' }));
  assert.equal(wrong.release.status, 'differs');
  assert.equal(statusOf(wrong, 'A-META').status, 'failed');
  assert.match(statusOf(wrong, 'A-META').findings[0]!.message, /wazo-auth 24\.01 \(given\) lacks it/);
  assert.equal(statusOf(wrong, 'A-HEADER').status, 'passed');
  assert.equal(wrong.gate.exitCode, 1);
  const right = aggregate(released, tests, context({ wazoVersion: '26.05' }));
  assert.equal(right.release.status, 'consistent');
  assert.equal(right.release.summary, 'judged as wazo-auth 26.05 (given); its release-dependent answers agree');
  assert.equal(statusOf(right, 'A-META').releases!.judgedWith, '26.05');
  assert.equal(right.gate.exitCode, 0);
});

test('a run that met no release-dependent behaviour says the release was not inferred', () => {
  const result = aggregate(released, [record(['A-PLAIN'])], context({ grep: 'A-PLAIN' }));
  assert.equal(result.release.status, 'not-observed');
  assert.match(result.release.summary, /not inferred/);
  assert.deepEqual(validateResult(result), []);
});

test('what passing tests measured reaches their requirement, and conformance.md/.html show it', async () => {
  const proof = 'a refresh token 38 s old (created when the run started) still gave a new access token';
  const tests = [record(['A-ONE'], { proofs: [proof] }), record(['A-ONE']), record(['A-TWO'], { status: 'failed', error: 'x', proofs: ['not proved: it failed'] }), record(['B-SOFT'])];
  const result = aggregate(catalogue, tests, context());
  assert.deepEqual(statusOf(result, 'A-ONE').proofs, [proof]);
  assert.equal(statusOf(result, 'A-TWO').proofs, undefined, "a failed test's proofs are not kept");
  assert.equal(statusOf(result, 'B-SOFT').proofs, undefined, 'none recorded: no field');
  assert.deepEqual(validateResult(result), []);
  const { renderMarkdown } = await import('./markdown.ts');
  const { renderHtml } = await import('./html.ts');
  assert.match(renderMarkdown(result), /\| `A-ONE` \| ✅ passed \| a refresh token 38 s old/);
  assert.match(renderHtml(result), /<div class="meta proof">Measured: a refresh token 38 s old/);
});

test('fuzz findings: the curl line of a warning becomes the finding\'s `curl`; the figures land in `fuzz`; the schema takes both', async () => {
  const { renderMarkdown } = await import('./markdown.ts');
  const { renderHtml } = await import('./html.ts');
  const curl = `curl -sS -i -X POST 'http://127.0.0.1:9497/0.1/token' -H $'Authorization: Basic \\xe4\\xb8\\xad' -H 'Content-Type: application/json' --data-binary '{}'`;
  const figures = { seed: 7, requests: 300, shrinkRequests: 12, housekeepingRequests: 20, durationMs: 4000, findings: 1, stoppedBy: 'count' };
  const result = aggregate(
    catalogue,
    [record(['B-SOFT'], { severity: 'should', warnings: [`B-SOFT: POST /token (createToken): answered 500; 2 request(s): Basic with raw UTF-8 bytes\nreproduce: ${curl}`], fuzz: figures })],
    context(),
  );
  const finding = statusOf(result, 'B-SOFT').findings[0]!;
  assert.equal(statusOf(result, 'B-SOFT').status, 'warning');
  assert.equal(finding.curl, curl);
  assert.ok(!finding.message.includes('reproduce:'));
  assert.deepEqual(result.fuzz, figures);
  assert.deepEqual(validateResult(result), []);
  assert.ok(renderMarkdown(result).includes(curl), 'the markdown shows the curl line');
  assert.ok(renderMarkdown(result).includes('Seed 7'), 'and the seed');
  assert.ok(renderHtml(result, catalogue.areas).includes('pre class="curl"'), 'the HTML too');
  // Without the phase, no `fuzz` section.
  assert.equal(aggregate(catalogue, [record(['A-ONE'])], context()).fuzz, undefined);
});

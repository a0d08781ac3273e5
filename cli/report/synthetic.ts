/**
 * Synthetic Playwright results for the reporter's tests: test records built by hand, and one whole run
 * over the real catalogue with every status represented. Test helper only; the reporter never uses it.
 */
import type { Catalogue } from '../../spec/requirements.ts';
import { aggregate, type RunContext } from './aggregate.ts';
import type { ConformanceResult, TestRecord } from './model.ts';

/** A passing test record for the given requirements; override any field. */
export function record(requirements: string[], overrides: Partial<TestRecord> = {}): TestRecord {
  return {
    title: `checks ${requirements.join(' and ')}`,
    file: 'suites/synthetic.spec.ts',
    line: 1,
    project: 'api',
    status: 'passed',
    flaky: false,
    durationMs: 12,
    requirements,
    warnings: [],
    evidence: [],
    specViolations: [],
    cleanupProblems: [],
    ...overrides,
  };
}

/** A run context with neutral defaults; override any field. */
export function context(overrides: Partial<RunContext> = {}): RunContext {
  return {
    kitVersion: '0.0.0-test',
    specVersion: '0.1.0',
    target: { url: 'http://127.0.0.1:9497/0.1', embeddedMock: false },
    startedAt: new Date('2026-01-01T10:00:00Z'),
    finishedAt: new Date('2026-01-01T10:00:21Z'),
    strict: false,
    grep: null,
    expectFailuresFile: null,
    expected: new Map(),
    runStatus: 'passed',
    runErrors: [],
    ...overrides,
  };
}

/** Evidence of a broken answer, as the suite attaches it. */
export const BROKEN_EVIDENCE = {
  request: 'POST /0.1/token',
  status: 200,
  body: '{"data": {"token": "…1f2e3d4c", "expires_at": "2026-01-01T12:00:00"}}',
  schemaError: 'createToken (POST /token) 200: body /data must have required property \'utc_expires_at\'',
};

/** Which requirement of the real catalogue gets which status in {@link syntheticRun}. */
export interface SyntheticPlan {
  failed: string;
  warning: string;
  skipped: string;
  noTest: string;
  expectedFailure: string;
  expectedNowPasses: string;
}

/** Picks requirements of the catalogue for each status (musts for failures, a should for the warning). */
export function plan(catalogue: Catalogue): SyntheticPlan {
  const musts = catalogue.requirements.filter((r) => r.severity === 'must').map((r) => r.id);
  const should = catalogue.requirements.find((r) => r.severity === 'should')!.id;
  return { failed: musts[0]!, warning: should, skipped: musts[1]!, noTest: musts[2]!, expectedFailure: musts[3]!, expectedNowPasses: musts[4]! };
}

/** A whole run over the catalogue: one test per requirement, with every status represented once. */
export function syntheticRun(catalogue: Catalogue, overrides: Partial<RunContext> = {}): { tests: TestRecord[]; result: ConformanceResult; plan: SyntheticPlan } {
  const p = plan(catalogue);
  const tests: TestRecord[] = [];
  for (const [i, r] of catalogue.requirements.entries()) {
    if (r.id === p.noTest) continue;
    const base = { title: `${r.area} › rule ${i + 1}`, file: `suites/${r.area}.spec.ts`, line: i + 10, severity: r.severity };
    if (r.id === p.failed || r.id === p.expectedFailure) {
      tests.push(record([r.id], { ...base, status: 'failed', error: 'expect(received).toBe(expected)\n\nExpected: 400\nReceived: 200', evidence: [BROKEN_EVIDENCE] }));
    } else if (r.id === p.warning) {
      tests.push(record([r.id], { ...base, warnings: [`${r.id}: the server answered 500 where 401 is better`], evidence: [{ request: 'POST /0.1/token', status: 500 }] }));
    } else if (r.id === p.skipped) {
      tests.push(record([r.id], { ...base, status: 'skipped', skipReason: 'needs admin credentials (WAZO_ADMIN_USERNAME/WAZO_ADMIN_PASSWORD)' }));
    } else {
      tests.push(record([r.id], base));
    }
  }
  const expected = new Map([
    [p.expectedFailure, 'known defect of this host'],
    [p.expectedNowPasses, 'fixed upstream since'],
  ]);
  const result = aggregate(catalogue, tests, context({ expected, expectFailuresFile: 'expected-failures.yaml', ...overrides }));
  return { tests, result, plan: p };
}

/**
 * Turns the tests of one run into one result per requirement of the catalogue, and the gate's verdict.
 * Pure: the reporter feeds it Playwright's results, the unit tests feed it synthetic ones.
 */
import { loadReleases, type ReleaseTable } from '../../spec/releases.ts';
import type { Catalogue, Requirement } from '../../spec/requirements.ts';
import type { ExpectedFailures } from '../expected-failures.ts';
import type { ConformanceResult, Finding, Gate, ReleaseResult, RequirementResult, Summary, TestRecord } from './model.ts';
import { sdkCompatibility } from './sdk-compat.ts';

/** Everything {@link aggregate} needs besides the catalogue and the tests. */
export interface RunContext {
  kitVersion: string;
  specVersion: string;
  target: { url: string | null; embeddedMock: boolean };
  startedAt: Date;
  finishedAt: Date;
  strict: boolean;
  grep: string | null;
  expectFailuresFile: string | null;
  expected: ExpectedFailures;
  /** Playwright's overall status. */
  runStatus: ConformanceResult['run']['status'];
  /** Errors outside tests (global setup, worker crash, reporter problems), already redacted. */
  runErrors: string[];
  /** The installed @wazo/sdk's version, for the compatibility line; default null (unknown). */
  sdkVersion?: string | null;
  /** The wazo-auth release given with --wazo-version (WAZO_VERSION); default null: inferred. */
  wazoVersion?: string | null;
}

const NOT_RUN = new Set(['skipped', 'interrupted']);

/**
 * The requirement every answer is checked against (suites/api.ts checks each response with the
 * loader and annotates a contradiction as `spec-violation`, whatever the test is about).
 */
export const SPEC_REQUIREMENT = 'SPEC-RESPONSES-CONFORM';
const FAILED = new Set(['failed', 'timedOut']);

/**
 * Which of a test's requirements a message is about: those it names, or all of them when it names none.
 * A test checking two rules can say which one broke by putting its ID in the message.
 */
function concerned(test: TestRecord, message: string): string[] {
  const named = test.requirements.filter((id) => message.includes(id));
  return named.length > 0 ? named : test.requirements;
}

function judge(requirement: Requirement, tests: TestRecord[], grep: string | null, violations: Finding[]): Pick<RequirementResult, 'status' | 'reason' | 'findings'> {
  if (tests.length === 0 && violations.length === 0) {
    return { status: 'skipped', reason: grep ? `no test selected by --grep "${grep}"` : 'no test', findings: [] };
  }
  const failures: Finding[] = [];
  const warnings: Finding[] = [];
  for (const t of tests) {
    if (FAILED.has(t.status)) {
      const message = t.error ?? (t.status === 'timedOut' ? 'test timed out' : 'test failed');
      if (concerned(t, message).includes(requirement.id)) failures.push({ kind: 'failure', test: t.title, message, evidence: t.evidence });
    }
    if (NOT_RUN.has(t.status)) continue;
    for (const w of t.warnings) {
      if (concerned(t, w).includes(requirement.id)) warnings.push({ kind: 'warning', test: t.title, ...splitCurl(w), evidence: t.evidence });
    }
    if (t.flaky) warnings.push({ kind: 'warning', test: t.title, message: 'passed only on retry (flaky)', evidence: [] });
  }
  failures.push(...violations);
  if (failures.length > 0) return { status: 'failed', findings: [...failures, ...warnings] };
  if (warnings.length > 0) return { status: 'warning', findings: warnings };
  if (tests.some((t) => !NOT_RUN.has(t.status))) return { status: 'passed', findings: [] };
  const reasons = [...new Set(tests.map((t) => (t.status === 'interrupted' ? 'interrupted' : (t.skipReason ?? 'skipped'))))];
  return { status: 'skipped', reason: reasons.join('; '), findings: [] };
}

/** What the passing tests of a requirement measured (their `proof` annotations), when they recorded any. */
function proofsOf(tests: TestRecord[]): Pick<RequirementResult, 'proofs'> {
  const proofs = [...new Set(tests.filter((t) => t.status === 'passed').flatMap((t) => t.proofs ?? []))];
  return proofs.length > 0 ? { proofs } : {};
}

/** A warning's `reproduce: curl ...` line (fuzz findings, suites/robustness.spec.ts) taken out as `curl`. */
export function splitCurl(message: string): { message: string; curl?: string } {
  const at = message.lastIndexOf('\nreproduce: curl ');
  if (at < 0) return { message };
  return { message: message.slice(0, at), curl: message.slice(at + '\nreproduce: '.length).trim() };
}

/** One result per catalogue requirement, in catalogue order. */
export function judgeRequirements(catalogue: Catalogue, tests: TestRecord[], expected: ExpectedFailures, grep: string | null): RequirementResult[] {
  // A spec violation found by any test is a failure of SPEC_REQUIREMENT, besides failing that test's own.
  const violating = tests.filter((t) => t.specViolations.length > 0 && !t.requirements.includes(SPEC_REQUIREMENT));
  const violations: Finding[] = violating.map((t) => ({
    kind: 'failure',
    test: t.title,
    message: t.specViolations.join('\n'),
    evidence: t.evidence.filter((e) => e.schemaError !== undefined),
  }));
  return catalogue.requirements.map((requirement) => {
    const own = tests.filter((t) => t.requirements.includes(requirement.id));
    // The tests that found a violation are behind SPEC_REQUIREMENT's verdict too.
    const behind = requirement.id === SPEC_REQUIREMENT ? [...own, ...violating] : own;
    let { status, reason, findings } = judge(requirement, own, grep, requirement.id === SPEC_REQUIREMENT ? violations : []);
    let expectedFailure: RequirementResult['expectedFailure'];
    const why = expected.get(requirement.id);
    if (why !== undefined) {
      expectedFailure = { reason: why, nowPasses: status === 'passed' };
      if (status === 'failed' || status === 'warning') [status, reason] = ['expected-failure', why];
    }
    return {
      id: requirement.id,
      title: requirement.title,
      area: requirement.area,
      severity: requirement.severity,
      source: requirement.source,
      status,
      ...(reason !== undefined ? { reason } : {}),
      ...(expectedFailure ? { expectedFailure } : {}),
      tests: behind.map((t) => ({ title: t.title, file: t.file, line: t.line, project: t.project, status: t.status, durationMs: t.durationMs })),
      findings,
      ...proofsOf(own),
    };
  });
}

/**
 * Which release the host behaves like, from every release-dependent observation of the run
 * (spec/releases.yaml, suites/releases.ts).
 */
export function judgeRelease(tests: TestRecord[], given: string | null, table: ReleaseTable = loadReleases()): ReleaseResult {
  const ran = tests.filter((t) => !NOT_RUN.has(t.status));
  const observations = ran.flatMap((t) => (t.observations ?? []).map((o) => ({ ...o, test: t.title })));
  const verdict = table.infer(observations, given);
  const entry = (o: (typeof observations)[number]) => ({
    behaviour: o.behaviour,
    present: o.present,
    holdsIn: table.rangeLabel(o.behaviour, o.present),
    test: o.test,
    ...(o.detail ? { detail: o.detail } : {}),
  });
  const contradictions = verdict.contradictions.map((o) => ({ behaviour: o.behaviour, present: o.present, holdsIn: o.holdsIn, test: o.test ?? '' }));
  let status: ReleaseResult['status'];
  let summary: string;
  if (given) {
    status = verdict.candidates.length > 0 ? 'consistent' : 'differs';
    summary =
      status === 'consistent'
        ? `judged as wazo-auth ${given} (given)${observations.length ? '; its release-dependent answers agree' : ''}`
        : `judged as wazo-auth ${given} (given), but ${new Set(contradictions.map((c) => c.behaviour)).size} release-dependent behaviour(s) differ: ${describeSpan(table, contradictions)}`;
  } else if (observations.length === 0) {
    status = 'not-observed';
    summary = `release not inferred: no release-dependent behaviour was met; judged against any supported release (${table.label(table.releases)})`;
  } else if (verdict.candidates.length > 0) {
    status = 'consistent';
    summary = `behaves like wazo-auth ${verdict.label}`;
  } else {
    status = 'contradictory';
    summary = `behaves like no supported wazo-auth release: ${contradictions.map((c) => `${c.behaviour} ${c.present ? 'present' : 'absent'} (${c.holdsIn})`).join(' vs ')}`;
  }
  return { given, status, candidates: verdict.candidates, summary, observations: observations.map(entry), contradictions };
}

/** Where the host's answers put it, behaviour by behaviour: `sessions-revoked-header absent (24.01 – 26.05)`. */
function describeSpan(table: ReleaseTable, observations: { behaviour: string; present: boolean }[]): string {
  const seen = new Map<string, boolean>();
  for (const o of observations) seen.set(o.behaviour, o.present);
  return [...seen].map(([b, present]) => `${b} ${present ? 'present' : 'absent'} (like ${table.rangeLabel(b, present)})`).join('; ');
}

/**
 * Adds the release to each release-dependent requirement, and fails those whose behaviour contradicts
 * the given release or the host's other answers (a test only fails by itself when a release was given).
 */
export function applyRelease(results: RequirementResult[], catalogue: Catalogue, release: ReleaseResult, table: ReleaseTable = loadReleases()): RequirementResult[] {
  const judgedWith = release.given ?? (release.candidates.length > 0 ? table.label(release.candidates) : release.status === 'not-observed' ? table.label(table.releases) : 'no supported release');
  return results.map((r) => {
    const behaviour = catalogue.get(r.id).behaviour;
    if (!behaviour) return r;
    const out: RequirementResult = { ...r, releases: { behaviour, holdsIn: table.rangeLabel(behaviour), judgedWith } };
    const against = release.contradictions.filter((c) => c.behaviour === behaviour);
    if (against.length === 0 || r.status === 'failed' || r.status === 'expected-failure') return out;
    const others = release.contradictions.filter((c) => c.behaviour !== behaviour);
    const findings: Finding[] = against.map((c) => ({
      kind: 'failure',
      test: c.test,
      message: release.given
        ? `${r.id}: the host ${c.present ? 'shows' : 'lacks'} ${behaviour}, like wazo-auth ${c.holdsIn}; wazo-auth ${release.given} (given) ${c.present ? 'lacks' : 'shows'} it`
        : `${r.id}: the host ${c.present ? 'shows' : 'lacks'} ${behaviour}, like wazo-auth ${c.holdsIn}, but its other answers say ${others.map((o) => `${o.holdsIn} (${o.behaviour})`).join(', ') || 'otherwise'}: no supported release answers both ways`,
      evidence: [],
    }));
    return { ...out, status: r.severity === 'must' ? 'failed' : 'warning', reason: undefined, findings: [...findings, ...r.findings] } as RequirementResult;
  });
}

/** Counts by status. */
export function summarise(results: RequirementResult[], tests: TestRecord[]): Summary {
  const count = (s: RequirementResult['status']) => results.filter((r) => r.status === s).length;
  return {
    requirements: results.length,
    passed: count('passed'),
    failed: count('failed'),
    warning: count('warning'),
    skipped: count('skipped'),
    expectedFailure: count('expected-failure'),
    noTest: results.filter((r) => r.status === 'skipped' && r.tests.length === 0).length,
    expectedFailureNowPasses: results.filter((r) => r.expectedFailure?.nowPasses).length,
    mustFailed: results.filter((r) => r.status === 'failed' && r.severity === 'must').length,
    tests: tests.length,
  };
}

const list = (ids: string[], max = 5) => (ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The verdict: 0 every `must` passed (skips allowed); 1 a `must` failed, a run error, or under strict a
 * `should` failed, a warning or an expected failure that now passes; 2 nothing could run; 130 interrupted.
 */
export function decideGate(results: RequirementResult[], tests: TestRecord[], ctx: Pick<RunContext, 'strict' | 'grep' | 'runStatus' | 'runErrors'>): Gate {
  const ran = tests.filter((t) => !NOT_RUN.has(t.status));
  if (ctx.runStatus === 'interrupted') {
    return { exitCode: 130, verdict: 'interrupted', reason: `interrupted after ${plural(ran.length, 'test')} of ${tests.length}; no verdict` };
  }
  // Playwright reports an empty selection as the error "No tests found": say what the grep matches.
  if (tests.length === 0 && ctx.grep) {
    return { exitCode: 2, verdict: 'error', reason: `--grep "${ctx.grep}" selects no test; grep matches test titles and requirement IDs` };
  }
  if (ran.length === 0 && ctx.runErrors.length > 0) {
    return { exitCode: 2, verdict: 'error', reason: `the suite could not run: ${ctx.runErrors[0]!.split('\n')[0]}` };
  }
  if (tests.length === 0) {
    return {
      exitCode: 2,
      verdict: 'error',
      reason: 'the suite holds no test',
    };
  }
  const mustFailed = results.filter((r) => r.status === 'failed' && r.severity === 'must').map((r) => r.id);
  if (mustFailed.length > 0) {
    return { exitCode: 1, verdict: 'fail', reason: `${plural(mustFailed.length, 'must requirement')} failed: ${list(mustFailed)}` };
  }
  if (ctx.runErrors.length > 0) {
    return { exitCode: 1, verdict: 'fail', reason: `run error: ${ctx.runErrors[0]!.split('\n')[0]}` };
  }
  if (ctx.runStatus === 'timedout') {
    return { exitCode: 1, verdict: 'fail', reason: 'the run hit its global timeout' };
  }
  if (ctx.strict) {
    const loose = results
      .filter((r) => r.status === 'failed' || r.status === 'warning' || r.expectedFailure?.nowPasses)
      .map((r) => (r.expectedFailure?.nowPasses ? `${r.id} (expected to fail, passes)` : r.id));
    if (loose.length > 0) return { exitCode: 1, verdict: 'fail', reason: `--strict: ${plural(loose.length, 'should requirement')} not met: ${list(loose)}` };
  }
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const expected = results.filter((r) => r.status === 'expected-failure').length;
  const extras = [skipped ? `${skipped} skipped` : '', expected ? `${plural(expected, 'expected failure')}` : ''].filter(Boolean);
  return { exitCode: 0, verdict: 'pass', reason: `every must requirement that ran passed${extras.length ? ` (${extras.join(', ')})` : ''}` };
}

/** Builds conformance.json's content. */
export function aggregate(catalogue: Catalogue, tests: TestRecord[], ctx: RunContext): ConformanceResult {
  const unknownRequirements = [...new Set(tests.flatMap((t) => t.requirements))].filter((id) => !catalogue.has(id)).sort();
  const runErrors = [...ctx.runErrors];
  if (unknownRequirements.length > 0) {
    runErrors.push(`tests carry requirement IDs missing from spec/requirements.yaml: ${unknownRequirements.join(', ')}`);
  }
  const release = judgeRelease(tests, ctx.wazoVersion ?? null);
  const requirements = applyRelease(judgeRequirements(catalogue, tests, ctx.expected, ctx.grep), catalogue, release);
  const sdk = sdkCompatibility(requirements, ctx.sdkVersion ?? null, tests.find((t) => t.sdkRelay)?.sdkRelay);
  const fuzz = tests.find((t) => t.fuzz && t.status !== 'skipped')?.fuzz;
  return {
    format: 'wazo-auth-kit/conformance-result@1',
    kit: { name: 'wazo-auth-kit', version: ctx.kitVersion },
    spec: { version: ctx.specVersion, catalogueSize: catalogue.requirements.length },
    target: ctx.target,
    startedAt: ctx.startedAt.toISOString(),
    finishedAt: ctx.finishedAt.toISOString(),
    durationMs: Math.max(0, ctx.finishedAt.getTime() - ctx.startedAt.getTime()),
    options: { strict: ctx.strict, grep: ctx.grep, expectFailuresFile: ctx.expectFailuresFile },
    run: { status: ctx.runStatus, errors: runErrors, cleanupProblems: [...new Set(tests.flatMap((t) => t.cleanupProblems))] },
    gate: decideGate(requirements, tests, { ...ctx, runErrors }),
    summary: summarise(requirements, tests),
    requirements,
    unknownRequirements,
    ...(sdk ? { sdk } : {}),
    release,
    ...(fuzz ? { fuzz } : {}),
  };
}

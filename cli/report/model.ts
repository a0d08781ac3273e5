/**
 * The data behind every report: what the reporter collects from Playwright (test records) and what it
 * writes as conformance.json (the result). spec/conformance-result.schema.json describes the latter for
 * other tools; `schema.ts` checks each written file against it, so the two cannot drift apart.
 */
import type { Observation } from '../../spec/releases.ts';
import type { Severity } from '../../spec/requirements.ts';

/** What one request of a test looked like, as the suite attached it (already redacted). */
export interface Evidence {
  /** Request line, e.g. `POST /0.1/token`. */
  request?: string;
  /** null when no answer came (connection refused, timeout). */
  status?: number | null;
  /** A short excerpt of the response body. */
  body?: string;
  /** The spec violation, when the response contradicted spec/wazo-auth.yaml. */
  schemaError?: string;
  /** Anything else the suite attached (expected value, header...), kept as is. */
  [key: string]: unknown;
}

/** Final status of one test (Playwright's `TestResult.status`). */
export type TestStatus = 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';

/** One Playwright test as the reports need it; built by the reporter, synthesised by unit tests. */
export interface TestRecord {
  /** Title path below the file, joined with ` › `. */
  title: string;
  /** Spec file relative to the repository, e.g. `suites/tokens.spec.ts`. */
  file: string;
  line: number;
  project: string;
  status: TestStatus;
  /** Passed only after a retry. */
  flaky: boolean;
  durationMs: number;
  requirements: string[];
  /** Severity annotation of the test, when it has one. */
  severity?: Severity;
  warnings: string[];
  skipReason?: string;
  /** First error message (redacted, shortened) when the test failed. */
  error?: string;
  evidence: Evidence[];
  /** Answers that contradicted spec/wazo-auth.yaml (the suite's `spec-violation` annotations). */
  specViolations: string[];
  /** What the test created and its teardown could not remove (the suite's `cleanup` annotations). */
  cleanupProblems: string[];
  /** Release-dependent behaviours the test saw the host show or lack (suites/releases.ts). */
  observations?: Observation[];
  /** What the test measured, one sentence each (the suite's `proof` annotations). */
  proofs?: string[];
  /** How the @wazo/sdk profile reached the target when it went through the kit's TLS relay (`sdk-relay` annotation). */
  sdkRelay?: string;
  /** The fuzz phase's figures, on the test that reports them (suites/robustness.spec.ts). */
  fuzz?: FuzzFigures;
}

/** What the fuzz phase did (`wazo-auth-kit test --fuzz`): the seed to replay it, requests, findings. */
export interface FuzzFigures {
  seed: number;
  /** Generated requests sent. */
  requests: number;
  shrinkRequests: number;
  housekeepingRequests: number;
  durationMs: number;
  /** Deduplicated findings (by requirement, kind, operation and status). */
  findings: number;
  stoppedBy: string;
}

/** Status of one requirement in a run. */
export type RequirementStatus = 'passed' | 'failed' | 'skipped' | 'warning' | 'expected-failure';

/** A failure or warning behind a requirement, with what the server answered. */
export interface Finding {
  kind: 'failure' | 'warning';
  test: string;
  message: string;
  evidence: Evidence[];
  /** A curl command that reproduces it (fuzz findings), credentials as shell variables. */
  curl?: string;
}

/** One requirement of the catalogue and what the run found. */
export interface RequirementResult {
  id: string;
  title: string;
  area: string;
  severity: Severity;
  source: string;
  status: RequirementStatus;
  /** Why it was skipped ("no test", the skip reason), or why a failure is expected. */
  reason?: string;
  /** Set when the requirement is listed in the expected-failures file. */
  expectedFailure?: {
    reason: string;
    /** true when the requirement passed after all: the entry can be removed from the file. */
    nowPasses: boolean;
  };
  tests: { title: string; file: string; line: number; project: string; status: TestStatus; durationMs: number }[];
  findings: Finding[];
  /** What the passing tests measured (e.g. the age of a refresh token that still worked); absent when nothing. */
  proofs?: string[];
  /** For a rule that depends on the release (spec/releases.yaml): where it holds, and what it was judged with. */
  releases?: {
    behaviour: string;
    /** Releases where the behaviour holds, e.g. `26.05 – master`. */
    holdsIn: string;
    /** The release given, or the releases inferred for the host, e.g. `26.05 – master`. */
    judgedWith: string;
  };
}

/** The wazo-auth release a run judged the host as: given (`--wazo-version`) or inferred from its answers. */
export interface ReleaseResult {
  /** The release given, or null. */
  given: string | null;
  /** given: the host agrees with it, or not; inferred: one or more releases fit, none does, or nothing was observed. */
  status: 'consistent' | 'differs' | 'contradictory' | 'not-observed';
  /** Releases consistent with every observation (the given one, when it is), oldest first. */
  candidates: string[];
  /** One line for people, e.g. `behaves like wazo-auth 26.05 – master`. */
  summary: string;
  /** What the host was seen doing, one entry per behaviour and test. */
  observations: { behaviour: string; present: boolean; holdsIn: string; test: string; detail?: string }[];
  /** Observations that disagree with the given release or with each other. */
  contradictions: { behaviour: string; present: boolean; holdsIn: string; test: string }[];
}

/** The gate's verdict: the exit status of `wazo-auth-kit test` and why. */
export interface Gate {
  exitCode: 0 | 1 | 2 | 130;
  verdict: 'pass' | 'fail' | 'error' | 'interrupted';
  reason: string;
}

/** Counts by status, over the catalogue. */
export interface Summary {
  requirements: number;
  passed: number;
  failed: number;
  warning: number;
  skipped: number;
  expectedFailure: number;
  /** Skipped because no test of this run carries the requirement. */
  noTest: number;
  /** Listed as expected failures but passed. */
  expectedFailureNowPasses: number;
  /** Failed requirements of severity must (expected failures excluded). */
  mustFailed: number;
  tests: number;
}

/** The @wazo/sdk compatibility profile (requirements of area `sdk`) summed up; see sdk-compat.ts. */
export interface SdkCompatibility {
  package: string;
  /** The installed (pinned) version the profile drove; null when it could not be read. */
  version: string | null;
  status: 'compatible' | 'incompatible' | 'partial' | 'not-checked';
  /** One line for people, e.g. `compatible with @wazo/sdk 0.44.7`. */
  summary: string;
  /** Requirements of the profile, how many passed, and those that failed (or are expected to). */
  requirements: number;
  passed: number;
  failed: string[];
  /** Set when the SDK reached the target through the kit's TLS relay (suites/sdk-relay.ts): how. */
  relay?: string;
}

/** Content of conformance.json. */
export interface ConformanceResult {
  format: 'wazo-auth-kit/conformance-result@1';
  kit: { name: string; version: string };
  spec: { version: string; catalogueSize: number };
  target: { url: string | null; embeddedMock: boolean };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  options: { strict: boolean; grep: string | null; expectFailuresFile: string | null };
  run: {
    status: 'passed' | 'failed' | 'interrupted' | 'timedout';
    errors: string[];
    /** Things the suite created on the target and could not remove (not a conformance finding). */
    cleanupProblems: string[];
  };
  gate: Gate;
  summary: Summary;
  requirements: RequirementResult[];
  /** Requirement IDs that tests carry but the catalogue lacks (a suite bug, reported as a run error). */
  unknownRequirements: string[];
  /** Absent when the catalogue has no `sdk` area. */
  sdk?: SdkCompatibility;
  /** The wazo-auth release the host was judged as. */
  release: ReleaseResult;
  /** Present when the fuzz phase ran (`--fuzz`). */
  fuzz?: FuzzFigures;
}

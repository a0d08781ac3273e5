/**
 * Requirement annotations. Every test declares the catalogue IDs it checks with `covers(...)`:
 *
 *   test('a wrong password gets 401', covers('AUTH-WRONG-PASSWORD-401'), async ({ api }) => { ... });
 *
 * which gives the test one `requirement` annotation per ID, one `severity` annotation (taken from
 * spec/requirements.yaml, never restated here) and a tag per ID, so `--grep @AUTH-` selects them.
 * A test covers requirements of one severity only: a `should` test reports its failure as a warning
 * (see `should` in fixtures.ts) while a `must` test fails, and one test cannot do both.
 */
import { loadRequirements, type Severity } from '../spec/requirements.ts';

/** Annotation types the suite writes; a reporter reads them back. */
export const ANNOTATION = {
  requirement: 'requirement',
  severity: 'severity',
  /** A `should` requirement that the target does not meet (the test still passes). */
  warning: 'warning',
  /** An answer that contradicts spec/wazo-auth.yaml (requirement SPEC-RESPONSES-CONFORM). */
  specViolation: 'spec-violation',
  /** What a passing test measured, in one sentence (e.g. the age of a refresh token that still worked). */
  proof: 'proof',
  /** The @wazo/sdk profile reached the target through the kit's TLS relay (sdk-relay.ts): how. */
  sdkRelay: 'sdk-relay',
  /** Something the test created that its teardown could not remove. */
  cleanup: 'cleanup',
  /** A release-dependent behaviour the host showed or lacked: JSON {behaviour, present, detail} (suites/releases.ts). */
  release: 'release-behaviour',
  /** The fuzz phase's figures: JSON {seed, requests, findings, durationMs, ...} (suites/robustness.spec.ts). */
  fuzz: 'fuzz',
} as const;

/** The `details` argument of `test(title, details, body)` for the given requirement IDs. */
export function covers(...ids: string[]): { annotation: { type: string; description: string }[]; tag: string[] } {
  if (ids.length === 0) throw new Error('covers() needs at least one requirement ID');
  const catalogue = loadRequirements();
  const severities = new Set<Severity>(ids.map((id) => catalogue.get(id).severity));
  if (severities.size > 1) throw new Error(`covers(${ids.join(', ')}): mixes must and should requirements; split the test`);
  const [severity] = [...severities] as [Severity];
  return {
    annotation: [
      ...ids.map((id) => ({ type: ANNOTATION.requirement, description: id })),
      { type: ANNOTATION.severity, description: severity },
    ],
    tag: ids.map((id) => `@${id}`),
  };
}

/** The severity a test declared through `covers`, if any. */
export function declaredSeverity(annotations: readonly { type: string; description?: string }[]): Severity | undefined {
  const found = annotations.find((a) => a.type === ANNOTATION.severity)?.description;
  return found === 'must' || found === 'should' ? found : undefined;
}

/** The requirement IDs a test declared through `covers`. */
export function declaredRequirements(annotations: readonly { type: string; description?: string }[]): string[] {
  return annotations.filter((a) => a.type === ANNOTATION.requirement && a.description).map((a) => a.description!);
}

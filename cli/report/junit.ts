/**
 * junit.xml: one <testcase> per test, named with its requirement IDs and carrying them as properties,
 * for CI systems that read JUnit. A test whose every requirement is an expected failure is reported
 * as skipped with the file's reason, so the CI view agrees with the gate.
 */
import type { ConformanceResult, TestRecord } from './model.ts';
import { findingLine } from './markdown.ts';

/** Escapes text for XML content and attributes, dropping characters XML 1.0 forbids. */
export function xml(value: unknown): string {
  return (
    String(value)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
  );
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

/** Renders junit.xml from the test records and the requirement results built from them. */
export function renderJunit(tests: TestRecord[], result: ConformanceResult): string {
  const byId = new Map(result.requirements.map((r) => [r.id, r]));
  const files = [...new Set(tests.map((t) => t.file))];
  const suites: string[] = [];
  let total = { tests: 0, failures: 0, skipped: 0, time: 0 };
  for (const file of files) {
    const cases: string[] = [];
    const counts = { tests: 0, failures: 0, skipped: 0, time: 0 };
    for (const t of tests.filter((x) => x.file === file)) {
      counts.tests++;
      counts.time += t.durationMs;
      const ids = t.requirements.length ? `[${t.requirements.join(', ')}] ` : '';
      const props = [
        ...t.requirements.map((id) => ['requirement', id]),
        ['severity', t.severity ?? byId.get(t.requirements[0] ?? '')?.severity ?? ''],
        ['project', t.project],
        ...t.warnings.map((w) => ['warning', w]),
      ]
        .filter(([, v]) => v !== '')
        .map(([n, v]) => `<property name="${xml(n)}" value="${xml(v)}"/>`)
        .join('');
      let outcome = '';
      const failed = t.status === 'failed' || t.status === 'timedOut';
      const expected = t.requirements.length > 0 && t.requirements.every((id) => byId.get(id)?.status === 'expected-failure');
      if (failed && expected) {
        counts.skipped++;
        const reasons = [...new Set(t.requirements.map((id) => byId.get(id)?.expectedFailure?.reason ?? ''))].join('; ');
        outcome = `<skipped message="${xml(`expected failure: ${reasons}`)}"/>`;
      } else if (failed) {
        counts.failures++;
        const finding = t.requirements.map((id) => byId.get(id)?.findings.find((f) => f.test === t.title && f.kind === 'failure')).find(Boolean);
        const message = t.error ?? (t.status === 'timedOut' ? 'test timed out' : 'test failed');
        const body = [
          `${ids}${message}`,
          ...t.evidence.slice(-3).map((e) => JSON.stringify(e, null, 2)),
        ].join('\n\n');
        outcome = `<failure message="${xml(finding ? findingLine(finding) : message)}" type="${xml(t.requirements.join(' ') || 'failure')}">${xml(body)}</failure>`;
      } else if (t.status === 'skipped' || t.status === 'interrupted') {
        counts.skipped++;
        outcome = `<skipped message="${xml(t.status === 'interrupted' ? 'interrupted' : (t.skipReason ?? 'skipped'))}"/>`;
      }
      cases.push(
        `    <testcase name="${xml(ids + t.title)}" classname="${xml(file)}" time="${secs(t.durationMs)}" file="${xml(file)}" line="${t.line}">\n      <properties>${props}</properties>${outcome ? `\n      ${outcome}` : ''}\n    </testcase>`,
      );
    }
    total = { tests: total.tests + counts.tests, failures: total.failures + counts.failures, skipped: total.skipped + counts.skipped, time: total.time + counts.time };
    suites.push(
      `  <testsuite name="${xml(file)}" tests="${counts.tests}" failures="${counts.failures}" errors="0" skipped="${counts.skipped}" time="${secs(counts.time)}" timestamp="${xml(result.startedAt)}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  const errors = result.run.errors.length;
  const errorSuite = errors
    ? `\n  <testsuite name="run" tests="${errors}" failures="0" errors="${errors}" skipped="0" time="0">\n${result.run.errors.map((e, i) => `    <testcase name="run error ${i + 1}" classname="run"><error message="${xml(e.split('\n')[0])}">${xml(e)}</error></testcase>`).join('\n')}\n  </testsuite>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="wazo-auth-kit conformance ${xml(result.target.url ?? '')}" tests="${total.tests + errors}" failures="${total.failures}" errors="${errors}" skipped="${total.skipped}" time="${secs(result.durationMs)}">
${suites.join('\n')}${errorSuite}
</testsuites>
`;
}

/**
 * conformance.md: the run in a few tables, sized for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY).
 */
import type { ConformanceResult, Finding, RequirementResult, RequirementStatus, SdkCompatibility } from './model.ts';

const ICON: Record<RequirementStatus, string> = {
  passed: '✅',
  failed: '❌',
  warning: '⚠️',
  skipped: '⏭️',
  'expected-failure': '🔶',
};

const VERDICT: Record<ConformanceResult['gate']['verdict'], string> = {
  pass: '✅ PASS',
  fail: '❌ FAIL',
  error: '⛔ ERROR',
  interrupted: '⏹️ INTERRUPTED',
};

/** A table cell: one line, pipes escaped, bounded length. */
export function cell(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const short = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return short.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

/** One line describing the evidence of a finding: `POST /0.1/token → 200: message`. */
export function findingLine(f: Finding): string {
  const e = f.evidence.at(-1);
  const exchange = e?.request ? `${e.request}${e.status !== undefined && e.status !== null ? ` → ${e.status}` : ''}` : '';
  const message = f.message.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  const schema = e?.schemaError && !message.includes(e.schemaError) ? ` (spec: ${e.schemaError})` : '';
  return [exchange, message].filter(Boolean).join(': ') + schema;
}

/** How each @wazo/sdk compatibility status is flagged. */
export const SDK_ICON: Record<SdkCompatibility['status'], string> = { compatible: '✅', incompatible: '❌', partial: '⚠️', 'not-checked': '⏭️' };

/** How each release verdict is flagged. */
const RELEASE_ICON: Record<ConformanceResult['release']['status'], string> = { consistent: '🏷️', differs: '❌', contradictory: '❌', 'not-observed': '❔' };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Renders conformance.md. */
export function renderMarkdown(result: ConformanceResult): string {
  const s = result.summary;
  const out: string[] = [];
  out.push(`## wazo-auth conformance: ${VERDICT[result.gate.verdict]}`, '');
  out.push(
    `Target \`${result.target.url ?? 'unknown'}\`${result.target.embeddedMock ? ' (embedded mock)' : ''} · wazo-auth-kit ${result.kit.version} · spec ${result.spec.version} · ${result.startedAt} · ${seconds(result.durationMs)}`,
    '',
  );
  out.push(`**${cell(result.gate.reason, 400)}** (exit ${result.gate.exitCode}${result.options.strict ? ', --strict' : ''})`, '');
  out.push(`${RELEASE_ICON[result.release.status]} Release: ${cell(result.release.summary, 400)}`, '');
  if (result.sdk) out.push(`${SDK_ICON[result.sdk.status]} ${cell(result.sdk.summary, 400)}`, '');
  out.push(
    `${s.requirements} requirements: ${ICON.passed} ${s.passed} passed · ${ICON.failed} ${s.failed} failed (${s.mustFailed} must) · ${ICON.warning} ${s.warning} warnings · ${ICON['expected-failure']} ${s.expectedFailure} expected failures · ${ICON.skipped} ${s.skipped} skipped (${s.noTest} without a test) · ${s.tests} test${s.tests === 1 ? '' : 's'}`,
    '',
  );

  const areas = [...new Set(result.requirements.map((r) => r.area))];
  out.push('| Area | ✅ | ❌ | ⚠️ | 🔶 | ⏭️ |', '|---|--:|--:|--:|--:|--:|');
  for (const area of areas) {
    const rs = result.requirements.filter((r) => r.area === area);
    const n = (st: RequirementStatus) => rs.filter((r) => r.status === st).length || '';
    out.push(`| ${cell(area)} | ${n('passed')} | ${n('failed')} | ${n('warning')} | ${n('expected-failure')} | ${n('skipped')} |`);
  }
  out.push('');

  const section = (title: string, rows: RequirementResult[], describe: (r: RequirementResult) => string) => {
    if (rows.length === 0) return;
    out.push(`### ${title}`, '', '| Requirement | Severity | Title | Detail |', '|---|---|---|---|');
    for (const r of rows) out.push(`| \`${r.id}\` | ${r.severity} | ${cell(r.title, 100)} | ${cell(`${describe(r)}${r.releases ? ` (holds in ${r.releases.holdsIn}; judged with ${r.releases.judgedWith})` : ''}`, 300)} |`);
    out.push('');
  };
  const firstFinding = (r: RequirementResult) => (r.findings[0] ? findingLine(r.findings[0]) : (r.reason ?? ''));
  section(`${ICON.failed} Failed`, result.requirements.filter((r) => r.status === 'failed'), firstFinding);
  section(`${ICON.warning} Warnings`, result.requirements.filter((r) => r.status === 'warning'), firstFinding);
  if (result.fuzz) {
    const f = result.fuzz;
    out.push(
      '### 🎲 Fuzz phase',
      '',
      `Seed ${f.seed} · ${f.requests} generated requests (+${f.shrinkRequests} shrinking, +${f.housekeepingRequests} set-up/clean-up) · ${seconds(f.durationMs)}${f.stoppedBy === 'time' ? ' (time budget reached)' : f.stoppedBy === 'target-down' ? ' (the target stopped answering)' : ''} · ${f.findings} finding${f.findings === 1 ? '' : 's'}. Replay: \`wazo-auth-kit test --fuzz ${f.requests} --fuzz-seed ${f.seed}\` (or \`wazo-auth-kit fuzz --seed ${f.seed}\`).`,
      '',
    );
    for (const r of result.requirements) {
      for (const finding of r.findings.filter((x) => x.curl)) {
        out.push(`- \`${r.id}\` ${cell(finding.message, 400)}`, '', '  ```sh', `  ${finding.curl}`, '  ```', '');
      }
    }
  }
  section(
    `${ICON['expected-failure']} Expected failures`,
    result.requirements.filter((r) => r.status === 'expected-failure'),
    (r) => `${r.expectedFailure?.reason ?? ''} — ${firstFinding(r)}`,
  );
  section(
    `🧹 Expected failures that now pass (remove them from ${result.options.expectFailuresFile ?? 'the file'})`,
    result.requirements.filter((r) => r.expectedFailure?.nowPasses),
    (r) => r.expectedFailure?.reason ?? '',
  );
  if (result.run.errors.length > 0) {
    out.push('### ⛔ Run errors', '', ...result.run.errors.map((e) => `- ${cell(e, 400)}`), '');
  }
  if (result.run.cleanupProblems.length > 0) {
    out.push('### 🧹 Left on the target', '', 'The suite could not remove these; delete them by hand on a shared host.', '', ...result.run.cleanupProblems.map((e) => `- ${cell(e, 300)}`), '');
  }
  const ranged = result.requirements.filter((r) => r.releases);
  if (ranged.length > 0) {
    out.push(`<details><summary>🏷️ ${ranged.length} release-dependent requirements</summary>`, '', '| Requirement | Status | Holds in | Judged with |', '|---|---|---|---|');
    for (const r of ranged) out.push(`| \`${r.id}\` | ${ICON[r.status]} ${r.status} | ${cell(r.releases!.holdsIn)} | ${cell(r.releases!.judgedWith)} |`);
    out.push('', '</details>', '');
  }
  const measured = result.requirements.filter((r) => r.proofs && r.proofs.length > 0);
  if (measured.length > 0) {
    out.push(`<details><summary>📏 What ${measured.length === 1 ? 'one passing requirement' : `${measured.length} passing requirements`} measured</summary>`, '', '| Requirement | Status | Measured |', '|---|---|---|');
    for (const r of measured) out.push(`| \`${r.id}\` | ${ICON[r.status]} ${r.status} | ${cell(r.proofs!.join('; '), 400)} |`);
    out.push('', '</details>', '');
  }
  const skipped = result.requirements.filter((r) => r.status === 'skipped');
  if (skipped.length > 0) {
    out.push(`<details><summary>${ICON.skipped} ${skipped.length} skipped</summary>`, '', '| Requirement | Severity | Reason |', '|---|---|---|');
    for (const r of skipped) out.push(`| \`${r.id}\` | ${r.severity} | ${cell(r.reason ?? '')} |`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}

/**
 * What the reporter prints: one progress line per test (requirement IDs first, so they can be grepped
 * in a CI log) and the closing summary with the gate's verdict.
 */
import { isAbsolute, relative } from 'node:path';
import { findingLine } from './markdown.ts';
import type { ConformanceResult, RequirementResult, TestRecord } from './model.ts';

const colours = (process.stdout.isTTY && !process.env.NO_COLOR) || Boolean(process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0');
const wrap = (code: number) => (s: string) => (colours ? `\u001b[${code}m${s}\u001b[0m` : s);

/** ANSI colours, off when stdout is not a terminal (or NO_COLOR is set). */
export const paint = { red: wrap(31), green: wrap(32), yellow: wrap(33), grey: wrap(90), magenta: wrap(35), bold: wrap(1) };

/** `  ✓ [ 12/120] TOKEN-BASIC-AUTH  tokens › Basic credentials give a token (35 ms)`, plus detail lines. */
export function progressLine(t: TestRecord, done: number, total: number, willRetry = false): string {
  const width = String(total).length;
  const counter = paint.grey(`[${String(done).padStart(width)}/${total}]`);
  const ids = t.requirements.length ? t.requirements.join(' ') : paint.yellow('(no requirement)');
  const time = paint.grey(`(${t.durationMs} ms)`);
  const failed = t.status === 'failed' || t.status === 'timedOut';
  let mark: string;
  let detail: string[] = [];
  if (failed) {
    mark = paint.red('✗');
    detail = [paint.red(`${willRetry ? 'retrying: ' : ''}${firstLines(t.error ?? t.status, 4)}`)];
    const e = t.evidence.at(-1);
    if (e?.request) detail.push(paint.grey(`${e.request}${e.status !== undefined ? ` → ${e.status}` : ''}${e.schemaError ? ` (spec: ${e.schemaError})` : ''}`));
  } else if (t.status === 'skipped' || t.status === 'interrupted') {
    mark = paint.grey('-');
    detail = [paint.grey(t.status === 'interrupted' ? 'interrupted' : `skipped: ${t.skipReason ?? ''}`)];
  } else if (t.warnings.length > 0) {
    mark = paint.yellow('!');
    detail = t.warnings.map((w) => paint.yellow(`warning: ${firstLines(w, 2)}`));
  } else {
    mark = paint.green('✓');
  }
  const head = `  ${mark} ${counter} ${paint.bold(ids)}  ${t.title} ${time}`;
  return [head, ...detail.map((d) => d.replace(/^/gm, '        '))].join('\n');
}

function firstLines(text: string, n: number): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(0, n).join('\n') + (lines.length > n ? ' …' : '');
}

/** `path` relative to the user's directory when it lies below it, else absolute. */
export function displayPath(path: string, base = callerDirectory()): string {
  const rel = relative(base, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The directory the user ran the command from (the CLI passes it; Playwright runs from the repo). */
export function callerDirectory(): string {
  return process.env.WAZO_KIT_CALLER_CWD || process.cwd();
}

/** Prints the summary after the run: counts, what failed and why, where the reports are, the verdict. */
export function printSummary(out: (line: string) => void, r: ConformanceResult, files: string[], dir: string, writeMs: number): void {
  const s = r.summary;
  const rel = (p: string) => displayPath(p);
  out('');
  out(
    `${paint.bold(`${s.requirements} requirements:`)} ${paint.green(`${s.passed} passed`)}, ${paint.red(`${s.failed} failed`)} (${s.mustFailed} must), ${paint.yellow(`${s.warning} warnings`)}, ${paint.magenta(`${s.expectedFailure} expected failures`)}, ${s.skipped} skipped (${s.noTest} without a test) · ${s.tests} test${s.tests === 1 ? '' : 's'} in ${(r.durationMs / 1000).toFixed(1)} s`,
  );
  const group = (title: string, rows: RequirementResult[], colour: (x: string) => string, detail: (x: RequirementResult) => string) => {
    if (rows.length === 0) return;
    out(colour(title));
    for (const x of rows) {
      out(`  ${colour(x.id)} (${x.severity}) ${x.title}`);
      const d = detail(x);
      if (d) out(paint.grey(`      ${firstLines(d, 3).replace(/\n/g, '\n      ')}`));
    }
  };
  const finding = (x: RequirementResult) => (x.findings[0] ? findingLine(x.findings[0]) : '');
  group('Failed:', r.requirements.filter((x) => x.status === 'failed'), paint.red, finding);
  group('Warnings:', r.requirements.filter((x) => x.status === 'warning'), paint.yellow, finding);
  group('Expected failures:', r.requirements.filter((x) => x.status === 'expected-failure'), paint.magenta, (x) => x.expectedFailure?.reason ?? '');
  group(
    `Expected to fail but passed — remove them from ${r.options.expectFailuresFile ?? 'the expected-failures file'}:`,
    r.requirements.filter((x) => x.expectedFailure?.nowPasses),
    paint.yellow,
    () => '',
  );
  const noTest = r.requirements.filter((x) => x.status === 'skipped' && x.tests.length === 0).map((x) => x.id);
  // Under --grep most requirements have no selected test: the count is enough.
  if (noTest.length) out(paint.grey(r.options.grep ? `${noTest.length} requirements have no test selected by --grep` : `Without a test: ${noTest.join(', ')}`));
  for (const e of r.run.errors) out(paint.red(`Run error: ${firstLines(e, 3)}`));
  for (const c of r.run.cleanupProblems) out(paint.yellow(`Left on the target (remove by hand): ${c}`));
  {
    const colour = { consistent: paint.green, differs: paint.red, contradictory: paint.red, 'not-observed': paint.grey }[r.release.status];
    out(`${paint.bold('Release:')} ${colour(r.release.summary)}`);
    const ranged = r.requirements.filter((x) => x.releases);
    if (ranged.length) out(paint.grey(`  release-dependent: ${ranged.map((x) => `${x.id} (holds in ${x.releases!.holdsIn})`).join(', ')}`));
  }
  if (r.sdk) {
    const colour = { compatible: paint.green, incompatible: paint.red, partial: paint.yellow, 'not-checked': paint.grey }[r.sdk.status];
    out(`${paint.bold('SDK:')} ${colour(r.sdk.summary)}`);
  }
  if (r.fuzz) {
    const f = r.fuzz;
    out(`${paint.bold('Fuzz:')} seed ${f.seed}: ${f.requests} requests (+${f.shrinkRequests} shrinking, +${f.housekeepingRequests} set-up/clean-up) in ${(f.durationMs / 1000).toFixed(1)} s: ${f.findings === 0 ? paint.green('0 findings') : paint.yellow(`${f.findings} finding(s)`)}`);
    for (const x of r.requirements) for (const finding of x.findings.filter((y) => y.curl)) out(paint.grey(`  ${finding.message.split('\n')[0]}\n    ${finding.curl}`));
  }
  out(`Reports (${Math.round(writeMs)} ms): ${files.map(rel).join(', ')}, ${rel(`${dir}/html/index.html`)}`);
  const verdict = { pass: paint.green('PASS'), fail: paint.red('FAIL'), error: paint.red('ERROR'), interrupted: paint.yellow('INTERRUPTED') }[r.gate.verdict];
  out(`${paint.bold('Gate:')} ${verdict} — ${r.gate.reason} (exit ${r.gate.exitCode})`);
}

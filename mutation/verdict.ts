/**
 * The mutation gate's judgement, free of processes: which tests a fault's run selects, whether the
 * suite killed the fault, and the table. A fault is killed when its run fails the gate (exit 1) and
 * every requirement the fault is declared to break (mock/faults.ts) is reported `failed`.
 */
import type { ConformanceResult } from '../cli/report/model.ts';

/**
 * Playwright `--grep` selecting exactly the tests tagged with one of `ids` (`@ID`, see suites/covers.ts).
 * The lookahead keeps `@REFRESH-DELETE` from also selecting `@REFRESH-DELETE-KEEPS-ACCESS`.
 */
export function grepFor(ids: readonly string[]): string {
  return `@(?:${ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\w-])`;
}

/** One fault's outcome. */
export interface FaultOutcome {
  fault: string;
  /** The wazo-auth release the mock played (and the suite was told). */
  release?: string;
  expected: string[];
  /** Requirements the run reported failed (all of them, not only the expected ones). */
  failed: string[];
  /** Expected requirements that did not fail (with their status). */
  missed: string[];
  verdict: 'killed' | 'survived' | 'error';
  /** Why, for a survivor or an error. */
  note?: string;
  durationMs: number;
}

/** Judges one fault's run from its conformance.json (undefined when the run did not get that far). */
export function judgeFault(fault: string, expected: readonly string[], result: ConformanceResult | undefined, run: { exitCode: number | null; timedOut: boolean; output: string; durationMs: number }): FaultOutcome {
  const base = { fault, expected: [...expected], durationMs: run.durationMs };
  if (!result) {
    const why = run.timedOut ? 'the suite run timed out' : `no conformance.json (exit ${run.exitCode}): ${lastLines(run.output)}`;
    return { ...base, failed: [], missed: [...expected], verdict: 'error', note: why };
  }
  const failed = result.requirements.filter((r) => r.status === 'failed').map((r) => r.id);
  const status = new Map(result.requirements.map((r) => [r.id, r.reason ? `${r.status}: ${r.reason}` : r.status]));
  const missed = expected.filter((id) => !failed.includes(id)).map((id) => `${id} (${status.get(id) ?? 'not in the report'})`);
  if (result.gate.exitCode === 2 || result.gate.exitCode === 130) {
    const why = result.run.errors[0]?.split('\n')[0] ?? result.gate.reason;
    return { ...base, failed, missed, verdict: 'error', note: `the run could not be judged: ${why}` };
  }
  if (result.gate.exitCode === 0) return { ...base, failed, missed, verdict: 'survived', note: 'the suite passed against this fault' };
  if (missed.length > 0) return { ...base, failed, missed, verdict: 'survived', note: `not reported failed: ${missed.join(', ')}` };
  return { ...base, failed, missed, verdict: 'killed' };
}

/** The clean mock's outcome: it must pass the whole suite. */
export interface CleanOutcome {
  /** The release played; absent once several are merged. */
  release?: string;
  passed: boolean;
  summary: string;
  durationMs: number;
}

/** Judges the clean run. */
export function judgeClean(result: ConformanceResult | undefined, run: { exitCode: number | null; timedOut: boolean; output: string; durationMs: number }): CleanOutcome {
  if (!result) return { passed: false, summary: run.timedOut ? 'timed out' : `no conformance.json (exit ${run.exitCode}): ${lastLines(run.output)}`, durationMs: run.durationMs };
  const s = result.summary;
  const failed = result.requirements.filter((r) => r.status === 'failed').map((r) => r.id);
  return {
    passed: result.gate.exitCode === 0,
    summary: `${s.passed}/${s.requirements} requirements passed, ${s.failed} failed${failed.length ? ` (${failed.join(', ')})` : ''}, ${s.warning} warnings, ${s.skipped} skipped; ${s.tests} tests`,
    durationMs: run.durationMs,
  };
}

/** One clean outcome for several releases: passed when each passed. */
export function mergeCleans(cleans: CleanOutcome[]): CleanOutcome {
  return {
    passed: cleans.every((c) => c.passed),
    summary: cleans.map((c) => `wazo-auth ${c.release ?? '?'}: ${c.summary}`).join('; '),
    durationMs: Math.max(...cleans.map((c) => c.durationMs)),
  };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The gate's final tally. */
export interface GateSummary {
  killed: number;
  total: number;
  /** 100 × killed / total, one decimal. */
  score: number;
  passed: boolean;
}

/** Score and verdict: every fault killed and the clean mock passing. */
export function summarise(outcomes: FaultOutcome[], clean: CleanOutcome | undefined): GateSummary {
  const killed = outcomes.filter((o) => o.verdict === 'killed').length;
  const total = outcomes.length;
  return { killed, total, score: total === 0 ? 0 : Math.round((1000 * killed) / total) / 10, passed: killed === total && (clean === undefined || clean.passed) };
}

/** The table as Markdown (for docs/how-we-know.md and CI job summaries). */
export function markdownTable(outcomes: FaultOutcome[], clean: CleanOutcome | undefined, wallMs: number, jobs: number): string {
  const rows = outcomes.map((o) => {
    const extra = o.failed.filter((id) => !o.expected.includes(id));
    const failed = [...o.expected.filter((id) => o.failed.includes(id)), ...extra].map((id) => (o.expected.includes(id) ? `\`${id}\`` : id)).join(', ') || '—';
    return `| \`${o.fault}\` | ${o.release ?? ''} | ${o.expected.map((id) => `\`${id}\``).join(', ')} | ${failed} | ${o.verdict}${o.note ? ` (${o.note})` : ''} |`;
  });
  const sum = summarise(outcomes, clean);
  return [
    '| fault | release | expected to fail | failed | result |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Score: ${sum.killed}/${sum.total} faults killed (${sum.score}%).${clean ? ` Clean mock, whole suite: ${clean.passed ? 'passed' : 'FAILED'} (${clean.summary}).` : ''}`,
    `Wall time: ${seconds(wallMs)} with ${jobs} suite run(s) at a time.`,
  ].join('\n');
}

/** The table for the terminal: fixed-width columns, one line per fault. */
export function terminalTable(outcomes: FaultOutcome[]): string {
  const head = ['fault', 'release', 'expected IDs', 'failed IDs', 'result', 'time'];
  const rows = outcomes.map((o) => [o.fault, o.release ?? '', o.expected.join(', '), o.failed.join(', ') || '—', o.verdict.toUpperCase(), seconds(o.durationMs)]);
  const widths = head.map((h, i) => Math.min(i === 3 ? 60 : 48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const cut = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  const line = (cells: string[]) => cells.map((c, i) => cut(c, widths[i]!)).join('  ').trimEnd();
  const notes = outcomes.filter((o) => o.note).map((o) => `  ${o.fault}${o.release ? ` @ ${o.release}` : ''}: ${o.note}`);
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/**
 * `wazo-auth-kit compare A.json B.json`: where two runs disagree, requirement by requirement (typically
 * the mock against a real host, so a frontend team knows where its mock and its host differ).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXIT, UsageError } from './errors.ts';
import { findingLine } from './report/markdown.ts';
import type { ConformanceResult, RequirementResult, RequirementStatus } from './report/model.ts';
import { validateResult } from './report/schema.ts';

/** `wazo-auth-kit compare --help`. */
export const COMPARE_USAGE = `Usage: wazo-auth-kit compare A.json B.json

Compares two conformance.json files (e.g. the embedded mock's and a real host's) and prints every
requirement whose status differs, with what each side found.

Exit status: 0 no must requirement differs; 1 a must requirement passed on one side and failed on the
other; 2 usage error or a file that is not a conformance.json. A requirement skipped on one side is
listed but does not count: there is nothing to compare.`;

/** One requirement whose status differs between the two runs. */
export interface Difference {
  id: string;
  title: string;
  severity: 'must' | 'should';
  a: RequirementStatus | 'absent';
  b: RequirementStatus | 'absent';
  /** Both sides ran it and one met it while the other did not: the kind of difference that fails. */
  disagreement: boolean;
  detailA?: string;
  detailB?: string;
}

// What a status says about the server: met the rule, did not, or no information.
const meaning = (s: RequirementStatus | 'absent'): 'met' | 'not-met' | 'unknown' =>
  s === 'passed' || s === 'warning' ? 'met' : s === 'failed' || s === 'expected-failure' ? 'not-met' : 'unknown';

/** Lists the requirements whose status differs, in A's order then B's extras. */
export function compareResults(a: ConformanceResult, b: ConformanceResult): Difference[] {
  const inB = new Map(b.requirements.map((r) => [r.id, r]));
  const inA = new Map(a.requirements.map((r) => [r.id, r]));
  const ids = [...inA.keys(), ...[...inB.keys()].filter((id) => !inA.has(id))];
  const detail = (r?: RequirementResult) => (r ? (r.findings[0] ? findingLine(r.findings[0]) : r.reason) : undefined);
  const out: Difference[] = [];
  for (const id of ids) {
    const ra = inA.get(id);
    const rb = inB.get(id);
    const sa = ra?.status ?? 'absent';
    const sb = rb?.status ?? 'absent';
    if (sa === sb) continue;
    const [ma, mb] = [meaning(sa), meaning(sb)];
    const base = (ra ?? rb)!;
    const da = detail(ra);
    const db = detail(rb);
    out.push({
      id,
      title: base.title,
      severity: base.severity,
      a: sa,
      b: sb,
      disagreement: ma !== 'unknown' && mb !== 'unknown' && ma !== mb,
      ...(da ? { detailA: da } : {}),
      ...(db ? { detailB: db } : {}),
    });
  }
  return out;
}

/** Reads a conformance.json, or throws a UsageError naming the file and the problem. */
export function readResult(path: string): ConformanceResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, undefined, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not JSON; give two conformance.json files written by "wazo-auth-kit test"`);
  }
  const problems = validateResult(value);
  if (problems.length > 0) throw new UsageError(`${path} is not a conformance.json (${problems[0]})`);
  return value as ConformanceResult;
}

const describe = (r: ConformanceResult) => `${r.target.url ?? 'unknown target'}${r.target.embeddedMock ? ' (embedded mock)' : ''}, ${r.startedAt}, spec ${r.spec.version}`;

/** Runs the `compare` command; resolves to its exit status. */
export async function compareCommand(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('. ')[0]}; run "wazo-auth-kit compare --help"`);
  }
  if (parsed.values.help) {
    out(COMPARE_USAGE);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 2) throw new UsageError(`compare takes two conformance.json files (got ${parsed.positionals.length}); run "wazo-auth-kit compare --help"`);
  const [pathA, pathB] = parsed.positionals as [string, string];
  const a = readResult(pathA);
  const b = readResult(pathB);
  const diffs = compareResults(a, b);
  out(`A: ${pathA} — ${describe(a)}`);
  out(`B: ${pathB} — ${describe(b)}`);
  if (a.spec.version !== b.spec.version) out(`note: the runs used different spec versions (${a.spec.version} / ${b.spec.version})`);
  if (diffs.length === 0) {
    out(`No difference: the ${a.requirements.length} requirements have the same status in both runs.`);
    return EXIT.ok;
  }
  const width = Math.max(...diffs.map((d) => d.id.length), 11);
  const sw = Math.max(...diffs.flatMap((d) => [d.a.length, d.b.length]), 6);
  out('');
  out(`${'requirement'.padEnd(width)}  severity  ${'A'.padEnd(sw)}  ${'B'.padEnd(sw)}`);
  for (const d of diffs) {
    out(`${d.id.padEnd(width)}  ${d.severity.padEnd(8)}  ${d.a.padEnd(sw)}  ${d.b.padEnd(sw)}  ${d.disagreement ? '≠ ' : '  '}${d.title}`);
    if (d.detailA && d.a !== 'passed') out(`${''.padEnd(width)}    A: ${d.detailA.split('\n')[0]}`);
    if (d.detailB && d.b !== 'passed') out(`${''.padEnd(width)}    B: ${d.detailB.split('\n')[0]}`);
  }
  const must = diffs.filter((d) => d.disagreement && d.severity === 'must');
  const should = diffs.filter((d) => d.disagreement && d.severity === 'should');
  out('');
  out(
    `${diffs.length} requirement(s) differ: ${must.length} must and ${should.length} should met on one side only, ${diffs.length - must.length - should.length} not comparable (skipped or absent on one side, or the same outcome).`,
  );
  if (must.length > 0) {
    out(`Exit 1: the runs disagree on must requirement(s) ${must.map((d) => d.id).join(', ')}.`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

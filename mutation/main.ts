/**
 * The mutation gate (`npm run mutation`): proves that the conformance suite fails every broken server
 * the mock can play, and passes the clean one.
 *
 * For each named fault of mock/faults.ts: one mock process with `--fault NAME`, the suite run against it
 * (only the tests tagged with the requirements the fault is declared to break: a fault is killed when
 * all of those are reported failed, so those tests are the ones that must detect it), and the verdict
 * read from the run's conformance.json. The clean mock runs the WHOLE suite and must pass. A table, the
 * score and the wall time are printed; any survivor, error or clean failure exits 1.
 *
 *   npm run mutation                                  # every fault, 3 suite runs at a time
 *   npm run mutation -- --fault no-cors --jobs 1      # one fault
 *   npm run mutation -- --markdown reports/mutation.md
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runSuite, startMockChild, stopAllChildren, stopChildrenOnSignals } from '../cli/child-processes.ts';
import { BEHAVIOUR_FAULTS, FAULT_NAMES, isBehaviourFault, unknownFaultMessage, type BehaviourFault } from '../mock/faults.ts';
import { grepFor, judgeClean, judgeFault, markdownTable, summarise, terminalTable, type CleanOutcome, type FaultOutcome } from './verdict.ts';

const HELP = `Usage: npm run mutation -- [options]

Runs the conformance suite against the mock once per named fault (mock/faults.ts) and once clean.
Exit 0 when every fault is killed (the suite fails each fault's requirements) and the clean mock passes.

  --fault NAME      only this fault (repeatable; default: all ${FAULT_NAMES.length})
  --jobs N          suite runs at a time (default 3; each run also has its own mock process)
  --workers N       Playwright workers of each fault's run (default 2; the clean run keeps the suite's 4)
  --no-clean        skip the clean-mock run (the whole suite against a mock without faults)
  --markdown FILE   also write the table as Markdown
  --keep            keep the temporary run directories (their conformance.json) for inspection
  -h, --help        this help`;

/** A bounded pool: runs `tasks` with at most `jobs` at once, in order of submission. */
async function pool<T>(tasks: (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return results;
}

async function runFault(name: BehaviourFault, root: string, workers: number): Promise<FaultOutcome> {
  const expected = BEHAVIOUR_FAULTS[name].requirements;
  const started = Date.now();
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  let mock;
  try {
    mock = await startMockChild(['--fault', name]);
  } catch (error) {
    return { fault: name, expected: [...expected], failed: [], missed: [...expected], verdict: 'error', note: `the mock did not start: ${(error as Error).message}`, durationMs: Date.now() - started };
  }
  try {
    const run = await runSuite({ url: mock.url, dir, grep: grepFor(expected), workers, timeoutMs: 300_000 });
    return judgeFault(name, expected, run.result, { ...run, durationMs: Date.now() - started });
  } finally {
    await mock.stop();
  }
}

async function runClean(root: string): Promise<CleanOutcome> {
  const started = Date.now();
  const dir = join(root, '_clean');
  mkdirSync(dir, { recursive: true });
  const mock = await startMockChild();
  try {
    const run = await runSuite({ url: mock.url, dir, timeoutMs: 600_000 });
    return judgeClean(run.result, { ...run, durationMs: Date.now() - started });
  } finally {
    await mock.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        fault: { type: 'string', multiple: true },
        jobs: { type: 'string' },
        workers: { type: 'string' },
        'no-clean': { type: 'boolean' },
        markdown: { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`mutation: ${(error as Error).message}; see --help`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  for (const name of values.fault ?? []) {
    if (!isBehaviourFault(name)) {
      console.error(`mutation: ${unknownFaultMessage(name)}`);
      return 2;
    }
  }
  const faults = (values.fault as BehaviourFault[] | undefined) ?? FAULT_NAMES;
  // Measured on 2 cores (docs/how-we-know.md): 3 runs at a time beat 2 by a quarter; 4 gain nothing.
  const jobs = Number(values.jobs ?? 3);
  const workers = Number(values.workers ?? 2);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 8 || !Number.isInteger(workers) || workers < 1 || workers > 8) {
    console.error('mutation: --jobs and --workers take a whole number from 1 to 8');
    return 2;
  }
  stopChildrenOnSignals();
  const root = mkdtempSync(join(tmpdir(), 'wazo-auth-kit-mutation-'));
  const started = Date.now();
  console.log(`mutation gate: ${faults.length} fault(s)${values['no-clean'] ? '' : ' + the clean mock (whole suite)'}, ${jobs} suite run(s) at a time`);

  let clean: CleanOutcome | undefined;
  const tasks: (() => Promise<FaultOutcome | undefined>)[] = [];
  // The clean run is the longest (the whole suite): it starts first.
  if (!values['no-clean']) {
    tasks.push(async () => {
      clean = await runClean(root);
      console.log(`  clean mock: ${clean.passed ? 'passed' : 'FAILED'} — ${clean.summary} (${(clean.durationMs / 1000).toFixed(1)} s)`);
      return undefined;
    });
  }
  for (const name of faults) {
    tasks.push(async () => {
      const outcome = await runFault(name, root, workers);
      console.log(`  ${outcome.verdict.padEnd(8)} ${name} (${(outcome.durationMs / 1000).toFixed(1)} s)${outcome.note ? ` — ${outcome.note}` : ''}`);
      return outcome;
    });
  }
  let outcomes: FaultOutcome[];
  try {
    outcomes = (await pool(tasks, jobs)).filter((o): o is FaultOutcome => o !== undefined);
  } finally {
    await stopAllChildren();
  }
  const wallMs = Date.now() - started;
  const sum = summarise(outcomes, clean);
  console.log(`\n${terminalTable(outcomes)}\n`);
  if (clean) console.log(`Clean mock (whole suite): ${clean.passed ? 'PASSED' : 'FAILED'} — ${clean.summary}`);
  console.log(`Score: ${sum.killed}/${sum.total} faults killed (${sum.score}%) · wall time ${(wallMs / 1000).toFixed(1)} s with ${jobs} suite run(s) at a time`);
  if (values.markdown) {
    const file = resolve(values.markdown);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${markdownTable(outcomes, clean, wallMs, jobs)}\n`);
    console.log(`Markdown table: ${file}`);
  }
  if (values.keep || !sum.passed) console.log(`Run directories (each with its conformance.json): ${root}`);
  else rmSync(root, { recursive: true, force: true });
  console.log(sum.passed ? 'Mutation gate: PASS' : 'Mutation gate: FAIL — every fault must be killed and the clean mock must pass');
  return sum.passed ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    await stopAllChildren();
    console.error(`mutation: internal error: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 2;
  },
);

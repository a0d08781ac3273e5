/**
 * The mutation gate (`npm run mutation`): proves that the conformance suite fails every broken server
 * the mock can play, and passes the clean one.
 *
 * For each release it plays (default: the recorded releases of spec/releases.yaml, which between them
 * show both sides of every release-dependent behaviour) and each named fault of mock/faults.ts that
 * applies to that release: one mock process with `--wazo-version R --fault NAME`, the suite run against it
 * with WAZO_VERSION=R
 * (only the tests tagged with the requirements the fault is declared to break: a fault is killed when
 * all of those are reported failed, so those tests are the ones that must detect it), and the verdict
 * read from the run's conformance.json. The clean mock runs the WHOLE suite and must pass. A table, the
 * score and the wall time are printed; any survivor, error or clean failure exits 1.
 *
 *   npm run mutation                                  # every fault × the recorded releases, 3 suite runs at a time
 *   npm run mutation -- --wazo-version 24.01          # one release
 *   npm run mutation -- --fault no-cors --jobs 1      # one fault
 *   npm run mutation -- --markdown reports/mutation.md
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runSuite, startMockChild, stopAllChildren, stopChildrenOnSignals } from '../cli/child-processes.ts';
import { BEHAVIOUR_FAULTS, FAULT_NAMES, isBehaviourFault, unknownFaultMessage, type BehaviourFault } from '../mock/faults.ts';
import { loadReleases } from '../spec/releases.ts';
import { grepFor, judgeClean, judgeFault, markdownTable, mergeCleans, summarise, terminalTable, type CleanOutcome, type FaultOutcome } from './verdict.ts';

/** Whether a fault breaks anything in a release (see `appliesWhere` in mock/faults.ts). */
function applies(fault: BehaviourFault, release: string): boolean {
  const where = (BEHAVIOUR_FAULTS[fault] as { appliesWhere?: string }).appliesWhere;
  return where === undefined || loadReleases().holds(where, release);
}

const HELP = `Usage: npm run mutation -- [options]

Runs the conformance suite against the mock once per named fault (mock/faults.ts) and once clean.
Exit 0 when every fault is killed (the suite fails each fault's requirements) and the clean mock passes.

  --fault NAME      only this fault (repeatable; default: all ${FAULT_NAMES.length})
  --wazo-version R  the release the mock plays and the suite is told (repeatable; default the recorded
                    releases: ${loadReleases().recorded.join(', ')}); a fault that removes a behaviour the
                    release lacks is not run against it
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

async function runFault(name: BehaviourFault, release: string, root: string, workers: number): Promise<FaultOutcome> {
  const expected = BEHAVIOUR_FAULTS[name].requirements;
  const started = Date.now();
  const dir = join(root, release, name);
  mkdirSync(dir, { recursive: true });
  let mock;
  try {
    mock = await startMockChild(['--wazo-version', release, '--fault', name]);
  } catch (error) {
    return { fault: name, release, expected: [...expected], failed: [], missed: [...expected], verdict: 'error', note: `the mock did not start: ${(error as Error).message}`, durationMs: Date.now() - started };
  }
  try {
    const run = await runSuite({ url: mock.url, dir, grep: grepFor(expected), workers, timeoutMs: 300_000, wazoVersion: release, mailbox: `${mock.origin}/_mock/mails` });
    return { ...judgeFault(name, expected, run.result, { ...run, durationMs: Date.now() - started }), release };
  } finally {
    await mock.stop();
  }
}

async function runClean(release: string, root: string): Promise<CleanOutcome> {
  const started = Date.now();
  const dir = join(root, release, '_clean');
  mkdirSync(dir, { recursive: true });
  const mock = await startMockChild(['--wazo-version', release]);
  try {
    const run = await runSuite({ url: mock.url, dir, timeoutMs: 600_000, wazoVersion: release, mailbox: `${mock.origin}/_mock/mails` });
    return { ...judgeClean(run.result, { ...run, durationMs: Date.now() - started }), release };
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
        'wazo-version': { type: 'string', multiple: true },
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
  const table = loadReleases();
  const releases: string[] = [];
  for (const text of (values['wazo-version'] as string[] | undefined) ?? table.recorded) {
    const release = table.resolve(text);
    if (!release) {
      console.error(`mutation: ${text} is not a supported wazo-auth release (${table.label(table.releases)})`);
      return 2;
    }
    releases.push(release);
  }
  // A fault that removes a behaviour is run only against the releases that have it.
  const runs = releases.flatMap((release) => faults.filter((f) => applies(f, release)).map((fault) => ({ fault, release })));
  const notApplicable = releases.flatMap((release) => faults.filter((f) => !applies(f, release)).map((fault) => `${fault} @ ${release}`));
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
  console.log(
    `mutation gate: ${faults.length} fault(s) × wazo-auth ${releases.join(', ')} = ${runs.length} run(s)${values['no-clean'] ? '' : ` + the clean mock of each release (whole suite)`}, ${jobs} suite run(s) at a time`,
  );
  if (notApplicable.length) console.log(`  not run (the release lacks the behaviour the fault removes): ${notApplicable.join(', ')}`);

  const cleans: CleanOutcome[] = [];
  const tasks: (() => Promise<FaultOutcome | undefined>)[] = [];
  // The clean runs are the longest (the whole suite): they start first.
  if (!values['no-clean']) {
    for (const release of releases) {
      tasks.push(async () => {
        const clean = await runClean(release, root);
        cleans.push(clean);
        console.log(`  clean mock, wazo-auth ${release}: ${clean.passed ? 'passed' : 'FAILED'} — ${clean.summary} (${(clean.durationMs / 1000).toFixed(1)} s)`);
        return undefined;
      });
    }
  }
  for (const { fault, release } of runs) {
    tasks.push(async () => {
      const outcome = await runFault(fault, release, root, workers);
      console.log(`  ${outcome.verdict.padEnd(8)} ${fault} @ ${release} (${(outcome.durationMs / 1000).toFixed(1)} s)${outcome.note ? ` — ${outcome.note}` : ''}`);
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
  const clean = cleans.length === 0 ? undefined : mergeCleans(cleans);
  const sum = summarise(outcomes, clean);
  console.log(`\n${terminalTable(outcomes)}\n`);
  for (const c of cleans) console.log(`Clean mock, wazo-auth ${c.release} (whole suite): ${c.passed ? 'PASSED' : 'FAILED'} — ${c.summary}`);
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

/**
 * `npm run bench`: the mock beside Prism (fastest and default configurations) and a bare node:http
 * server, on this machine, in one run: throughput and latency of five workloads, start-up, memory with
 * up to 100 000 live tokens, and the conformance suite's wall time. Writes bench/RESULTS.md and prints
 * it. Every server listens on 127.0.0.1, every load run is bounded in time, and every child process is
 * stopped on the way out (including on Ctrl-C and on a deadline).
 *
 * Options (all optional): --rounds 3 --duration 2 --warmup 0.5 --connections 10 --users 2000
 * --only throughput,startup,memory,suite --profile (CPU-profile the mock under load into bench/profiles/)
 * --out bench/RESULTS.md --deadline 600 (seconds; the run stops there, RESULTS.md keeps the phases done)
 * --targets mock,mock-nocheck,prism-fast,prism-default,ceiling (a subset, for quick checks; mock-nocheck is the mock
 * with --check-responses off)
 * --settle 15 (seconds of RSS sampling after the tokens expire; the mock sweeps every 10 s).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { waitForQuiet } from './cpu.ts';
import { benchUsers, writeUsersFile } from './fixtures.ts';
import { machineInfo } from './machine.ts';
import { measureMemory, measureTokenHeap } from './memory.ts';
import { measureUsersScale } from './users-scale.ts';
import { installCleanup, killAllChildren } from './processes.ts';
import { renderResults, verdicts, type BenchResults } from './report.ts';
import { measureStartup } from './startup.ts';
import { measureSuite } from './suite-time.ts';
import {
  ceilingSpec,
  mockSpec,
  prismSpec,
  PRISM_FAST_FLAGS,
  ROOT,
  startTarget,
  stopTarget,
  type RunningTarget,
  type TargetId,
  type TargetSpec,
} from './targets.ts';
import { measureThroughput } from './throughput.ts';

const PHASES = ['throughput', 'startup', 'memory', 'suite'] as const;
type Phase = (typeof PHASES)[number];

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '0.5' },
    connections: { type: 'string', default: '10' },
    users: { type: 'string', default: '2000' },
    only: { type: 'string', default: PHASES.join(',') },
    profile: { type: 'boolean', default: false },
    out: { type: 'string', default: join(ROOT, 'bench/RESULTS.md') },
    deadline: { type: 'string', default: '600' },
    'startup-samples': { type: 'string', default: '5' },
    targets: { type: 'string', default: 'mock,mock-nocheck,prism-fast,prism-default,ceiling' },
    settle: { type: 'string', default: '15' },
  },
});

const num = (name: keyof typeof values, min: number): number => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < min) {
    console.error(`[bench] --${name} must be a number ≥ ${min} (got ${String(values[name])})`);
    process.exit(2);
  }
  return value;
};
const settings = {
  rounds: Math.round(num('rounds', 1)),
  durationS: num('duration', 0.5),
  warmupS: num('warmup', 0),
  connections: Math.round(num('connections', 1)),
  benchUsers: Math.round(num('users', 1000)),
};
const deadlineS = num('deadline', 10);
const startupSamples = Math.round(num('startup-samples', 1));
const settleS = Math.round(num('settle', 1));
const only = new Set(String(values.only).split(',').map((p) => p.trim()).filter(Boolean));
for (const phase of only) {
  if (!PHASES.includes(phase as Phase)) {
    console.error(`[bench] --only takes ${PHASES.join(', ')} (got ${phase})`);
    process.exit(2);
  }
}
const wants = (phase: Phase) => only.has(phase);
const ALL_TARGETS: TargetId[] = ['mock', 'mock-nocheck', 'prism-fast', 'prism-default', 'ceiling'];
const targetIds = String(values.targets).split(',').map((t) => t.trim()) as TargetId[];
for (const id of targetIds) {
  if (!ALL_TARGETS.includes(id)) {
    console.error(`[bench] --targets takes ${ALL_TARGETS.join(', ')} (got ${id})`);
    process.exit(2);
  }
}
const log = (line: string) => console.error(`[bench] ${line}`);

installCleanup();
// A hard bound on the whole run: whatever hangs, the servers are stopped and the run fails.
const deadline = setTimeout(() => {
  console.error(`[bench] deadline of ${deadlineS} s reached: stopping every server`);
  killAllChildren();
  results.notes.push(`The run was stopped by its ${deadlineS} s deadline: the phases missing here did not finish.`);
  writeResults();
  process.exit(1);
}, deadlineS * 1000);
deadline.unref();

const started = performance.now();
const workDir = mkdtempSync(join(tmpdir(), 'wazo-auth-kit-bench-'));
const usersFile = join(workDir, 'users.json');
const users = benchUsers(settings.benchUsers);
writeUsersFile(usersFile, users);
const profileDir = join(ROOT, 'bench/profiles');

const mockFor = (profile: boolean, check = true): TargetSpec =>
  mockSpec({
    id: check ? 'mock' : 'mock-nocheck',
    mockArgs: ['--users', usersFile, ...(check ? [] : ['--check-responses', 'off'])],
    nodeFlags: profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
  });
const displayUsers = (spec: TargetSpec) => ({ ...spec, describe: (port: number | string) => spec.describe(port).replace(usersFile, 'USERS.json') });
const specs: Record<TargetId, TargetSpec> = {
  mock: displayUsers(mockFor(values.profile ?? false)),
  'mock-nocheck': displayUsers(mockFor(values.profile ?? false, false)),
  'prism-fast': prismSpec('prism-fast', PRISM_FAST_FLAGS),
  'prism-default': prismSpec('prism-default', []),
  ceiling: ceilingSpec,
};
const results: BenchResults = {
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  startedAt: new Date(),
  wallS: 0,
  machine: machineInfo(ROOT),
  settings,
  targetCommands: Object.fromEntries(Object.entries(specs).map(([id, spec]) => [id, spec.describe('P')])),
  targetLabels: {
    mock: 'mock',
    'mock-nocheck': 'mock, --check-responses off',
    'prism-fast': 'Prism (static, silent)',
    'prism-default': 'Prism (default)',
    ceiling: 'bare node:http',
  },
  quiet: {},
  phaseSeconds: {},
  targetsRun: [],
  notes: [
    `USERS.json: a users file (JSON) with admin, alice and ${settings.benchUsers} bench users (bench-00001…), written to a temporary directory.`,
    'Prism\'s default configuration logs several lines per request to stdout; the bench sends its stdout to /dev/null (a terminal would cost more).',
  ],
};

/** Writes RESULTS.md with what has been measured so far. */
function writeResults(): string {
  results.wallS = (performance.now() - started) / 1000;
  const markdown = renderResults(results);
  writeFileSync(String(values.out), markdown);
  return markdown;
}

/** Runs one phase, keeps its wall time, and saves the results so far (a later failure keeps them). */
async function timed(phase: string, body: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  await body();
  results.phaseSeconds[phase] = (performance.now() - t0) / 1000;
  writeResults();
}

/** Waits (bounded) for the machine to be quiet before a phase, and keeps how busy it still was. */
async function quietBefore(phase: string): Promise<void> {
  const busy = await waitForQuiet(5_000);
  results.quiet[phase] = busy;
  if (busy >= 0.15) log(`the machine is still ${(busy * 100).toFixed(0)}% busy with other work: ${phase} figures will be noisy`);
}

async function main(): Promise<void> {
  log(`machine: ${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.node}`);
  if (wants('throughput')) await timed('throughput', async () => {
    await quietBefore('throughput');
    const running: RunningTarget[] = [];
    try {
      for (const id of ALL_TARGETS.filter((t) => targetIds.includes(t))) {
        log(`starting ${id}: ${specs[id].describe('P')}`);
        running.push(await startTarget(specs[id]));
        results.targetsRun.push(id);
      }
      results.throughput = await measureThroughput(running, users, {
        rounds: settings.rounds,
        durationS: settings.durationS,
        warmupS: settings.warmupS,
        connections: settings.connections,
        tokenCount: 100,
        noisyCores: 0.25,
        maxRetries: 1,
        retryBudgetS: 30,
        log,
      });
    } finally {
      for (const target of running) await stopTarget(target);
    }
    if (values.profile) results.notes.push(`The mock ran with --cpu-prof during the throughput phase; its profile is in ${relative(ROOT, profileDir)}/ (figures include the profiler's cost).`);
  });
  if (wants('startup')) await timed('startup', async () => {
    await quietBefore('startup');
    const plainMock = mockSpec();
    const tsxMock = mockSpec({ entry: 'tsx' });
    results.startup = [];
    // Prism's two configurations differ only in logging, which does not run before the first
    // request: its start-up is measured once, as a user types it.
    const candidates = [
      [plainMock, 'mock: wazo-auth-kit mock (cached bundle)', true],
      [tsxMock, 'mock through tsx (sources)', true],
      [specs['prism-default'], 'Prism (default)', false],
    ] as const;
    for (const [spec, label, warm] of candidates.filter(([spec]) => targetIds.includes(spec.id))) {
      log(`start-up: ${label} × ${startupSamples}`);
      // One unmeasured start first fills the mock's bundle cache (or tsx's), as any earlier run would have.
      results.startup.push(await measureStartup(spec, label, startupSamples, warm));
    }
  });
  if (wants('memory')) await timed('memory', async () => {
    await quietBefore('memory');
    log(`memory: fresh mock with ${users.length} bench users`);
    const mock = await startTarget(specs.mock);
    try {
      results.memory = await measureMemory(mock, users, { latencySeconds: 2, settleSeconds: settleS, connections: settings.connections });
    } finally {
      await stopTarget(mock);
    }
    log('memory: heap per live token (bench/token-heap.ts)');
    results.memory.tokenHeap = await measureTokenHeap(ROOT);
    log('memory: mocks with 1k, 10k and 100k users');
    results.usersScale = await measureUsersScale(workDir, { loadSeconds: 1.5, connections: settings.connections });
  });
  if (wants('suite')) await timed('suite', async () => {
    await quietBefore('suite');
    log('suite: npx playwright test (against the embedded mock)');
    results.suite = await measureSuite(180_000);
  });
}

try {
  if (values.profile) mkdirSync(profileDir, { recursive: true });
  await main();
  const markdown = writeResults();
  console.log(markdown);
  const missed = verdicts(results).filter((v) => v.status === 'miss').length;
  log(`wrote ${relative(ROOT, String(values.out))} in ${results.wallS.toFixed(0)} s; ${missed} target(s) missed`);
} catch (error) {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exitCode = 1;
} finally {
  killAllChildren();
  rmSync(workDir, { recursive: true, force: true });
  clearTimeout(deadline);
}

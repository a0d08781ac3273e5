/**
 * Throughput: every workload against every target, several rounds, interleaved so that the targets of
 * one round are measured within seconds of each other (the ratios are taken per round).
 */
import { resetMock } from './mock-controls.ts';
import { prepareFixtures } from './fixtures.ts';
import { runLoad, type LoadFigures } from './load.ts';
import type { RunningTarget, TargetId } from './targets.ts';
import { WORKLOAD_IDS, workloadOptions, type BenchUser, type Fixtures, type WorkloadId } from './workloads.ts';

/** Figures of every (workload, target, round). */
export type ThroughputFigures = Record<WorkloadId, Partial<Record<TargetId, LoadFigures[]>>> & { retries?: number };

/** How the throughput phase runs. */
export interface ThroughputOptions {
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  /** Live tokens used by GET/HEAD (spread over the connections). */
  tokenCount: number;
  /**
   * A run during which other processes used more than this many cores is repeated (up to
   * `maxRetries` times, within `retryBudgetS` seconds for the whole phase); the quietest attempt is kept.
   */
  noisyCores: number;
  maxRetries: number;
  retryBudgetS: number;
  log: (line: string) => void;
}

/**
 * Runs the phase. The mock is reset before each of its runs (so that sessions created by one run
 * cannot push users over the 100-session limit in the next) and gets fresh fixtures; stateless targets
 * get theirs once.
 */
export async function measureThroughput(targets: RunningTarget[], users: BenchUser[], options: ThroughputOptions): Promise<ThroughputFigures> {
  const figures = Object.fromEntries(WORKLOAD_IDS.map((w) => [w, {}])) as ThroughputFigures;
  const staticFixtures = new Map<TargetId, Fixtures>();

  const fixturesFor = async (target: RunningTarget, workload: WorkloadId): Promise<Fixtures> => {
    const addr = { origin: target.origin, prefix: target.spec.prefix, stateful: target.spec.stateful };
    if (target.spec.stateful) {
      await resetMock(target.origin);
      // Refresh tokens of 500 users: each refresh grant opens a session for its user, and 500 users
      // keep every user under the 100-session limit up to 20 000 grants per run.
      return prepareFixtures(addr, users, { tokenCount: options.tokenCount, withRefresh: workload === 'refresh', refreshUsers: 500 });
    }
    let fixtures = staticFixtures.get(target.spec.id);
    if (!fixtures) {
      fixtures = await prepareFixtures(addr, users.slice(0, options.connections * 4), { tokenCount: options.tokenCount, withRefresh: true });
      staticFixtures.set(target.spec.id, fixtures);
    }
    return fixtures;
  };

  const run = async (target: RunningTarget, workload: WorkloadId, duration: number): Promise<LoadFigures> => {
    const fixtures = await fixturesFor(target, workload);
    const addr = { origin: target.origin, prefix: target.spec.prefix, stateful: target.spec.stateful };
    return runLoad(workloadOptions(workload, addr, fixtures, { connections: options.connections, duration }), target.child.pid);
  };

  if (options.warmupS > 0) {
    options.log(`warm-up: ${options.warmupS} s per target and workload`);
    for (const workload of WORKLOAD_IDS) for (const target of targets) await run(target, workload, options.warmupS);
  }
  let retries = 0;
  let budgetS = options.retryBudgetS;
  const measure = async (target: RunningTarget, workload: WorkloadId): Promise<LoadFigures> => {
    let best = await run(target, workload, options.durationS);
    for (let attempt = 0; attempt < options.maxRetries && (best.otherCores ?? 0) > options.noisyCores && budgetS >= options.durationS; attempt++) {
      options.log(`  other processes used ${(best.otherCores ?? 0).toFixed(2)} cores during ${workload} on ${target.spec.id}: measuring again`);
      const started = performance.now();
      const again = await run(target, workload, options.durationS);
      budgetS -= (performance.now() - started) / 1000;
      retries += 1;
      if ((again.otherCores ?? 0) < (best.otherCores ?? 0)) best = again;
    }
    return best;
  };
  for (let round = 1; round <= options.rounds; round++) {
    // The order of the targets turns each round, so that none is always measured first or last.
    const order = targets.map((_, i) => targets[(i + round - 1) % targets.length] as RunningTarget);
    for (const workload of WORKLOAD_IDS) {
      for (const target of order) {
        const result = await measure(target, workload);
        (figures[workload][target.spec.id] ??= []).push(result);
        const flag = result.non2xx || result.errors ? `  !! non-2xx ${result.non2xx} ${JSON.stringify(result.statuses)}, errors ${result.errors}` : '';
        options.log(
          `round ${round} ${workload.padEnd(10)} ${target.spec.id.padEnd(13)} ${Math.round(result.rps).toString().padStart(6)} req/s  ` +
            `p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  server ${Math.round(result.serverCpuUs ?? Number.NaN)} µs CPU/req  ` +
            `other load ${(result.otherCores ?? Number.NaN).toFixed(2)} cores${flag}`,
        );
      }
    }
  }
  figures.retries = retries;
  return figures;
}

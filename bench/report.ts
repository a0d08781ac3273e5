/**
 * Turns the figures into bench/RESULTS.md (and the same tables on the console), with pass/miss for each
 * target of issue 7.
 */
import type { LoadFigures } from './load.ts';
import type { MachineInfo } from './machine.ts';
import type { MemoryFigures } from './memory.ts';
import type { UsersPoint } from './users-scale.ts';
import type { StartupFigures } from './startup.ts';
import { int, mb, median, ms, ratio, times } from './stats.ts';
import type { SuiteFigures } from './suite-time.ts';
import { TARGET_IDS, type TargetId } from './targets.ts';
import type { ThroughputFigures } from './throughput.ts';
import { WORKLOAD_IDS, WORKLOAD_LABELS, type WorkloadId } from './workloads.ts';

/** Everything one run measured (phases that were skipped are undefined). */
export interface BenchResults {
  command: string;
  startedAt: Date;
  wallS: number;
  machine: MachineInfo;
  settings: { rounds: number; durationS: number; warmupS: number; connections: number; benchUsers: number };
  targetCommands: Partial<Record<TargetId, string>>;
  targetLabels: Record<TargetId, string>;
  throughput?: ThroughputFigures;
  startup?: StartupFigures[];
  memory?: MemoryFigures;
  usersScale?: UsersPoint[];
  suite?: SuiteFigures;
  /** Phase → fraction of the machine busy with other work just before it (after waiting up to 15 s for quiet). */
  quiet: Record<string, number>;
  /** Phase → wall time in seconds. */
  phaseSeconds: Record<string, number>;
  /** Targets that took part in the throughput phase. */
  targetsRun: TargetId[];
  notes: string[];
}

/** One line of the pass/miss list. */
export interface Verdict {
  target: string;
  measured: string;
  status: 'pass' | 'miss' | 'not measured';
}

const table = (head: string[], rows: string[][]): string =>
  [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i === 0 ? ':---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const perRound = (figures: LoadFigures[] | undefined): number[] => (figures ?? []).map((f) => f.rps);

/** mock/other requests-per-second ratio of each round, and their median. */
export function roundRatios(throughput: ThroughputFigures, workload: WorkloadId, other: TargetId): { rounds: number[]; median: number } {
  const mock = perRound(throughput[workload].mock);
  const them = perRound(throughput[workload][other]);
  const rounds = mock.map((m, i) => ratio(m, them[i] ?? Number.NaN));
  return { rounds, median: median(rounds) };
}

/**
 * Per round, the other target's server CPU per answer divided by the mock's: how many times more work
 * the other does per request. Less sensitive than req/s to whatever else runs on the machine.
 */
export function cpuRatios(throughput: ThroughputFigures, workload: WorkloadId, other: TargetId): { rounds: number[]; median: number } {
  const mock = (throughput[workload].mock ?? []).map((f) => f.serverCpuUs ?? Number.NaN);
  const them = (throughput[workload][other] ?? []).map((f) => f.serverCpuUs ?? Number.NaN);
  const rounds = mock.map((m, i) => ratio(them[i] ?? Number.NaN, m));
  return { rounds, median: median(rounds) };
}

const MB100 = 100e6;

/** The targets of issue 7 and whether this run met them. */
export function verdicts(results: BenchResults): Verdict[] {
  const out: Verdict[] = [];
  const t = results.throughput;
  for (const workload of ['post-token', 'get-token'] as const) {
    const label = `mock ≥ 5× Prism (static, silent) on ${WORKLOAD_LABELS[workload]}`;
    if (!t) {
      out.push({ target: label, measured: '', status: 'not measured' });
      continue;
    }
    const r = roundRatios(t, workload, 'prism-fast');
    const c = cpuRatios(t, workload, 'prism-fast');
    out.push({
      target: label,
      measured: `${times(r.median)} req/s (rounds: ${r.rounds.map(times).join(', ')}); per-request server CPU: Prism uses ${times(c.median)} the mock's`,
      status: Number.isNaN(r.median) ? 'not measured' : r.median >= 5 ? 'pass' : 'miss',
    });
  }
  for (const workload of WORKLOAD_IDS) {
    const label = `mock ≥ 50% of the bare-node ceiling on ${WORKLOAD_LABELS[workload]}`;
    if (!t) {
      out.push({ target: label, measured: '', status: 'not measured' });
      continue;
    }
    const r = roundRatios(t, workload, 'ceiling');
    const c = cpuRatios(t, workload, 'ceiling');
    out.push({
      target: label,
      measured: `${(r.median * 100).toFixed(0)}% of its req/s (rounds: ${r.rounds.map((x) => `${(x * 100).toFixed(0)}%`).join(', ')}); the mock spends ${times(1 / c.median)} its CPU per request`,
      status: Number.isNaN(r.median) ? 'not measured' : r.median >= 0.5 ? 'pass' : 'miss',
    });
  }
  const mockStart = results.startup?.find((s) => s.id === 'mock' && !s.command.includes('tsx'));
  out.push(
    mockStart
      ? { target: 'mock start-up < 300 ms to the first answer', measured: `${mockStart.medianMs.toFixed(0)} ms (median of ${mockStart.samplesMs.length})`, status: mockStart.medianMs < 300 ? 'pass' : 'miss' }
      : { target: 'mock start-up < 300 ms to the first answer', measured: '', status: 'not measured' },
  );
  const top = results.memory?.points.find((p) => p.liveTokens === 100_000);
  out.push(
    top
      ? { target: 'mock RSS < 100 MB with 100 000 live tokens', measured: `${mb(top.rssBytes)} MB`, status: top.rssBytes < MB100 ? 'pass' : 'miss' }
      : { target: 'mock RSS < 100 MB with 100 000 live tokens', measured: '', status: 'not measured' },
  );
  const m = results.memory;
  const idleAfter = m?.afterExpiryRssBytes[m.afterExpiryRssBytes.length - 1];
  if (m && top && idleAfter !== undefined) {
    const growth = top.rssBytes - m.idleRssBytes;
    const released = (after: number) => (growth > 0 ? (top.rssBytes - after) / growth : Number.NaN);
    const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : 'n/a');
    const idleReleased = released(idleAfter);
    const trafficReleased = released(m.afterTrafficRssBytes);
    out.push({
      target: 'memory comes back down after the tokens expire (≥ 50% of the growth released)',
      measured:
        `${mb(top.rssBytes)} MB → ${mb(idleAfter)} MB after ${m.settleSeconds} s idle (${pct(idleReleased)} released) → ` +
        `${mb(m.afterTrafficRssBytes)} MB after 3 s of light traffic (${pct(trafficReleased)}); idle before: ${mb(m.idleRssBytes)} MB`,
      status: trafficReleased >= 0.5 ? 'pass' : 'miss',
    });
  } else {
    out.push({ target: 'memory comes back down after the tokens expire', measured: '', status: 'not measured' });
  }
  const s = results.suite;
  out.push(
    s && !s.skipped
      ? { target: 'conformance suite against the mock < 30 s', measured: `${(s.wallMs / 1000).toFixed(1)} s (exit ${s.exitCode}; ${s.summary})`, status: s.wallMs < 30_000 ? 'pass' : 'miss' }
      : { target: 'conformance suite against the mock < 30 s', measured: s?.skipped ? `skipped: ${s.reason}` : '', status: 'not measured' },
  );
  return out;
}

/** The throughput tables: medians per target, then the ratios per round. */
export function throughputTables(results: BenchResults): string {
  const t = results.throughput;
  if (!t) return '_Throughput not measured in this run._';
  const rows: string[][] = [];
  for (const workload of WORKLOAD_IDS) {
    for (const id of TARGET_IDS) {
      const runs = t[workload][id];
      if (!runs?.length) continue;
      const bad = runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
      rows.push([
        WORKLOAD_LABELS[workload],
        results.targetLabels[id],
        int(median(runs.map((r) => r.rps))),
        ms(median(runs.map((r) => r.p50))),
        ms(median(runs.map((r) => r.p99))),
        runs.map((r) => int(r.rps)).join(' / '),
        int(median(runs.map((r) => r.serverCpuUs ?? Number.NaN))),
        median(runs.map((r) => r.otherCores ?? Number.NaN)).toFixed(2),
        bad ? `**${bad}**` : '0',
      ]);
    }
  }
  const ratioRows = WORKLOAD_IDS.map((workload) => {
    const prism = roundRatios(t, workload, 'prism-fast');
    const prismDefault = roundRatios(t, workload, 'prism-default');
    const ceiling = roundRatios(t, workload, 'ceiling');
    const prismCpu = cpuRatios(t, workload, 'prism-fast');
    const ceilingCpu = cpuRatios(t, workload, 'ceiling');
    return [
      WORKLOAD_LABELS[workload],
      `**${times(prism.median)}**`,
      prism.rounds.map(times).join(', '),
      times(prismDefault.median),
      `**${(ceiling.median * 100).toFixed(0)}%**`,
      ceiling.rounds.map((x) => `${(x * 100).toFixed(0)}%`).join(', '),
      times(prismCpu.median),
      `${(ceilingCpu.median * 100).toFixed(0)}%`,
    ];
  });
  return [
    table(['workload', 'target', 'req/s (median)', 'p50 ms', 'p99 ms', 'req/s per round', 'server CPU µs/req', 'other load (cores)', 'non-2xx + errors'], rows),
    '',
    table(
      ['workload', 'mock / Prism fastest (req/s)', 'per round', 'mock / Prism default', 'mock / ceiling (req/s)', 'per round', 'CPU/req Prism fastest ÷ mock', 'CPU/req ceiling ÷ mock'],
      ratioRows,
    ),
  ].join('\n');
}

/** The whole RESULTS.md. */
export function renderResults(results: BenchResults): string {
  const { machine: m, settings: s } = results;
  const out: string[] = [];
  out.push('# Benchmark results', '');
  out.push(
    `Generated by \`${results.command}\` on ${results.startedAt.toISOString()} (whole run: ${results.wallS.toFixed(0)} s; ` +
      `${Object.entries(results.phaseSeconds).map(([phase, s]) => `${phase} ${s.toFixed(0)} s`).join(', ')}). ` +
      'Do not edit by hand: run the command again. How to read it: [docs/scale.md](../docs/scale.md).',
    '',
  );
  out.push('## Machine', '');
  out.push(
    `- CPU: ${m.cpuModel}, ${m.cores} cores (the load generator, autocannon ${m.autocannon}, runs in the benchmark's process and shares them with the server under test)`,
    `- RAM: ${m.ramGb.toFixed(1)} GiB`,
    `- Node ${m.node}; ${m.os}`,
    `- Prism ${m.prism}; every server on 127.0.0.1, one at a time under load`,
    `- Code measured: commit ${m.commit}`,
    `- Other work on the machine just before each phase (share of both cores): ${
      Object.entries(results.quiet)
        .map(([phase, busy]) => `${phase} ${(busy * 100).toFixed(0)}%`)
        .join(', ') || 'n/a'
    }`,
    '',
  );
  out.push('## Targets', '');
  out.push(table(['target', 'measured', 'status'], verdicts(results).map((v) => [v.target, v.measured, v.status === 'pass' ? 'PASS' : v.status === 'miss' ? '**MISS**' : 'not measured'])), '');
  out.push('Why a target is missed, with its profile, and what would meet it: [docs/scale.md](../docs/scale.md#targets-missed).', '');
  out.push('## Throughput and latency', '');
  out.push(
    `${s.rounds} rounds × ${s.durationS} s per workload and target (after a ${s.warmupS} s warm-up of each), ${s.connections} connections, ` +
      'no pipelining. req/s counts 2xx answers only; p50/p99 are exact percentiles of the 2xx latencies (ms). ' +
      'Medians over the rounds; ratios are taken within each round, then their median is quoted. ' +
      `The mock is reset before each of its runs and holds ${s.benchUsers} bench users plus its defaults. ` +
      '"server CPU µs/req" is the server process\'s user+system CPU time over the run divided by its answers (from /proc); ' +
      '"other load" is the CPU used meanwhile by processes other than the server and the load generator, in cores (noise: the machine has two); ' +
      `a run with more than 0.25 cores of other load was measured once more (30 s of repeats at most) and the quieter attempt kept: ${results.throughput?.retries ?? 0} repeat(s) in this run.`,
    '',
  );
  out.push(throughputTables(results), '');
  out.push('Servers:', '');
  for (const id of TARGET_IDS) if (results.targetsRun.includes(id)) out.push(`- ${results.targetLabels[id]}: \`${results.targetCommands[id]}\``);
  out.push('');
  out.push('## Start-up', '');
  if (results.startup?.length) {
    out.push(
      'From `spawn()` to the first 200 answer to POST /token (alice), polled every 5 ms; warm file-system caches, and one unmeasured ' +
        'start of each mock first (it fills the bundle cache of `wazo-auth-kit mock`, or tsx\'s). The target applies to `wazo-auth-kit mock`.',
      '',
    );
    out.push(table(['server', 'median ms', 'samples ms', 'command'], results.startup.map((st) => [st.label, int(st.medianMs), st.samplesMs.map((x) => int(x)).join(', '), `\`${st.command}\``])));
  } else out.push('_Not measured in this run._');
  out.push('');
  out.push('## Memory and scale', '');
  const mem = results.memory;
  if (mem) {
    out.push(
      `A fresh mock holding ${int(mem.users)} bench users (from a users file) plus its defaults. Tokens created through POST /token ` +
        `(Basic, expiration 3600 s) at most ${Math.ceil(100_000 / mem.users) + 1} per user (the mock refuses a user's 101st live session, like wazo-auth). ` +
        'GET /token/{t} measured over 200 of the live tokens at each level. Then the mock\'s clock is advanced past the expiry ' +
        '(`POST /_mock/clock`) and RSS is sampled once a second while the mock\'s periodic sweep (every 10 s) drops them. ' +
        'The bench forces no garbage collection; the mock runs one itself after a sweep of 10 000 tokens or more.',
      '',
    );
    const rows = [
      ['idle', mb(mem.idleRssBytes), '', '', '', ''],
      ...mem.points.map((p, i) => [
        int(p.liveTokens),
        mb(p.rssBytes),
        `${int((p.rssBytes - (mem.points[i - 1]?.rssBytes ?? mem.idleRssBytes)) / (p.liveTokens - (mem.points[i - 1]?.liveTokens ?? 0)))} B`,
        int(p.getRps),
        `${ms(p.getP50)} / ${ms(p.getP99)}`,
        `${int(p.fillRate)}/s${p.fillNon2xx ? ` (**${p.fillNon2xx} non-2xx**)` : ''}`,
      ]),
    ];
    const after = mem.afterExpiryRssBytes;
    rows.push([
      `expired, ${mem.settleSeconds} s idle`,
      mb(after[after.length - 1] ?? Number.NaN),
      '',
      '',
      '',
      `RSS each second: ${after.map(mb).join(', ')}`,
    ]);
    rows.push(['expired, after 3 s of traffic', mb(mem.afterTrafficRssBytes), '', '', '', 'GET /token/{t} on the expired tokens (404), then 1 s']);
    out.push(table(['live tokens', 'RSS MB', 'RSS growth per token since the previous line', 'GET req/s', 'GET p50 / p99 ms', 'fill rate / notes'], rows));
    if (mem.tokenHeap) {
      out.push(
        '',
        `Heap per live token: **${int(mem.tokenHeap.bytesPerToken)} B** (\`bench/token-heap.ts\`: ${int(mem.tokenHeap.tokens)} logins through the mock's state in one process, ` +
          'no sockets; V8 heap after a full collection on each side). RSS grows by more, as V8 adds heap pages in steps.',
      );
    }
    for (const note of mem.notes) out.push('', `- ${note}`);
  } else out.push('_Not measured in this run._');
  if (results.usersScale?.length) {
    out.push(
      '',
      'Users: a fresh mock per line, started with a users file (JSON) of that many users (plus admin and alice); RSS one second after its first answer; ' +
        'then 1.5 s of POST /token (Basic) spread over 2 000 users taken evenly from the whole file.',
      '',
      table(
        ['users', 'start-up ms', 'RSS MB', 'POST /token req/s', 'p50 / p99 ms', 'non-2xx'],
        results.usersScale.map((u) => [int(u.users), int(u.startupMs), mb(u.rssBytes), int(u.postRps), `${ms(u.postP50)} / ${ms(u.postP99)}`, String(u.non2xx)]),
      ),
    );
  }
  out.push('');
  out.push('## Conformance suite', '');
  const su = results.suite;
  if (!su) out.push('_Not measured in this run._');
  else if (su.skipped) out.push(`Skipped: ${su.reason}. Command: \`${su.command}\`.`);
  else out.push(`\`${su.command}\` against the embedded mock: ${(su.wallMs / 1000).toFixed(1)} s wall time, exit code ${su.exitCode} (${su.summary}).`);
  out.push('');
  if (results.notes.length) {
    out.push('## Notes', '');
    for (const note of results.notes) out.push(`- ${note}`);
    out.push('');
  }
  return out.join('\n');
}

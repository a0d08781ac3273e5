/**
 * One bounded autocannon run and the figures the benchmark keeps from it.
 */
import autocannon from 'autocannon';
import { cpuSpan } from './cpu.ts';

/** What one load run measured. */
export interface LoadFigures {
  /** 2xx answers per second over the run's real duration. */
  rps: number;
  /** Latency percentiles of the 2xx answers, milliseconds. */
  p50: number;
  p99: number;
  /** Answers that were not 2xx, connection errors and timeouts: any of them makes the run suspect. */
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Status code → count, for the report when something went wrong. */
  statuses: Record<string, number>;
  durationS: number;
  /** Server CPU time per answer (µs), when the server's pid was given. */
  serverCpuUs?: number;
  /** CPU used by other processes of the machine during the run, in cores (0..2 here): noise. */
  otherCores?: number;
}

/**
 * Runs autocannon with `options` (its `duration` bounds the run; a watchdog stops it 5 s later at most).
 * With `serverPid`, also measures the server's CPU time per answer and the machine's other load.
 */
export async function runLoad(options: autocannon.Options, serverPid?: number): Promise<LoadFigures> {
  const durationS = Number(options.duration ?? 10);
  const span = serverPid === undefined ? undefined : cpuSpan(serverPid);
  return new Promise((resolve, reject) => {
    let instance: autocannon.Instance | undefined;
    const watchdog = setTimeout(() => instance?.stop(), (durationS + 5) * 1000);
    // autocannon's own histogram keeps whole milliseconds, too coarse for sub-millisecond answers:
    // keep every 2xx latency (a float, ms) and take exact percentiles.
    const latencies: number[] = [];
    instance = autocannon({ connections: 10, pipelining: 1, timeout: 5, ...options }, (err, result) => {
      clearTimeout(watchdog);
      if (err) return reject(err);
      latencies.sort((a, b) => a - b);
      const statuses: Record<string, number> = {};
      for (const [code, entry] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = (entry as { count: number }).count;
      const duration = result.duration > 0 ? result.duration : durationS;
      const cpu = span?.();
      const answers = Object.values(statuses).reduce((a, b) => a + b, 0);
      resolve({
        ...(cpu && answers > 0 ? { serverCpuUs: (cpu.serverS / answers) * 1e6, otherCores: cpu.otherS / cpu.wallS } : {}),
        rps: result['2xx'] / duration,
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statuses,
        durationS: duration,
      });
    });
    instance.on('error', reject);
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status >= 200 && status < 300) latencies.push(responseTime);
    });
  });
}

/** Sends exactly `amount` requests as fast as `connections` allow (used to fill the mock with tokens). */
export async function runAmount(options: autocannon.Options & { amount: number }): Promise<LoadFigures> {
  // A generous bound: even at 1 000 req/s the largest batch (100 000) finishes within it.
  return runLoad({ ...options, duration: Math.max(30, Math.ceil(options.amount / 1000)) });
}

/** The `q` quantile of sorted values (nearest rank), NaN when empty. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

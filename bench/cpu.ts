/**
 * CPU accounting from /proc (Linux): the CPU time a server spends per request, and how busy the rest
 * of the machine is (the benchmark shares two cores with whatever else runs there).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** User + system CPU seconds used so far by a process (all its threads). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the full line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Busy and total jiffies of the whole machine. */
export function systemTimes(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Fraction (0..1) of all cores that were busy over the next `ms` milliseconds. */
export async function machineBusy(ms = 1000): Promise<number> {
  const a = systemTimes();
  await sleep(ms);
  const b = systemTimes();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

/**
 * Waits (at most `maxWaitMs`) until the machine is quiet (less than `threshold` of its cores busy over
 * a second) and returns the last measured busy fraction, so the report can say how quiet it was.
 */
export async function waitForQuiet(maxWaitMs: number, threshold = 0.15): Promise<number> {
  const deadline = performance.now() + maxWaitMs;
  let busy = await machineBusy();
  while (busy >= threshold && performance.now() < deadline) busy = await machineBusy();
  return busy;
}

/** CPU seconds spent during a span: by the server, by this process (the load generator), by everything else. */
export interface CpuSpan {
  serverS: number;
  benchS: number;
  otherS: number;
  wallS: number;
}

/** Starts measuring a span; call the returned function at its end. */
export function cpuSpan(serverPid: number): () => CpuSpan {
  const server0 = processCpuSeconds(serverPid);
  const bench0 = process.cpuUsage();
  const machine0 = systemTimes();
  const wall0 = performance.now();
  return () => {
    const serverS = processCpuSeconds(serverPid) - server0;
    const bench = process.cpuUsage(bench0);
    const benchS = (bench.user + bench.system) / 1e6;
    const machineS = (systemTimes().busy - machine0.busy) / TICKS;
    return { serverS, benchS, otherS: Math.max(0, machineS - serverS - benchS), wallS: (performance.now() - wall0) / 1000 };
  };
}

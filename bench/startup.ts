/**
 * Start-up: from spawn() to the first 200 on POST /token (polled every 5 ms), median of N starts.
 */
import { waitForQuiet } from './cpu.ts';
import { median } from './stats.ts';
import { startTarget, stopTarget, type TargetSpec } from './targets.ts';

/** Start-up figures of one target. */
export interface StartupFigures {
  id: string;
  label: string;
  command: string;
  samplesMs: number[];
  medianMs: number;
}

/**
 * Starts and stops `spec` `count` times, one at a time, and keeps each time to first answer; with
 * `warmStart`, one unmeasured start comes first.
 */
export async function measureStartup(spec: TargetSpec, label: string, count: number, warmStart = false): Promise<StartupFigures> {
  const samplesMs: number[] = [];
  if (warmStart) await stopTarget(await startTarget(spec, { timeoutMs: 60_000, intervalMs: 5 }));
  for (let i = 0; i < count; i++) {
    await waitForQuiet(2000); // start-up is CPU-bound: give other work a moment to settle (bounded)
    const target = await startTarget(spec, { timeoutMs: 30_000, intervalMs: 5 });
    samplesMs.push(target.startupMs);
    await stopTarget(target);
  }
  return { id: spec.id, label, command: spec.describe('P'), samplesMs, medianMs: median(samplesMs) };
}

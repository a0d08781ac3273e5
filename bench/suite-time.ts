/**
 * Wall time of the conformance suite against the mock (`npx playwright test`, the configuration's
 * default target), or the reason it could not be measured.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startChild, stopChild } from './processes.ts';
import { ROOT } from './targets.ts';

/** The suite's run, or why it was skipped. */
export type SuiteFigures =
  | { skipped: false; wallMs: number; exitCode: number | null; summary: string; command: string }
  | { skipped: true; reason: string; command: string };

const COMMAND = 'npx playwright test';

/** Runs the suite once (bounded by `timeoutMs`) with the mock as target. */
export async function measureSuite(timeoutMs: number): Promise<SuiteFigures> {
  if (!existsSync(join(ROOT, 'playwright.config.ts'))) {
    return { skipped: true, reason: 'playwright.config.ts is not in the repository yet (the suite is being written)', command: COMMAND };
  }
  const specs = existsSync(join(ROOT, 'suites')) ? readdirSync(join(ROOT, 'suites')).filter((f) => f.endsWith('.spec.ts')) : [];
  if (specs.length === 0) {
    return { skipped: true, reason: 'suites/ has no *.spec.ts yet (the suite is being written)', command: COMMAND };
  }
  // The configuration targets the embedded mock when WAZO_AUTH_URL is unset: unset it (and the
  // credentials) so that a developer's environment cannot send the suite elsewhere.
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('WAZO_')) delete env[key];
  const started = performance.now();
  // Its own process group, so that a timeout also stops Playwright's workers and its web server.
  const child = startChild(process.execPath, [join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test'], {
    cwd: ROOT,
    env,
    captureStdout: true,
    group: true,
  });
  const timedOut = sleep(timeoutMs).then(() => 'timeout' as const);
  const outcome = await Promise.race([child.exited, timedOut]);
  const wallMs = performance.now() - started;
  await stopChild(child, 2000); // reaps anything the run left in its group
  if (outcome === 'timeout') {
    return { skipped: true, reason: `the suite did not finish within ${timeoutMs / 1000} s (killed)`, command: COMMAND };
  }
  // Playwright's list reporter ends with lines such as "57 passed (12.4s)"; the kit's reporter with
  // "88 requirements: 88 passed, ... · 102 tests in 10.3 s" and "Gate: PASS ...".
  const counts = child
    .stdoutTail()
    .split('\n')
    .map((line) => line.replace(/\x1b\[[0-9;]*m/g, '').trim())
    .filter((line) => /^\d+ (passed|failed|skipped|flaky|did not run|interrupted)\b/.test(line) || /^\d+ requirements:/.test(line) || /^Gate:/.test(line));
  return { skipped: false, wallMs, exitCode: outcome, summary: counts.join(', ') || 'no summary line', command: COMMAND };
}

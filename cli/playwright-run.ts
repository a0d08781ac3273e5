/**
 * Runs `playwright test` with the kit's own configuration (never the user's playwright.config.*), from
 * the user's working directory (where the reports and test-results/ go, never into the kit's folder,
 * which is node_modules/ when installed), and passes Ctrl-C on so that the suite's teardown (deleting
 * the tokens and users it created) still runs.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { codePath, PACKAGE_ROOT } from '../spec/package-root.ts';

/** The kit's root: the clone, or the installed package's folder (where package.json and spec/ are). */
export const REPO_ROOT = PACKAGE_ROOT;

/** The suite's Playwright configuration: playwright.config.ts in a clone, dist/playwright.config.js when compiled. */
export const SUITE_CONFIG = codePath('playwright.config.ts');

/** How the Playwright process ended. */
export interface PlaywrightExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** How many times the user interrupted (Ctrl-C or SIGTERM). */
  interrupts: number;
}

/** Spawns the local @playwright/test CLI and resolves when it exits. */
export function runPlaywright(args: string[], env: NodeJS.ProcessEnv, options: { onInterrupt?: (count: number) => void } = {}): Promise<PlaywrightExit> {
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  const child = spawn(process.execPath, [cli, 'test', '--config', SUITE_CONFIG, ...args], {
    cwd: process.cwd(),
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    // Its own process group: a terminal's Ctrl-C reaches only us, and we pass it on exactly once.
    // Playwright treats a second SIGINT as "stop now, skip the teardown", so a double delivery (ours
    // plus the terminal's) would leave tokens behind on the target.
    detached: true,
  });
  let interrupts = 0;
  const forward = () => {
    interrupts++;
    options.onInterrupt?.(interrupts);
    // 1st: graceful (teardown runs); 2nd: Playwright stops at once; 3rd: kill.
    child.kill(interrupts >= 3 ? 'SIGKILL' : 'SIGINT');
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
      resolve({ code, signal, interrupts });
    });
  });
}

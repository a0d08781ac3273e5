/**
 * Child processes of the kit's own checks (the mutation gate, the Prism check, the proxy command): the
 * mock on a free port of 127.0.0.1, Prism, and the conformance suite run against a URL into a report
 * directory. Every child is started in its own process group and remembered, so that
 * {@link stopAllChildren} (called on exit, on errors and on Ctrl-C) ends exactly the processes we
 * started, by their ids, and their own children with them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { DEFAULT_USERS } from '../mock/state/seed.ts';
import type { ConformanceResult } from './report/model.ts';
import { codePath } from '../spec/package-root.ts';
import { REPO_ROOT, SUITE_CONFIG } from './playwright-run.ts';

const live = new Set<ChildProcess>();

/** Ends a child and its process group (SIGTERM, then SIGKILL after `graceMs`); resolves when it has exited. */
export function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      live.delete(child);
      return resolve();
    }
    const kill = (signal: NodeJS.Signals) => {
      try {
        // Negative pid: the child's own process group (it was spawned detached), so a shell or npx
        // wrapper takes its node process with it.
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
    };
    const timer = setTimeout(() => kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      live.delete(child);
      resolve();
    });
    kill('SIGTERM');
  });
}

/** Ends every child still running (on exit, errors and interrupts). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child, 1_000)));
}

let hooked = false;
/** Makes sure no child outlives us, even on an uncaught error: they are killed on exit (synchronously). */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** For scripts: on SIGINT/SIGTERM, stop every child, then exit 130. */
export function stopChildrenOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nwazo-auth-kit: ${signal}: stopping ${live.size} child process(es)\n`);
      void stopAllChildren().finally(() => process.exit(130));
    });
  }
}

/** Spawns a remembered child in its own process group. */
export function startChild(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; stdio?: 'ignore' | 'pipe' } = {}): ChildProcess {
  hookExit();
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', options.stdio ?? 'ignore', options.stdio ?? 'ignore'],
    detached: true,
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Keeps the last `max` characters a stream wrote (for error messages; never unbounded). */
export function tail(child: ChildProcess, max = 4_000): () => string {
  let text = '';
  const add = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-max);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => text;
}

/** A free TCP port of 127.0.0.1 (the OS picks; a small race with other processes is possible). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `url` until it answers (any status), the child exits, or `timeoutMs` passes. */
export async function waitUntilServing(url: string, child: ChildProcess, what: string, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before serving: ${output().trim().split('\n').slice(-3).join(' | ')}`);
    }
    try {
      const res = await request(url, { method: 'GET', headersTimeout: 2_000, bodyTimeout: 2_000 });
      await res.body.dump();
      return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${what} did not serve ${url} within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A mock started as a child process. */
export interface MockChild {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `http://127.0.0.1:<port>/0.1` */
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the mock (`wazo-auth-kit mock`) on a free port of 127.0.0.1, HTTP only, with extra arguments (e.g. `--fault NAME`). */
export async function startMockChild(extraArgs: string[] = []): Promise<MockChild> {
  const port = await freePort();
  const child = startChild(process.execPath, ['bin/wazo-auth-kit.js', 'mock', '--host', '127.0.0.1', '--port', String(port), '--tls', 'off', '--log-level', 'error', ...extraArgs], {
    stdio: 'pipe',
  });
  const output = tail(child);
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilServing(`${origin}/_mock/state`, child, 'the mock', output);
  return { origin, url: `${origin}/0.1`, child, stop: () => stopChild(child) };
}

/** The mock's seeded accounts, as the suite's variables (mock/state/seed.ts; README "Mock default users"). */
export function mockAccountsEnv(): Record<string, string> {
  const user = DEFAULT_USERS.find((u) => u.purpose === 'user')!;
  const admin = DEFAULT_USERS.find((u) => u.purpose === 'internal')!;
  return { WAZO_USERNAME: user.username, WAZO_PASSWORD: user.password, WAZO_ADMIN_USERNAME: admin.username, WAZO_ADMIN_PASSWORD: admin.password };
}

/** What one suite run needs. */
export interface SuiteRunOptions {
  /** WAZO_AUTH_URL. */
  url: string;
  /** Where conformance.json and the Playwright output go (a fresh temporary directory). */
  dir: string;
  /** Playwright `--grep` (a regular expression over titles and `@ID` tags). */
  grep?: string;
  /** Playwright workers (WAZO_KIT_WORKERS); the config's default when absent. */
  workers?: number;
  /** The run is stopped after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** WAZO_VERSION: the release the suite judges the target by; inferred when absent. */
  wazoVersion?: string;
  /** WAZO_MAILBOX_URL: the mock's outbox (`<origin>/_mock/mails`), for the tests that need a mail's token. */
  mailbox?: string;
}

/** How a suite run ended: its conformance.json (when it got that far) and its last output. */
export interface SuiteRun {
  result?: ConformanceResult;
  exitCode: number | null;
  timedOut: boolean;
  output: string;
  durationMs: number;
}

/**
 * Runs the conformance suite (Playwright, the kit's reporter only) against `url` with the mock's
 * accounts, writing into `dir`; resolves with its conformance.json.
 */
export async function runSuite(options: SuiteRunOptions): Promise<SuiteRun> {
  const started = Date.now();
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  const env: NodeJS.ProcessEnv = { ...process.env, ...mockAccountsEnv() };
  for (const name of ['WAZO_KIT_RUN_ID', 'WAZO_KIT_MOCK_PORT', 'WAZO_INSECURE', 'WAZO_KIT_STRICT', 'WAZO_KIT_EXPECT_FAILURES', 'WAZO_KIT_GREP', 'WAZO_VERSION', 'WAZO_KIT_MOCK_WAZO_VERSION', 'WAZO_MAILBOX_URL']) delete env[name];
  Object.assign(env, {
    WAZO_AUTH_URL: options.url,
    WAZO_KIT_REPORTS_DIR: options.dir,
    WAZO_KIT_CLEANUP_DIR: join(options.dir, 'cleanup'),
    ...(options.grep ? { WAZO_KIT_GREP: options.grep } : {}),
    ...(options.workers ? { WAZO_KIT_WORKERS: String(options.workers) } : {}),
    ...(options.wazoVersion ? { WAZO_VERSION: options.wazoVersion } : {}),
    ...(options.mailbox ? { WAZO_MAILBOX_URL: options.mailbox } : {}),
    FORCE_COLOR: '0',
  });
  const args = [cli, 'test', '--config', SUITE_CONFIG, '--reporter', codePath('cli/report/reporter.ts'), '--output', join(options.dir, 'playwright')];
  if (options.grep) args.push('--grep', options.grep);
  const child = startChild(process.execPath, args, { env, stdio: 'pipe' });
  const output = tail(child, 20_000);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopChild(child);
  }, options.timeoutMs ?? 600_000);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(timer);
  let result: ConformanceResult | undefined;
  try {
    result = JSON.parse(readFileSync(join(options.dir, 'conformance.json'), 'utf8')) as ConformanceResult;
  } catch {
    result = undefined;
  }
  return { result, exitCode, timedOut, output: output(), durationMs: Date.now() - started };
}

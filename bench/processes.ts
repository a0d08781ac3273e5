/**
 * Child processes of the benchmark: every server it starts is registered here so that it is stopped on
 * success, on error and on Ctrl-C, by its own pid and never by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const children = new Set<ChildProcess>();
/** Children started as leaders of their own process group (their descendants die with them). */
const groups = new WeakSet<ChildProcess>();

/** A server process started by the benchmark. */
export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Epoch milliseconds (performance.now()) when spawn() was called. */
  spawnedAt: number;
  /** The last lines it wrote on stderr (for error messages). */
  stderrTail(): string;
  /** The last lines it wrote on stdout (only with `captureStdout`). */
  stdoutTail(): string;
  /** Resolves once the process has exited. */
  exited: Promise<number | null>;
}

/** Starts a process (no shell), keeps the tail of its stderr, and registers it for clean-up. */
export function startChild(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; captureStdout?: boolean; group?: boolean } = {},
): Child {
  const spawnedAt = performance.now();
  const proc = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    // stdout is discarded by the OS unless asked for (Prism's default configuration logs every
    // request there); stderr is kept for diagnostics.
    stdio: ['ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'],
    // A group leader can be stopped with everything it started (Playwright's workers and web server).
    detached: options.group ?? false,
  });
  if (proc.pid === undefined) throw new Error(`[bench] could not start ${command} ${args.join(' ')}`);
  children.add(proc);
  if (options.group) groups.add(proc);
  let tail = '';
  let outTail = '';
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
  });
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (chunk: string) => {
    outTail = (outTail + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => {
      children.delete(proc);
      resolve(code);
    });
  });
  return { proc, pid: proc.pid, spawnedAt, stderrTail: () => tail, stdoutTail: () => outTail, exited };
}

/** Sends a signal to a child, or to its whole process group when it leads one. */
function signal(proc: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (groups.has(proc) && proc.pid !== undefined) process.kill(-proc.pid, sig);
    else proc.kill(sig);
  } catch {
    // already gone
  }
}

/** Stops one child: SIGTERM (lets the mock flush a --cpu-prof profile), then SIGKILL after `graceMs`. */
export async function stopChild(child: Child, graceMs = 5000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
    if (groups.has(child.proc)) signal(child.proc, 'SIGKILL');
    return;
  }
  signal(child.proc, 'SIGTERM');
  const timer = sleep(graceMs).then(() => 'timeout' as const);
  if ((await Promise.race([child.exited.then(() => 'exited' as const), timer])) === 'timeout') {
    signal(child.proc, 'SIGKILL');
    await child.exited;
  }
}

/** Kills every registered child at once (synchronous: safe in an 'exit' handler). */
export function killAllChildren(): void {
  for (const proc of children) signal(proc, 'SIGKILL');
  children.clear();
}

let installed = false;
/** Makes sure no child outlives the benchmark, whatever way it ends. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      console.error(`\n[bench] ${signal}: stopping ${children.size} server(s)`);
      killAllChildren();
      process.exit(130);
    });
  }
}

/** A free TCP port on 127.0.0.1 (bound then released; the tiny race is acceptable on a quiet machine). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match?.[1]) throw new Error(`[bench] no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Polls `probe` every `intervalMs` until it returns true; resolves to the time (performance.now())
 * of the first success. Rejects after `timeoutMs` or when the child exits first.
 */
export async function waitUntil(
  child: Child,
  probe: () => Promise<boolean>,
  { timeoutMs = 20000, intervalMs = 5 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  while (performance.now() < deadline) {
    if (exited) throw new Error(`[bench] pid ${child.pid} exited before answering:\n${child.stderrTail()}`);
    if (await probe().catch(() => false)) return performance.now();
    await sleep(intervalMs);
  }
  throw new Error(`[bench] pid ${child.pid} did not answer within ${timeoutMs} ms:\n${child.stderrTail()}`);
}

/**
 * Starts the kit's mock as a separate process on a free port of 127.0.0.1, the way playwright.config.ts
 * does, for end-to-end tests that need to put something (a proxy) between the suite and the mock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { REPO_ROOT } from '../playwright-run.ts';

/** A running mock. */
export interface MockProcess {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts `mock/main.ts` and waits until it serves its description (at most 20 s). */
export async function startMock(): Promise<MockProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'mock/main.ts', '--host', '127.0.0.1', '--port', String(port), '--tls', 'off', '--log-level', 'error'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the mock exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${origin}/0.1/api/api.yml`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error('the mock did not start within 20 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    origin,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The servers the benchmark puts side by side: the mock, Prism in its fastest and default
 * configurations, and a bare node:http server (the ceiling). Each runs in its own process on
 * 127.0.0.1 so that its CPU and memory are its own.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { freePort, startChild, stopChild, waitUntil, type Child } from './processes.ts';

/** Repository root (bench/..). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SPEC_FILE = 'spec/wazo-auth.yaml';

/** The target identifiers, in table order. */
export type TargetId = 'mock' | 'mock-nocheck' | 'prism-fast' | 'prism-default' | 'ceiling';
export const TARGET_IDS: TargetId[] = ['mock', 'mock-nocheck', 'prism-fast', 'prism-default', 'ceiling'];

/** How a target is started and addressed. */
export interface TargetSpec {
  id: TargetId;
  label: string;
  /** The command line, for the report. */
  describe(port: number | string): string;
  command(port: number): { command: string; args: string[] };
  /** URL prefix in front of `/token` (the mock answers under /0.1; Prism ignores the servers' paths). */
  prefix: string;
  /** False for servers that keep no state: their fixtures are stand-in values, any token works. */
  stateful: boolean;
}

/** A target that is up. */
export interface RunningTarget {
  spec: TargetSpec;
  child: Child;
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Milliseconds from spawn to the first successful answer. */
  startupMs: number;
}

/** Options of the mock's process (the CLI of mock/main.ts). */
export interface MockProcessOptions {
  /** Default `mock`; `mock-nocheck` for the variant run with `--check-responses off`. */
  id?: 'mock' | 'mock-nocheck';
  /**
   * `bin` (default): `node bin/wazo-auth-kit.js mock`, as users and the suite start it (from the cached
   * esbuild bundle, in this process); `tsx`: `node --import tsx mock/main.ts`, the sources through tsx.
   */
  entry?: 'bin' | 'tsx';
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** Extra mock arguments, e.g. `--users FILE`. */
  mockArgs?: string[];
}

const require = createRequire(import.meta.url);
/** Prism's CLI script, run with this node directly (no shell, no npx: one process, its own pid). */
export const PRISM_CLI = require.resolve('@stoplight/prism-cli/dist/index.js');

const nodeCmd = (args: string[]) => ({ command: process.execPath, args });

/** The mock in one process (either entry runs the server in the process it starts), so its pid is the server's. */
export function mockSpec(options: MockProcessOptions = {}): TargetSpec {
  const entry = options.entry === 'tsx' ? ['--import', 'tsx', 'mock/main.ts'] : ['bin/wazo-auth-kit.js', 'mock'];
  const mockArgs = (port: number | string) => [
    ...entry,
    '--host', '127.0.0.1', '--port', String(port), '--tls', 'off', '--log-level', 'silent',
    ...(options.mockArgs ?? []),
  ];
  return {
    id: options.id ?? 'mock',
    label: options.id === 'mock-nocheck' ? 'mock, --check-responses off' : 'mock',
    describe: (port) => `node ${[...(options.nodeFlags ?? []), ...mockArgs(port)].join(' ')}`,
    command: (port) => nodeCmd([...(options.nodeFlags ?? []), ...mockArgs(port)]),
    prefix: '/0.1',
    stateful: true,
  };
}

/**
 * Prism's fastest configuration: static examples (its default; `--dynamic` would run json-schema-faker
 * on every answer) and logging silenced (`-v silent`; by default it logs several lines per request).
 * `--errors` stays off, as by default.
 */
export const PRISM_FAST_FLAGS = ['--verboseLevel', 'silent'];

/** Prism as `prism mock spec/wazo-auth.yaml` with the given extra flags. */
export function prismSpec(id: 'prism-fast' | 'prism-default', flags: string[]): TargetSpec {
  const args = (port: number | string) => [PRISM_CLI, 'mock', SPEC_FILE, '--host', '127.0.0.1', '--port', String(port), ...flags];
  return {
    id,
    label: id === 'prism-fast' ? 'Prism (static, silent)' : 'Prism (default)',
    describe: (port) => `prism mock ${SPEC_FILE} --host 127.0.0.1 --port ${port}${flags.length ? ' ' + flags.join(' ') : ''}`,
    command: (port) => nodeCmd(args(port)),
    prefix: '',
    stateful: false,
  };
}

/** The bare node:http server (bench/ceiling-server.ts). */
export const ceilingSpec: TargetSpec = {
  id: 'ceiling',
  label: 'bare node:http',
  describe: (port) => `node --import tsx bench/ceiling-server.ts --port ${port}`,
  command: (port) => nodeCmd(['--import', 'tsx', 'bench/ceiling-server.ts', '--port', String(port)]),
  prefix: '',
  stateful: false,
};

/** The default login of the mock (and of the reference recordings): alice / alice-pw. */
export const ALICE = { username: 'alice', password: 'alice-pw' };
/** The mock's default administrator. */
export const ADMIN = { username: 'admin', password: 'admin-secret' };

/** `Basic base64(user:password)` */
export function basic(user: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
}

/** A successful POST /token with alice's credentials: the readiness probe every target shares. */
export async function probeToken(origin: string, prefix: string): Promise<boolean> {
  const response = await fetch(`${origin}${prefix}/token`, {
    method: 'POST',
    headers: { authorization: basic(ALICE), 'content-type': 'application/json', connection: 'close' },
    body: '{"expiration":60}',
    signal: AbortSignal.timeout(2000),
  });
  await response.arrayBuffer();
  return response.status === 200;
}

/** Starts a target on a free port and waits (bounded) for its first successful answer. */
export async function startTarget(spec: TargetSpec, { timeoutMs = 30000, intervalMs = 5 } = {}): Promise<RunningTarget> {
  const port = await freePort();
  const { command, args } = spec.command(port);
  const child = startChild(command, args, { cwd: ROOT });
  const origin = `http://127.0.0.1:${port}`;
  try {
    const readyAt = await waitUntil(child, () => probeToken(origin, spec.prefix), { timeoutMs, intervalMs });
    return { spec, child, port, origin, startupMs: readyAt - child.spawnedAt };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** Stops a target (SIGTERM, then SIGKILL). */
export async function stopTarget(target: RunningTarget): Promise<void> {
  await stopChild(target.child);
}

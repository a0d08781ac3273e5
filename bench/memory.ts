/**
 * Memory and scale of the mock: RSS idle, then with 1k, 10k and 100k live tokens (with the GET
 * /token/{t} latency at each level), then after every token has expired and the mock has swept them.
 *
 * Tokens are created honestly, through POST /token with Basic credentials, by autocannon with a fixed
 * number of requests. The mock (like wazo-auth) refuses a user's 101st live session with 429, so the
 * tokens are spread over many users loaded from a users file: at most 50 per user.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { advanceClock, storedTokenCount } from './mock-controls.ts';
import { pool, login } from './fixtures.ts';
import { runAmount, runLoad } from './load.ts';
import { rssOf } from './processes.ts';
import type { RunningTarget } from './targets.ts';
import { workloadOptions, type BenchUser, type Fixtures } from './workloads.ts';

/** One level of the scale measurement. */
export interface ScalePoint {
  liveTokens: number;
  rssBytes: number;
  /** GET /token/{t} over a sample of the live tokens. */
  getRps: number;
  getP50: number;
  getP99: number;
  /** Non-2xx answers while filling up to this level (must be 0). */
  fillNon2xx: number;
  /** Tokens created per second while filling up to this level. */
  fillRate: number;
}

/** What the memory phase measured. */
export interface MemoryFigures {
  users: number;
  idleRssBytes: number;
  points: ScalePoint[];
  /** How long RSS was sampled after the clock moved (longer than the mock's sweep interval). */
  settleSeconds: number;
  /** RSS samples (one a second) after the tokens expired; the last is the figure. */
  afterExpiryRssBytes: number[];
  /** RSS after 3 s of light traffic (404s on the expired tokens) that follows the idle pause. */
  afterTrafficRssBytes: number;
  /** Heap per live token from bench/token-heap.ts (no sockets), when it ran. */
  tokenHeap?: { tokens: number; bytesPerToken: number };
  notes: string[];
}

/** Runs bench/token-heap.ts in a child process (it needs --expose-gc); undefined if it fails. */
export async function measureTokenHeap(root: string, tokens = 100_000): Promise<{ tokens: number; bytesPerToken: number } | undefined> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/token-heap.ts', '--tokens', String(tokens)], {
      cwd: root,
      timeout: 120_000,
    });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as { tokens: number; bytesPerToken: number };
  } catch {
    return undefined;
  }
}

/** Live-token levels: cumulative. */
export const LEVELS = [1_000, 10_000, 100_000];
const SAMPLE_TOKENS = 200;
const LONG_EXPIRATION = 3600;

/**
 * Runs the memory phase against a freshly started mock holding `users` (and nothing else).
 * `latencySeconds` bounds each GET measurement; `settleSeconds` is the pause after expiry.
 */
export async function measureMemory(
  mock: RunningTarget,
  users: BenchUser[],
  { latencySeconds, settleSeconds, connections }: { latencySeconds: number; settleSeconds: number; connections: number },
): Promise<MemoryFigures> {
  const notes: string[] = [];
  await sleep(2000);
  const idleRssBytes = rssOf(mock.child.pid);

  // A sample of live tokens for the latency measurements, one per user (they count toward the levels).
  const sample = await pool(users.slice(0, SAMPLE_TOKENS), 16, async (user) => (await login(mock.origin, mock.spec.prefix, user, { expiration: LONG_EXPIRATION })).token);
  let live = sample.length;
  const fixtures: Fixtures = { users, tokens: sample, refreshTokens: [], fallbackRefreshToken: '' };

  const points: ScalePoint[] = [];
  for (const level of LEVELS) {
    const amount = level - live;
    const started = performance.now();
    const fill = await runAmount({
      ...workloadOptions('post-token', { origin: mock.origin, prefix: mock.spec.prefix, stateful: true }, fixtures, { connections: 20, duration: 0 }),
      amount,
      // Spread over users from the sample onward so that no user exceeds 50 live sessions.
      connections: 20,
    });
    const fillSeconds = (performance.now() - started) / 1000;
    live = level;
    if (fill.non2xx > 0 || fill.errors > 0) notes.push(`filling to ${level} tokens: ${fill.non2xx} non-2xx (${JSON.stringify(fill.statuses)}), ${fill.errors} errors`);
    if (level === LEVELS[0]) {
      // Cheap at this level only (GET /_mock/state lists every live token): check the bookkeeping.
      const stored = await storedTokenCount(mock.origin);
      // The readiness probe's login (alice) is live too: at least `level`, at most a few more.
      if (stored !== undefined && (stored < level || stored > level + 5)) notes.push(`at the ${level} level the mock listed ${stored} live tokens`);
    }
    const get = await runLoad(workloadOptions('get-token', { origin: mock.origin, prefix: mock.spec.prefix, stateful: true }, fixtures, { connections, duration: latencySeconds }));
    points.push({
      liveTokens: level,
      rssBytes: rssOf(mock.child.pid),
      getRps: get.rps,
      getP50: get.p50,
      getP99: get.p99,
      fillNon2xx: fill.non2xx,
      fillRate: amount / fillSeconds,
    });
  }

  // Expire everything: move the mock's clock past the tokens' lifetime, check that a token is gone,
  // then sample RSS once a second while the mock's periodic sweep drops the records.
  await advanceClock(mock.origin, LONG_EXPIRATION * 2);
  const probe = await fetch(`${mock.origin}${mock.spec.prefix}/token/${sample[0]}`, { signal: AbortSignal.timeout(10_000) });
  await probe.arrayBuffer();
  if (probe.status !== 404) notes.push(`after the clock moved, GET /token/{t} of a live token answered ${probe.status} (expected 404)`);
  // No GC is forced (the mock has no switch for it): the figure is what a developer would see.
  const afterExpiryRssBytes: number[] = [];
  for (let i = 0; i < settleSeconds; i++) {
    await sleep(1000);
    afterExpiryRssBytes.push(rssOf(mock.child.pid));
  }
  // An idle V8 heap is not collected, so idle RSS says little about what was freed. A frontend keeps
  // talking to the mock: 3 s of GET /token/{t} on the expired tokens (404s) let the garbage collector
  // run as it would in use; then RSS is read again after a second.
  const traffic = await runLoad(workloadOptions('get-token', { origin: mock.origin, prefix: mock.spec.prefix, stateful: true }, fixtures, { connections, duration: 3 }));
  if (traffic.non2xx === 0) notes.push('expired tokens still answered 2xx after the clock moved');
  await sleep(1000);
  const afterTrafficRssBytes = rssOf(mock.child.pid);
  return { users: users.length, idleRssBytes, points, settleSeconds, afterExpiryRssBytes, afterTrafficRssBytes, notes };
}

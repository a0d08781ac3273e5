/**
 * How the mock's cost grows with the number of users: for 1k, 10k and 100k users in a users file,
 * the time to its first answer, its RSS once up, and POST /token (the path that looks users up).
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchUsers, writeUsersFile } from './fixtures.ts';
import { runLoad } from './load.ts';
import { rssOf } from './processes.ts';
import { mockSpec, startTarget, stopTarget } from './targets.ts';
import { workloadOptions } from './workloads.ts';

/** One users level. */
export interface UsersPoint {
  users: number;
  startupMs: number;
  rssBytes: number;
  postRps: number;
  postP50: number;
  postP99: number;
  non2xx: number;
}

/** The users levels measured. */
export const USER_LEVELS = [1_000, 10_000, 100_000];

/** Starts a mock per level (users file in `workDir`), measures it, stops it. */
export async function measureUsersScale(workDir: string, { loadSeconds, connections }: { loadSeconds: number; connections: number }): Promise<UsersPoint[]> {
  const points: UsersPoint[] = [];
  for (const count of USER_LEVELS) {
    const users = benchUsers(count);
    const file = join(workDir, `users-${count}.json`);
    writeUsersFile(file, users);
    const mock = await startTarget(mockSpec({ mockArgs: ['--users', file] }), { timeoutMs: 60_000, intervalMs: 5 });
    try {
      await sleep(1000);
      const rssBytes = rssOf(mock.child.pid);
      // 2 000 logins spread evenly over all the users: the load generator prebuilds one request per
      // login, and 100 000 of them would eat the measurement window.
      const step = Math.max(1, Math.floor(count / 2000));
      const sample = users.filter((_, i) => i % step === 0);
      const fixtures = { users: sample, tokens: [], refreshTokens: [], fallbackRefreshToken: '' };
      const load = await runLoad(
        workloadOptions('post-token', { origin: mock.origin, prefix: mock.spec.prefix, stateful: true }, fixtures, { connections, duration: loadSeconds }),
        mock.child.pid,
      );
      points.push({ users: count, startupMs: mock.startupMs, rssBytes, postRps: load.rps, postP50: load.p50, postP99: load.p99, non2xx: load.non2xx });
    } finally {
      await stopTarget(mock);
    }
  }
  return points;
}

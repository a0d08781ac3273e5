/**
 * Bench users and the tokens the workloads need. Against the mock they are real (created through the
 * API); against stateless targets (Prism, the bare server) the same requests are made and whatever
 * comes back is used, with a stand-in refresh token when the answer carries none.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { DEFAULT_USERS, type SeedUser } from '../mock/state/seed.ts';
import { basic, ADMIN } from './targets.ts';
import { BENCH_CLIENT_ID, type BenchUser, type Fixtures } from './workloads.ts';

/** `count` users named bench-00001… with their own passwords. */
export function benchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(5, '0');
    return { username: `bench-${n}`, password: `bench-pw-${n}` };
  });
}

/** The same users as seeds for an in-process `MockState`: plain users like alice (the default user policy). */
export function benchSeedUsers(users: BenchUser[]): SeedUser[] {
  const alice = DEFAULT_USERS.find((u) => u.username === 'alice')!;
  return users.map((u) => ({ ...alice, username: u.username, password: u.password, uuid: randomUUID(), email: null }));
}

/**
 * Writes a users file for `mock --users FILE`: the default admin (the bench needs an administrator),
 * alice (the readiness probe logs in as her) and the bench users. JSON, as a generated file would be
 * (the mock reads YAML too, but parses a large JSON file far faster: mock/README.md).
 */
export function writeUsersFile(path: string, users: BenchUser[]): void {
  const entry = (u: BenchUser, extra: Record<string, unknown> = {}) => ({ username: u.username, password: u.password, ...extra });
  const doc = {
    users: [
      entry(ADMIN, { purpose: 'internal', acl: ['#'] }),
      entry({ username: 'alice', password: 'alice-pw' }),
      ...users.map((u) => entry(u)),
    ],
  };
  writeFileSync(path, JSON.stringify(doc));
}

/** Runs `task` over `items` with at most `concurrency` in flight; results keep the input order. */
export async function pool<T, R>(items: T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** POST /token as `user`; resolves to the answer's data (throws on anything but 200). */
export async function login(
  origin: string,
  prefix: string,
  user: BenchUser,
  body: Record<string, unknown> = { expiration: 3600 },
): Promise<{ token: string; refresh_token?: string }> {
  const response = await fetch(`${origin}${prefix}/token`, {
    method: 'POST',
    headers: { authorization: basic(user), 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`[bench] POST ${prefix}/token as ${user.username}: ${response.status} ${text.slice(0, 200)}`);
  return (JSON.parse(text) as { data: { token: string; refresh_token?: string } }).data;
}

/**
 * Fixtures for one target: `tokenCount` live access tokens (one login per user, round-robin) and,
 * when `withRefresh`, one refresh token for each of the first `refreshUsers` users (offline login with
 * client_id `bench`).
 */
export async function prepareFixtures(
  target: { origin: string; prefix: string; stateful: boolean },
  users: BenchUser[],
  { tokenCount, withRefresh, refreshUsers = users.length }: { tokenCount: number; withRefresh: boolean; refreshUsers?: number },
): Promise<Fixtures> {
  const fallbackRefreshToken = randomUUID();
  const tokenUsers = Array.from({ length: tokenCount }, (_, i) => users[i % users.length] as BenchUser);
  const tokens = await pool(tokenUsers, 16, async (user) => (await login(target.origin, target.prefix, user)).token);
  let refreshTokens: Fixtures['refreshTokens'] = [];
  if (withRefresh) {
    refreshTokens = await pool(users.slice(0, refreshUsers), 16, async (user) => {
      const data = await login(target.origin, target.prefix, user, { expiration: 3600, access_type: 'offline', client_id: BENCH_CLIENT_ID });
      if (!data.refresh_token && target.stateful) throw new Error(`[bench] offline login of ${user.username} gave no refresh_token`);
      return { refreshToken: data.refresh_token ?? fallbackRefreshToken, clientId: BENCH_CLIENT_ID };
    });
  }
  return { users, tokens, refreshTokens, fallbackRefreshToken };
}

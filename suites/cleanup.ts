/**
 * Leaves nothing behind on the target: every access token, refresh token and throwaway user a test
 * creates is recorded here and removed when the test ends, pass or fail (fixture teardown). Each
 * record is also appended to a file, so that the global teardown (and the next run's global setup, after
 * a run was killed) can remove what a test could not.
 *
 * Order matters on the real service: deleting a user does not end its tokens (obs. 13b), so tokens
 * and refresh tokens go first, then users, then tenants, the last created first (a tenant with a
 * sub-tenant cannot be deleted).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { basicAuthorization as basic, send } from './http.ts';
import { shortToken } from './redact.ts';
import type { Credentials, Target } from './target.ts';

/** One thing the suite created on the target. */
export type CleanupEntry =
  | { kind: 'token'; token: string }
  | { kind: 'refresh'; refreshToken: string; clientId: string }
  /**
   * An offline login of the configured user was sent with this client_id. Recorded BEFORE the request,
   * so that a run killed while the answer was on its way still finds the refresh token: the sweep logs
   * in as that user and deletes it by client_id.
   */
  | { kind: 'client'; clientId: string; username: string }
  /** A user creation was sent with this username (recorded before the request, like `client`). */
  | { kind: 'username'; username: string }
  | { kind: 'user'; uuid: string; username?: string }
  /** A tenant creation was sent with this (run-prefixed) name (recorded before the request, like `username`). */
  | { kind: 'tenant-name'; name: string }
  | { kind: 'tenant'; uuid: string; name?: string }
  /** A throwaway policy or group (issue 15): deleted through the admin, groups first, before users. */
  | { kind: 'policy'; uuid: string }
  | { kind: 'group'; uuid: string }
  /** A config of an external auth type the suite stored in the admin's tenant (deleted with the admin). */
  | { kind: 'external-config'; type: string };

/**
 * Where the registry files live (test-results/ of the caller's directory, as the suite's other output):
 * outside Playwright's outputDir (which Playwright empties at the start
 * of every run) so that a killed run's records survive until the next run cleans them up.
 */
export const CLEANUP_DIR = process.env.WAZO_KIT_CLEANUP_DIR ?? resolve(process.env.WAZO_KIT_CALLER_CWD || process.cwd(), 'test-results', 'wazo-auth-kit-cleanup');

/** The registry of one test (or of the global setup). */
export class CleanupRegistry {
  readonly entries: CleanupEntry[] = [];

  /** @param file append-only JSON-lines copy of the entries; undefined keeps them in memory only. */
  constructor(private readonly file?: string) {}

  /** Records one created thing. */
  add(entry: CleanupEntry): void {
    const key = JSON.stringify(entry);
    if (this.entries.some((e) => JSON.stringify(e) === key)) return;
    this.entries.push(entry);
    if (!this.file) return;
    try {
      appendFileSync(this.file, `${key}\n`);
    } catch {
      // The directory went away (swept by hand): recreate it; the in-memory copy is still complete.
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${key}\n`);
    }
  }

  /** Removes everything recorded; returns what could not be removed (redacted, one line each). */
  async run(target: Target): Promise<string[]> {
    const problems = await removeAll(this.entries, target);
    if (problems.length === 0 && this.file) rmSync(this.file, { force: true });
    return problems;
  }
}

/**
 * Creates this run's registry directory, owned by `pid` (the Playwright runner): a sweep leaves the
 * directories of runs that are still alive alone.
 */
export function openRun(runId: string, baseURL: string, pid: number): string {
  const dir = join(CLEANUP_DIR, runId);
  if (!existsSync(join(dir, 'run.json'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ baseURL, runId, pid, startedAt: new Date().toISOString() }));
  }
  return dir;
}

/** The registry file of one test of this run. */
export function registryFile(runId: string, baseURL: string, name: string): string {
  const dir = openRun(runId, baseURL, process.ppid);
  return join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl`);
}

function alive(pid: unknown): boolean {
  if (typeof pid !== 'number' || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** The access token of a POST /token answer (with or without the `data` envelope). */
function tokenOf(body: unknown): string | undefined {
  const b = body as { data?: { token?: unknown }; token?: unknown } | undefined;
  const token = b?.data?.token ?? b?.token;
  return typeof token === 'string' ? token : undefined;
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

/** Removes refresh tokens, then access tokens, then users (needs the admin for users). */
export async function removeAll(entries: CleanupEntry[], target: Target): Promise<string[]> {
  const problems: string[] = [];
  const base = target.baseURL;
  const opts = { insecure: target.insecure };
  const deleteToken = async (token: string) => {
    try {
      const res = await send({ method: 'DELETE', url: `${base}/token/${encodeURIComponent(token)}`, headers: {} }, opts);
      if (res.status >= 300 && res.status !== 404) problems.push(`token ${shortToken(token)}: DELETE answered ${res.status}`);
    } catch (error) {
      problems.push(`token ${shortToken(token)}: ${(error as Error).message}`);
    }
  };

  // A refresh token is deleted by its own user; a refresh grant gives us that user's access token
  // without any password. It answers 401 when the refresh token is already gone, but also when a broken
  // server stopped honouring it (refresh tokens that die after a few seconds): such a client_id of the
  // configured user is then deleted after a password login, below, like an intent whose answer never came.
  const refreshes = entries.filter((e): e is Extract<CleanupEntry, { kind: 'refresh' }> => e.kind === 'refresh');
  const deleted = new Set<string>();
  await mapLimit(refreshes, 5, async (entry) => {
    try {
      const grant = await send(
        {
          method: 'POST',
          url: `${base}/token`,
          headers: { 'content-type': 'application/json' },
          body: json({ client_id: entry.clientId, refresh_token: entry.refreshToken, expiration: 60 }),
        },
        opts,
      );
      if (grant.status === 401 || grant.status === 404) return;
      const access = tokenOf(grant.body);
      if (grant.status !== 200 || !access) {
        problems.push(`refresh token ${shortToken(entry.refreshToken)}: refresh grant answered ${grant.status}`);
        return;
      }
      const del = await send(
        { method: 'DELETE', url: `${base}/users/me/tokens/${encodeURIComponent(entry.clientId)}`, headers: { 'x-auth-token': access } },
        opts,
      );
      if (del.status !== 204 && del.status !== 404) problems.push(`refresh token ${shortToken(entry.refreshToken)}: DELETE answered ${del.status}`);
      else deleted.add(entry.clientId);
      await deleteToken(access);
    } catch (error) {
      problems.push(`refresh token ${shortToken(entry.refreshToken)}: ${(error as Error).message}`);
    }
  });

  // The intents whose refresh token was not deleted above: the answer never came, or the grant was refused.
  const clients = [
    ...new Set(entries.flatMap((e) => (e.kind === 'client' && e.username === target.user.username && e.clientId !== '' && !deleted.has(e.clientId) ? [e.clientId] : []))),
  ];
  if (clients.length > 0) {
    try {
      const login = await send(
        { method: 'POST', url: `${base}/token`, headers: { authorization: basic(target.user), 'content-type': 'application/json' }, body: json({ expiration: 120 }) },
        opts,
      );
      const user = tokenOf(login.body);
      if (login.status !== 200 || !user) {
        problems.push(`${clients.length} client_id(s) unchecked: user login answered ${login.status}`);
      } else {
        await mapLimit(clients, 5, async (clientId) => {
          const del = await send({ method: 'DELETE', url: `${base}/users/me/tokens/${encodeURIComponent(clientId)}`, headers: { 'x-auth-token': user } }, opts);
          if (del.status !== 204 && del.status !== 404) problems.push(`client_id ${clientId}: DELETE answered ${del.status}`);
        });
        await deleteToken(user);
      }
    } catch (error) {
      problems.push(`${clients.length} client_id(s) unchecked: ${(error as Error).message}`);
    }
  }

  const tokens = [...new Set(entries.flatMap((e) => (e.kind === 'token' ? [e.token] : [])))];
  await mapLimit(tokens, 10, deleteToken);

  const users = [...new Set(entries.flatMap((e) => (e.kind === 'user' ? [e.uuid] : [])))];
  const groups = [...new Set(entries.flatMap((e) => (e.kind === 'group' ? [e.uuid] : [])))];
  const policies = [...new Set(entries.flatMap((e) => (e.kind === 'policy' ? [e.uuid] : [])))];
  const known = new Set(entries.flatMap((e) => (e.kind === 'user' && e.username ? [e.username] : [])));
  const pending = [...new Set(entries.flatMap((e) => (e.kind === 'username' && !known.has(e.username) ? [e.username] : [])))];
  if (users.length > 0 || groups.length > 0 || policies.length > 0 || (pending.length > 0 && target.admin)) {
    if (!target.admin) {
      problems.push(`${users.length} user(s), ${groups.length} group(s), ${policies.length} polic(ies) left: no admin credentials to delete them`);
    } else {
      try {
        const admin = await adminLogin(target);
        if (typeof admin !== 'string') {
          problems.push(`${users.length} user(s) left: ${admin.failure}`);
        } else {
          // Groups, then policies (their links go with them), then users.
          for (const [kind, list] of [['groups', groups], ['policies', policies]] as const) {
            await mapLimit(list, 5, async (uuid) => {
              const res = await send({ method: 'DELETE', url: `${base}/${kind}/${uuid}`, headers: { 'x-auth-token': admin } }, opts);
              if (res.status !== 204 && res.status !== 404) problems.push(`${kind} ${uuid}: DELETE answered ${res.status}`);
            });
          }
          // Creations whose answer never came: find them by their (run-prefixed, unique) username.
          await mapLimit(pending, 5, async (username) => {
            const found = await send({ method: 'GET', url: `${base}/users?search=${encodeURIComponent(username)}`, headers: { 'x-auth-token': admin } }, opts);
            const items = (found.body as { items?: { uuid?: unknown; username?: unknown }[] } | undefined)?.items ?? [];
            for (const item of items) if (item.username === username && typeof item.uuid === 'string') users.push(item.uuid);
          });
          await mapLimit([...new Set(users)], 5, async (uuid) => {
            const res = await send({ method: 'DELETE', url: `${base}/users/${uuid}`, headers: { 'x-auth-token': admin } }, opts);
            if (res.status !== 204 && res.status !== 404) problems.push(`user ${uuid}: DELETE answered ${res.status}`);
          });
          await deleteToken(admin);
        }
      } catch (error) {
        problems.push(`${users.length} user(s) left: ${(error as Error).message}`);
      }
    }
  }
  await removeTenants(entries, target, problems);
  const configs = [...new Set(entries.flatMap((e) => (e.kind === 'external-config' ? [e.type] : [])))];
  if (configs.length > 0) {
    if (!target.admin) problems.push(`${configs.length} external config(s) left: no admin credentials to delete them`);
    else {
      try {
        const admin = await adminLogin(target);
        if (typeof admin !== 'string') problems.push(`${configs.length} external config(s) left: ${admin.failure}`);
        else {
          for (const type of configs) {
            const res = await send({ method: 'DELETE', url: `${base}/external/${encodeURIComponent(type)}/config`, headers: { 'x-auth-token': admin } }, opts);
            if (res.status !== 204 && res.status !== 404) problems.push(`external config ${type}: DELETE answered ${res.status}`);
          }
          await deleteToken(admin);
        }
      } catch (error) {
        problems.push(`${configs.length} external config(s) left: ${(error as Error).message}`);
      }
    }
  }
  return problems;
}

/** A short-lived administrator token for the clean-up, or why there is none (the caller checked `target.admin`). */
async function adminLogin(target: Target): Promise<string | { failure: string }> {
  const login = await send(
    { method: 'POST', url: `${target.baseURL}/token`, headers: { authorization: basic(target.admin!), 'content-type': 'application/json' }, body: json({ expiration: 120 }) },
    { insecure: target.insecure },
  );
  const token = tokenOf(login.body);
  return login.status === 200 && token ? token : { failure: `admin login answered ${login.status}` };
}

/** Deletes the recorded tenants, sub-tenants first (the reverse of creation), with the admin. */
async function removeTenants(entries: CleanupEntry[], target: Target, problems: string[]): Promise<void> {
  const tenants = entries.flatMap((e) => (e.kind === 'tenant' ? [e.uuid] : []));
  const known = new Set(entries.flatMap((e) => (e.kind === 'tenant' && e.name ? [e.name] : [])));
  const pending = [...new Set(entries.flatMap((e) => (e.kind === 'tenant-name' && !known.has(e.name) ? [e.name] : [])))];
  if (tenants.length === 0 && pending.length === 0) return;
  if (!target.admin) {
    if (tenants.length > 0) problems.push(`${tenants.length} tenant(s) left: no admin credentials to delete them`);
    return;
  }
  const base = target.baseURL;
  const opts = { insecure: target.insecure };
  try {
    const admin = await adminLogin(target);
    if (typeof admin !== 'string') {
      problems.push(`${tenants.length} tenant(s) left: ${admin.failure}`);
      return;
    }
    // Creations whose answer never came: find them by their (run-prefixed, unique) name.
    for (const name of pending) {
      const found = await send({ method: 'GET', url: `${base}/tenants?search=${encodeURIComponent(name)}`, headers: { 'x-auth-token': admin } }, opts);
      const items = (found.body as { items?: { uuid?: unknown; name?: unknown }[] } | undefined)?.items ?? [];
      for (const item of items) if (item.name === name && typeof item.uuid === 'string') tenants.push(item.uuid);
    }
    // A tenant that still has a sub-tenant answers 400 (a test may have moved one below another): retry
    // those after the others, while a pass deletes something.
    let left = [...new Set(tenants)].reverse();
    for (let pass = 0; left.length > 0 && pass < 5; pass++) {
      const refused: { uuid: string; status: number }[] = [];
      for (const uuid of left) {
        const res = await send({ method: 'DELETE', url: `${base}/tenants/${uuid}`, headers: { 'x-auth-token': admin } }, opts);
        if (res.status !== 204 && res.status !== 404) refused.push({ uuid, status: res.status });
      }
      if (refused.length === left.length || pass === 4) {
        for (const r of refused) problems.push(`tenant ${r.uuid}: DELETE answered ${r.status}`);
        break;
      }
      left = refused.map((r) => r.uuid);
    }
    await send({ method: 'DELETE', url: `${base}/token/${encodeURIComponent(admin)}`, headers: {} }, opts);
  } catch (error) {
    problems.push(`${tenants.length} tenant(s) left: ${(error as Error).message}`);
  }
}

/**
 * Cleans what earlier test registries left for this target (a test whose teardown failed, or a run
 * that was killed). `onlyRun` limits it to one run's directory. Returns the problems, one line each.
 */
export async function sweep(target: Target, onlyRun?: string): Promise<{ removed: number; problems: string[] }> {
  if (!existsSync(CLEANUP_DIR)) return { removed: 0, problems: [] };
  let removed = 0;
  const problems: string[] = [];
  for (const runId of readdirSync(CLEANUP_DIR)) {
    if (onlyRun !== undefined && runId !== onlyRun) continue;
    const dir = join(CLEANUP_DIR, runId);
    let meta: { baseURL?: string; pid?: number } = {};
    try {
      meta = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { baseURL?: string; pid?: number };
    } catch {
      // No metadata: not ours to judge; leave it.
      continue;
    }
    // Another run still in progress (same checkout, another terminal): its tests clean up after themselves.
    if (onlyRun === undefined && alive(meta.pid)) continue;
    // A port-less embedded mock of an earlier run is gone with its state: nothing to clean there.
    if (meta.baseURL !== target.baseURL) {
      if (onlyRun === undefined && /^http:\/\/127\.0\.0\.1:\d+\/0\.1$/.test(meta.baseURL ?? '')) rmSync(dir, { recursive: true, force: true });
      continue;
    }
    const entries: CleanupEntry[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          entries.push(JSON.parse(line) as CleanupEntry);
        } catch {
          // A line cut by a kill: skip it.
        }
      }
    }
    const left = await removeAll(entries, target);
    removed += entries.length;
    if (left.length === 0) rmSync(dir, { recursive: true, force: true });
    else problems.push(...left);
  }
  return { removed, problems };
}

/**
 * The fuzz phase: sets up credentials on the target as the suite does (a token, a refresh token and
 * its client_id, a throwaway user when an administrator is given), sends the seeded cases of cases.ts
 * at a bounded rate, checks each answer (checks.ts), shrinks each new finding to a minimal request and
 * renders it as a curl line, then checks that the server still answers and removes everything it
 * created (the suite's clean-up, suites/cleanup.ts).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { redact } from '../cli/redact.ts';
import { loadSpec, operationBehaviour, type ApiSpec, type JsonObject } from '../spec/loader.ts';
import { CleanupRegistry, openRun } from '../suites/cleanup.ts';
import type { Credentials, Target } from '../suites/target.ts';
import { allCases, fill, isSlot, type FuzzCase, type Slot } from './cases.ts';
import { judge, ROBUST, type FindingKind, type RobustRequirement, type Verdict } from './checks.ts';
import { toCurl, toWire, type TargetValues } from './request.ts';
import { shrink } from './shrink.ts';
import { Transport, type WireResult } from './transport.ts';

/** What a fuzz run needs, resolved (cli/fuzz-options.ts and suites/robustness.spec.ts build it). */
export interface FuzzOptions {
  /** Base URL with the version prefix, no trailing slash. */
  baseURL: string;
  user: Credentials;
  admin?: Credentials;
  insecure: boolean;
  /** 32-bit integer: the same seed sends the same requests. */
  seed: number;
  /** Requests to generate (the shrinking and the set-up/clean-up requests come on top). */
  count: number;
  /** Stops generating after this long (milliseconds). */
  timeBudgetMs: number;
  /** Per-request timeout (milliseconds): an answer slower than this is a finding. */
  timeoutMs: number;
  /** Requests per second, every request counted; 0 = unlimited. */
  rate: number;
  /** At most this many requests spent on shrinking, over the whole run. */
  shrinkBudget: number;
  /** Progress lines (never a secret). */
  log?: (line: string) => void;
  /** Called with each generated case before it is sent (tests: the sequence of a seed). */
  onCase?: (c: FuzzCase) => void;
}

/** One deduplicated finding: a kind of failure of one operation, with a minimal request to reproduce it. */
export interface FuzzFinding {
  requirement: RobustRequirement;
  kind: FindingKind;
  operationId: string;
  /** `POST /token`. */
  operation: string;
  /** The status of the minimal request's answer; null: no answer. */
  status: number | null;
  detail: string;
  /** How many requests of the run failed this way. */
  count: number;
  /** What the failing requests had that a valid one has not (up to 5 different ones). */
  inputs: string[];
  /** The minimal request, credentials as shell variables. */
  curl: string;
  /** A body excerpt of the minimal request's answer (redacted by the reports). */
  body?: string;
}

/** What a run did and found. */
export interface FuzzReport {
  seed: number;
  target: string;
  /** Requests sent: generated cases, shrinking, and the set-up, clean-up and health checks. */
  sent: { fuzz: number; shrink: number; housekeeping: number };
  durationMs: number;
  stoppedBy: 'count' | 'time' | 'target-down';
  findings: FuzzFinding[];
  /** Cases sent per operation, and their answers by status (`none`: no answer): how deep the run reached. */
  operations: Record<string, number>;
  statuses: Record<string, Record<string, number>>;
  /** Cases the HTTP client refused to send (a header value it rejects): not sent, not judged. */
  unsendable: number;
  /** The plain login and HEAD /status after the run. */
  afterwards: { login: number | null; status: number | null };
  /** What the clean-up could not remove, and what was still found afterwards. */
  leftovers: string[];
}

/** The set-up failed: the target or the credentials cannot be used. */
export class FuzzSetupError extends Error {
  override readonly name = 'FuzzSetupError';
}

const excerpt = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Cases are generated this many at a time, each batch from its own seed derived from the run's. */
const BATCH = 250;

/** The prefix of every client_id and username the fuzz phase invents: derived from the seed, so replays match. */
export const fuzzPrefix = (seed: number) => `wak-fz${(seed >>> 0).toString(36)}`;

/** A random 32-bit seed. */
export const randomSeed = () => randomBytes(4).readUInt32BE(0) >>> 0;

/** Runs the fuzz phase; see the module comment. Throws {@link FuzzSetupError} when the set-up fails. */
export async function runFuzz(options: FuzzOptions, spec: ApiSpec = loadSpec()): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const prefix = fuzzPrefix(options.seed);
  const transport = new Transport(options.timeoutMs, options.insecure);
  const sent = { fuzz: 0, shrink: 0, housekeeping: 0 };
  let nextAt = 0;
  const paced = async (send: () => Promise<WireResult>): Promise<WireResult> => {
    if (options.rate > 0) {
      const now = performance.now();
      if (nextAt > now) await sleep(nextAt - now);
      nextAt = Math.max(now, nextAt) + 1000 / options.rate;
    }
    return send();
  };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const basic = (c: Credentials) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  /** A request of the kit's own (set-up, clean-up of one created thing, health check). */
  const house = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
    sent.housekeeping++;
    return paced(() =>
      transport.send({
        method,
        url: `${options.baseURL}${path}`,
        headers: { 'user-agent': 'wazo-auth-kit-fuzz', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: json(body) } : {}),
      }),
    );
  };
  const tokenData = (r: WireResult) => (r.ok && r.status === 200 ? ((r.body as { data?: JsonObject } | undefined)?.data ?? undefined) : undefined);

  const runId = `fz-${randomBytes(3).toString('hex')}`;
  const target: Target = {
    baseURL: options.baseURL,
    embeddedMock: false,
    user: options.user,
    ...(options.admin ? { admin: options.admin } : {}),
    hasAdmin: options.admin !== undefined,
    insecure: options.insecure,
    wazoVersion: null,
    runId,
    prefix,
    problems: [],
  };
  const registry = new CleanupRegistry(registryPath(runId, options.baseURL));
  const login = async (who: Credentials, body: JsonObject = { expiration: 3600 }) => {
    const res = await house('POST', '/token', { authorization: basic(who) }, body);
    const data = tokenData(res);
    if (data && typeof data.token === 'string') registry.add({ kind: 'token', token: data.token });
    return { res, data };
  };

  // --- set-up: the credentials the cases' slots stand for --------------------------------------------
  const values: TargetValues = {
    baseURL: options.baseURL,
    user: options.user,
    ...(options.admin ? { admin: options.admin } : {}),
    nobody: `${prefix}-nobody`,
    slots: {} as Record<Slot, string>,
  };
  try {
    const user = await login(options.user);
    if (!user.data) throw new FuzzSetupError(`the login of "${options.user.username}" answered ${user.res.ok ? user.res.status : user.res.code}; check the user's credentials`);
    const metadata = (user.data.metadata ?? {}) as JsonObject;
    const clientId = `${prefix}-refresh`;
    registry.add({ kind: 'client', clientId, username: options.user.username });
    const offline = await login(options.user, { expiration: 3600, access_type: 'offline', client_id: clientId });
    const refreshToken = offline.data?.refresh_token;
    if (typeof refreshToken !== 'string') throw new FuzzSetupError(`the offline login of "${options.user.username}" gave no refresh token (${offline.res.ok ? offline.res.status : offline.res.code})`);
    registry.add({ kind: 'refresh', refreshToken, clientId });
    const slots = values.slots;
    slots.userToken = String(user.data.token);
    slots.disposableToken = slots.userToken;
    slots.userUuid = String(metadata.uuid ?? user.data.auth_id ?? '');
    slots.tenantUuid = String(metadata.tenant_uuid ?? '');
    slots.refreshToken = refreshToken;
    slots.refreshClientId = clientId;
    // Stand-ins without an administrator: unknown UUIDs, and the user's own token (never more rights).
    slots.adminToken = slots.userToken;
    slots.adminUuid = '00000000-0000-4000-8000-0000000000ad';
    slots.throwawayToken = slots.userToken;
    slots.throwawayUuid = '00000000-0000-4000-8000-0000000000ff';
    if (options.admin) {
      const admin = await login(options.admin);
      if (!admin.data) throw new FuzzSetupError(`the login of administrator "${options.admin.username}" answered ${admin.res.ok ? admin.res.status : admin.res.code}; check its credentials`);
      slots.adminToken = String(admin.data.token);
      slots.adminUuid = String(((admin.data.metadata ?? {}) as JsonObject).uuid ?? admin.data.auth_id ?? '');
      const throwaway = { username: `${prefix}-tw-${randomBytes(3).toString('hex')}`, password: `pw-${randomBytes(12).toString('base64url')}` };
      registry.add({ kind: 'username', username: throwaway.username });
      const created = await house('POST', '/users', { 'x-auth-token': slots.adminToken }, { username: throwaway.username, password: throwaway.password, firstname: 'wazo-auth-kit', lastname: 'fuzz' });
      const uuid = created.ok && created.status === 200 ? (created.body as { uuid?: unknown }).uuid : undefined;
      if (typeof uuid !== 'string') throw new FuzzSetupError(`creating the throwaway user answered ${created.ok ? created.status : created.code}`);
      registry.add({ kind: 'user', uuid, username: throwaway.username });
      values.throwaway = throwaway;
      slots.throwawayUuid = uuid;
      const tw = await login(throwaway);
      if (!tw.data) throw new FuzzSetupError(`the login of the throwaway user answered ${tw.res.ok ? tw.res.status : tw.res.code}`);
      slots.throwawayToken = String(tw.data.token);
    }
    // The operations that not every release has (x-wazo-behaviour on the operation): one OPTIONS on
    // each path says whether the target has them (404, or an Allow without the method: it has not, as
    // a release without them answers); those it has not are not generated.
    const absent: string[] = [];
    for (const op of spec.operations) {
      if (!operationBehaviour(op)) continue;
      const res = await house('OPTIONS', op.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-00000000c0de'));
      const allow = res.ok ? (res.headers.allow ?? '').toUpperCase().split(/,\s*/) : [];
      if (res.ok && (res.status === 404 || (res.status === 200 && !allow.includes(op.method.toUpperCase())))) absent.push(op.operationId);
    }
    if (absent.length > 0) {
      log(`fuzz: the target has no ${absent.map((id) => `${spec.operation(id).method.toUpperCase()} ${spec.operation(id).path}`).join(', ')} (a release without them): not sent`);
      spec = { ...spec, operations: spec.operations.filter((op) => !absent.includes(op.operationId)) };
    }
  } catch (error) {
    await registry.run(target).catch(() => undefined);
    await transport.close();
    throw error;
  }

  // --- what a case leaves behind is removed at once ------------------------------------------------
  const afterEffects = async (c: FuzzCase, result: WireResult) => {
    if (!result.ok) return;
    const filled = c.body.kind === 'json' ? (fill(c.body.value, (s) => values.slots[s]) as JsonObject | null) : null;
    if (c.operationId === 'createToken' && result.status === 200) {
      const data = tokenData(result);
      if (!data || typeof data.token !== 'string') return;
      registry.add({ kind: 'token', token: data.token });
      const clientId = filled && typeof filled === 'object' ? filled.client_id : undefined;
      if (typeof data.refresh_token === 'string' && typeof clientId === 'string') {
        registry.add({ kind: 'refresh', refreshToken: data.refresh_token, clientId });
        await house('DELETE', `/users/me/tokens/${encodeURIComponent(clientId)}`, { 'x-auth-token': data.token });
      }
      await house('DELETE', `/token/${encodeURIComponent(data.token)}`);
    } else if (c.operationId === 'createUser' && result.status === 200) {
      const uuid = (result.body as { uuid?: unknown } | undefined)?.uuid;
      if (typeof uuid !== 'string') return;
      registry.add({ kind: 'user', uuid });
      if (options.admin) await house('DELETE', `/users/${uuid}`, { 'x-auth-token': values.slots.adminToken });
    } else if (c.operationId === 'createTenant' && result.status === 200) {
      const uuid = (result.body as { uuid?: unknown } | undefined)?.uuid;
      if (typeof uuid !== 'string') return;
      registry.add({ kind: 'tenant', uuid });
      if (options.admin) await house('DELETE', `/tenants/${uuid}`, { 'x-auth-token': values.slots.adminToken });
    } else if (c.operationId === 'registerUser' && result.status === 200) {
      // Only where registration is enabled (off by default): its user, then the tenant named after it.
      const user = result.body as { uuid?: unknown; tenant_uuid?: unknown } | undefined;
      if (typeof user?.uuid !== 'string') return;
      registry.add({ kind: 'user', uuid: user.uuid });
      if (!options.admin) return;
      await house('DELETE', `/users/${user.uuid}`, { 'x-auth-token': values.slots.adminToken });
      if (typeof user.tenant_uuid === 'string') await house('DELETE', `/tenants/${user.tenant_uuid}`, { 'x-auth-token': values.slots.adminToken });
    } else if ((c.operationId === 'addIdpUser' || c.operationId === 'addIdpUsers') && result.status === 204 && values.throwaway) {
      // The throwaway user may now be linked to an IdP (its password login refused): set it back at once.
      await house('PUT', `/idp/default/users/${values.slots.throwawayUuid}`, { 'x-auth-token': values.slots.adminToken });
    } else if ((c.operationId === 'createPolicy' || c.operationId === 'createGroup') && result.status === 200) {
      // Issue 15: a policy or group the phase created is recorded, then deleted at once.
      const uuid = (result.body as { uuid?: unknown } | undefined)?.uuid;
      if (typeof uuid !== 'string') return;
      const kind = c.operationId === 'createPolicy' ? 'policy' : 'group';
      registry.add({ kind, uuid });
      await house('DELETE', `/${kind === 'policy' ? 'policies' : 'groups'}/${uuid}`, { 'x-auth-token': values.slots.adminToken });
    } else if (((c.operationId === 'createMobileAuth' && result.status === 201) || (c.operationId === 'updateMobileAuth' && result.status === 200)) && isSlot(c.path.user_uuid) && c.path.user_uuid.$slot === 'throwawayUuid') {
      // Device tokens stored on the throwaway user: forgotten at once.
      await house('DELETE', `/users/${values.slots.throwawayUuid}/external/mobile`, { 'x-auth-token': values.slots.throwawayToken });
    } else if (values.throwaway && isSlot(c.path.user_uuid) && c.path.user_uuid.$slot === 'throwawayUuid') {
      // The throwaway user's password or username changed, or its tokens were revoked: log in again.
      if (c.operationId === 'changeUserPassword' && result.status === 204 && filled && typeof filled.new_password === 'string') values.throwaway.password = filled.new_password;
      else if (c.operationId === 'updateUser' && result.status === 200) {
        const username = (result.body as { username?: unknown } | undefined)?.username;
        if (typeof username === 'string') values.throwaway.username = username;
      } else return;
      const again = await login(values.throwaway);
      if (again.data) values.slots.throwawayToken = String(again.data.token);
    }
  };

  const needsDisposable = (c: FuzzCase) => Object.values(c.path).some((v) => isSlot(v) && v.$slot === 'disposableToken');
  const sendCase = async (c: FuzzCase): Promise<WireResult> => {
    if (needsDisposable(c)) {
      const fresh = await login(options.user, { expiration: 600 });
      if (fresh.data) values.slots.disposableToken = String(fresh.data.token);
    }
    const result = await paced(() => transport.send(toWire(spec, c, values)));
    await afterEffects(c, result);
    return result;
  };

  // --- the cases -----------------------------------------------------------------------------------
  const findings = new Map<string, FuzzFinding>();
  const secrets = () => [options.user.password, options.admin?.password, values.throwaway?.password].filter((p): p is string => typeof p === 'string');
  const operations: Record<string, number> = {};
  const statuses: Record<string, Record<string, number>> = {};
  let unsendable = 0;
  const keyOf = (c: FuzzCase, v: Verdict, status: number | null) => `${v.requirement}|${v.kind}|${c.operationId}|${status ?? 'none'}`;
  const label = (c: FuzzCase) => {
    const op = spec.operation(c.operationId);
    return `${op.method.toUpperCase()} ${op.path}`;
  };
  let shrinkLeft = options.shrinkBudget;
  let stoppedBy: FuzzReport['stoppedBy'] = 'count';
  let failuresInARow = 0;
  const arbitrary = allCases(spec, { prefix });
  log(`fuzz: generating and sending up to ${options.count} requests`);
  const progressEvery = Math.max(100, Math.ceil(options.count / 10));
  outer: for (let batch = 0; batch * BATCH < options.count; batch++) {
    const cases = fc.sample(arbitrary, { seed: (options.seed + Math.imul(batch, 0x9e3779b1)) | 0, numRuns: Math.min(BATCH, options.count - batch * BATCH) });
    for (const c of cases) {
      if (elapsed() > options.timeBudgetMs) {
        stoppedBy = 'time';
        break outer;
      }
      sent.fuzz++;
      options.onCase?.(c);
      operations[c.operationId] = (operations[c.operationId] ?? 0) + 1;
      const result = await sendCase(c);
      const status = result.ok ? result.status : null;
      if (!result.ok && result.unsendable) unsendable++;
      const byStatus = (statuses[c.operationId] ??= {});
      byStatus[String(status ?? 'none')] = (byStatus[String(status ?? 'none')] ?? 0) + 1;
      failuresInARow = result.ok ? 0 : failuresInARow + 1;
      for (const verdict of judge(spec, c, result)) {
        const key = keyOf(c, verdict, status);
        const input = c.mutation ? `${c.mutation.where}: ${c.mutation.note}` : 'a valid request';
        const known = findings.get(key);
        if (known) {
          known.count++;
          if (known.inputs.length < 5 && !known.inputs.includes(input)) known.inputs.push(input);
          continue;
        }
        let minimal = c;
        let last = result;
        if (shrinkLeft > 0 && elapsed() < options.timeBudgetMs) {
          const shrunk = await shrink(
            spec,
            c,
            async (candidate) => {
              sent.shrink++;
              const r = await sendCase(candidate);
              const same = judge(spec, candidate, r).some((v) => keyOf(candidate, v, r.ok ? r.status : null) === key);
              if (same) last = r;
              return same;
            },
            Math.min(shrinkLeft, 30),
          );
          shrinkLeft -= shrunk.attempts;
          minimal = shrunk.case;
        }
        const finding: FuzzFinding = {
          requirement: verdict.requirement,
          kind: verdict.kind,
          operationId: c.operationId,
          operation: label(c),
          status,
          detail: verdict.detail,
          count: 1,
          inputs: [input],
          curl: toCurl(spec, minimal, { baseURL: options.baseURL, nobody: values.nobody, hasThrowaway: values.throwaway !== undefined }),
          // The answer may echo a token (a 200 to a login): redacted like everything the kit writes.
          ...(last.ok && last.text ? { body: redact(excerpt(last.text), secrets()) } : {}),
        };
        findings.set(key, finding);
        log(`fuzz: finding ${finding.requirement} ${finding.operationId} (${finding.operation}) ${finding.detail} [${input}]`);
      }
      if (failuresInARow >= 20) {
        stoppedBy = 'target-down';
        log('fuzz: 20 requests in a row got no answer; stopping');
        break outer;
      }
      if (sent.fuzz % progressEvery === 0) log(`fuzz: ${sent.fuzz} requests, ${findings.size} finding(s), ${Math.round(elapsed() / 1000)} s`);
    }
  }

  // --- afterwards: still up? -------------------------------------------------------------------------
  const plain = await login(options.user, { expiration: 60 });
  const health = await house('HEAD', '/status');
  const afterwards = { login: plain.res.ok ? plain.res.status : null, status: health.ok ? health.status : null };
  const down = (what: string, detail: string) =>
    findings.set(`${ROBUST.staysUp}|down|${what}`, {
      requirement: ROBUST.staysUp,
      kind: 'down',
      operationId: what === 'login' ? 'createToken' : 'headStatus',
      operation: what === 'login' ? 'POST /token' : 'HEAD /status',
      status: what === 'login' ? afterwards.login : afterwards.status,
      detail,
      count: 1,
      inputs: ['after the fuzz phase'],
      curl:
        what === 'login'
          ? `curl -sS -i -X POST '${options.baseURL}/token' -u "$WAZO_USERNAME:$WAZO_PASSWORD" -H 'Content-Type: application/json' --data-binary '{"expiration": 60}'`
          : `curl -sS -I '${options.baseURL}/status'`,
    });
  if (afterwards.login !== 200) down('login', `after the fuzz phase, a plain login answered ${afterwards.login ?? (plain.res.ok ? '' : plain.res.code)}; expected 200`);
  if (afterwards.status !== 200) down('status', `after the fuzz phase, HEAD /status answered ${afterwards.status ?? (health.ok ? '' : health.code)}; expected 200`);

  // --- clean-up, and a look for anything left ----------------------------------------------------------
  const leftovers = await registry.run(target);
  leftovers.push(...(await lookForLeftovers(house, options, prefix)));
  for (const left of leftovers) {
    findings.set(`${ROBUST.staysUp}|leftover|${left}`, {
      requirement: ROBUST.staysUp,
      kind: 'leftover',
      operationId: 'deleteRefreshToken',
      operation: 'clean-up',
      status: null,
      detail: `left on the target after the clean-up: ${left}`,
      count: 1,
      inputs: ['after the fuzz phase'],
      curl: `curl -sS -i '${options.baseURL}/users/me/tokens' -H "X-Auth-Token: $WAZO_TOKEN"`,
    });
  }
  await transport.close();
  const report: FuzzReport = {
    seed: options.seed,
    target: options.baseURL,
    sent,
    durationMs: Math.round(elapsed()),
    stoppedBy,
    findings: [...findings.values()],
    operations,
    statuses,
    unsendable,
    afterwards,
    leftovers,
  };
  return report;
}

/** Where the clean-up registry of a run lives (so that the suite's next sweep finds what a killed run left). */
function registryPath(runId: string, baseURL: string): string {
  return `${openRun(runId, baseURL, process.pid)}/fuzz.jsonl`;
}

/** The refresh tokens of the configured user and the users whose client_id or username carries the run's prefix. */
async function lookForLeftovers(
  house: (method: string, path: string, headers?: Record<string, string>, body?: unknown) => Promise<WireResult>,
  options: FuzzOptions,
  prefix: string,
): Promise<string[]> {
  const out: string[] = [];
  const basic = (c: Credentials) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  const look = async (who: Credentials, check: (token: string) => Promise<void>) => {
    const res = await house('POST', '/token', { authorization: basic(who) }, { expiration: 60 });
    const token = res.ok && res.status === 200 ? (res.body as { data?: { token?: unknown } }).data?.token : undefined;
    if (typeof token !== 'string') {
      out.push(`could not log in as ${who.username} to look for leftovers (${res.ok ? res.status : res.code})`);
      return;
    }
    try {
      await check(token);
    } finally {
      await house('DELETE', `/token/${encodeURIComponent(token)}`);
    }
  };
  await look(options.user, async (token) => {
    const res = await house('GET', `/users/me/tokens?limit=1000`, { 'x-auth-token': token });
    const items = res.ok && res.status === 200 ? ((res.body as { items?: { client_id?: unknown }[] }).items ?? []) : [];
    for (const item of items) if (typeof item.client_id === 'string' && item.client_id.startsWith(prefix)) out.push(`refresh token of ${options.user.username} with client_id ${item.client_id}`);
  });
  if (options.admin) {
    await look(options.admin, async (token) => {
      const res = await house('GET', `/users?search=${encodeURIComponent(prefix)}&limit=1000`, { 'x-auth-token': token });
      const items = res.ok && res.status === 200 ? ((res.body as { items?: { username?: unknown; uuid?: unknown }[] }).items ?? []) : [];
      for (const item of items) if (typeof item.username === 'string' && item.username.startsWith(prefix)) out.push(`user ${item.username}`);
    });
  }
  return out;
}

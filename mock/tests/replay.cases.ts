/**
 * Replays, in order, every exchange recorded with the real wazo-auth (mock/fixtures/
 * observed-exchanges.json, derived from wazo-auth-observed.json) against one mock, and compares the
 * status, the content type, the header names and the body's shape (key sets and value types; not
 * values such as tokens, uuids and times). Tokens, refresh tokens, sessions and user uuids the real
 * service issued are mapped to the ones the mock issues as the replay goes.
 *
 * The same is done for each release recorded on the real service (mock/fixtures/releases/<release>.json,
 * derived from spec/fixtures/releases/<release>.json, made by spec/fixtures/record-release.ts), against
 * a mock playing that release: one describe per release.
 *
 * Known deviations are listed below, each with its reason: exchanges outside the spec are skipped,
 * and the deliberate differences (see mock/README.md) are checked against the mock's own answer.
 * KNOWN_GAPS lists where the mock does not (yet) answer like a recorded release: those exchanges are
 * still sent (the replay's state goes on) but reported as skipped, with the reason.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { IGNORED_HEADERS, RELEASE_FIXTURES_DIR, shapeOf, type Shape } from '../fixtures/derive-observed.ts';
import { basic, startTestServer, type Reply } from './test-support.ts';

interface Exchange {
  id: string;
  title: string;
  request: { method: string; path: string; headers: Record<string, string>; body: string | null };
  expected: { status: number; contentType: string; headers: string[]; body: Shape; issued: Record<string, string> };
}

interface Fixture {
  source: string;
  /** Absent for the reference (master, observed-exchanges.json). */
  release?: string;
  /** Value of the reference -> value of this recording (tokens and users made by the setup steps). */
  values?: Record<string, string>;
  exchanges: Exchange[];
}

const reference = JSON.parse(readFileSync(new URL('../fixtures/observed-exchanges.json', import.meta.url), 'utf8')) as Fixture;
const recordedReleases = readdirSync(RELEASE_FIXTURES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(`${RELEASE_FIXTURES_DIR}${f}`, 'utf8')) as Fixture & { release: string });

/** Recorded exchanges whose answer the mock does not reproduce. */
const NOT_COVERED: Record<string, string> = {
  '12j': "GET /config: the mock shows the keys of its own configuration (mock/handlers/config.ts), not the real service's whole configuration file",
};
/** Same, for one recorded release only (added to NOT_COVERED). */
const NOT_COVERED_BY_RELEASE: Record<string, Record<string, string>> = {};

const error = (status: number) => shapeOf({ reason: ['x'], timestamp: [1], status_code: status });

/** Where the real service is broken, the mock answers cleanly (mock/README.md, "Deliberate differences"). */
const DELIBERATE: Record<string, { status: number; body: Shape; why: string }> = {
  '7d': { status: 401, body: error(401), why: 'malformed base64 in Basic credentials: 401 Authentication Failed, not 500' },
  '8c3': { status: 404, body: error(404), why: 'non-UUID token: JSON No such token, not an HTML page' },
  '8f3': { status: 404, body: error(404), why: 'non-UUID token: JSON No such token, not an HTML page' },
  '10c3': { status: 404, body: shapeOf({ message: 'x', error_id: 'x', details: { uuid: 'x' }, timestamp: 1, resource: 'x' }), why: 'non-UUID user: JSON No such user, not an HTML page' },
  '12f': { status: 404, body: shapeOf({ message: 'x' }), why: 'unknown path: JSON {message}, not an HTML page' },
  '12h': { status: 404, body: shapeOf({ message: 'x' }), why: 'path without the version prefix: JSON {message}, not an HTML page' },
  '12i': { status: 404, body: shapeOf({ message: 'x' }), why: 'path without the version prefix: JSON {message}, not an HTML page' },
};
/** Same, for one recorded release only (overrides DELIBERATE). */
const DELIBERATE_BY_RELEASE: Record<string, Record<string, { status: number; body: Shape; why: string }>> = {};

/**
 * Where the mock playing a recorded release does not answer like that release did (release -> exchange
 * id -> what differs). The exchange is still sent, but not checked: it is reported as skipped with the
 * reason. Remove an entry once the mock answers like the release (the skip message says when it does).
 */
const KNOWN_GAPS: Record<string, Record<string, string>> = {};

/** Tokens the recording uses without showing their creation: whose they are, the passwords to try, the login body. */
const TOKEN_OWNERS: Record<string, [string, string[], Record<string, unknown>?]> = {
  '5e69fbe6-3ed6-4cb2-b88f-551545d08f66': ['alice', ['alice-pw'], { expiration: 3600 }],
  '9510cf30-c2cb-482a-bb90-6fdf4690fb2c': ['admin', ['admin-secret']],
  // a fresh token of alice while her password is alice-pw-tmp (10f8); where the release let 10f10 put it
  // back already (a password change did not end her tokens), record-release.ts logged in with alice-pw
  'ec4d64bb-372c-499d-88b6-159e01fe69a8': ['alice', ['alice-pw-tmp', 'alice-pw']],
  '85e9e703-95b8-45de-b81f-991d4924fa2d': ['alice', ['alice-pw']],
};
const ADMIN_TOKEN = '9510cf30-c2cb-482a-bb90-6fdf4690fb2c';

interface Context {
  t: Awaited<ReturnType<typeof startTestServer>>;
  /** Value of the fixture -> value the mock issued. */
  live: Map<string, string>;
  /** The fixture's value for a value of the reference (the recordings of releases have their own). */
  alias: (referenceValue: string) => string;
  /** TOKEN_OWNERS, by the fixture's values. */
  owners: Record<string, [string, string[], Record<string, unknown>?]>;
}

/** What happened between two recorded exchanges, as the recording's notes say. */
const BEFORE: Record<string, (context: Context) => Promise<void>> = {
  // "GET /token/<token with expiration=1> after 2 s"
  '8h': async ({ t }) => void (await t.call('POST', '/_mock/clock', { body: { advance: 2 } })),
  // "the user created by 10a4 ... was deleted right away"
  '10b': async (context) => {
    const admin = await token(context, context.alias(ADMIN_TOKEN));
    const user = context.live.get(context.alias('b2ee65f1-838b-46c5-8c8a-ba367051a0c2'));
    if (user) await context.t.call('DELETE', `/0.1/users/${user}`, { headers: { 'X-Auth-Token': admin } });
  },
  // "Created user carol (purpose user) and 100 tokens for her"
  '13a': async (context) => {
    const { t, live } = context;
    const admin = await token(context, context.alias(ADMIN_TOKEN));
    const carol = await t.call('POST', '/0.1/users', { headers: { 'X-Auth-Token': admin, 'Content-Type': 'application/json' }, body: { username: 'carol', password: 'carol-pw' } });
    live.set(context.alias('d3df471b-01ce-4740-956e-ad37a0a71084'), carol.json.uuid);
    for (let i = 0; i < 100; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => t.login('carol', 'carol-pw', { expiration: 600 })));
    }
  },
};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The mock's token for a token of the fixture that its owner's login made. */
async function token({ t, live, owners }: Context, recorded: string): Promise<string> {
  const known = live.get(recorded);
  if (known) return known;
  const [username, passwords, body] = owners[recorded]!;
  for (const password of passwords) {
    const reply = await t.call('POST', '/0.1/token', { headers: { Authorization: basic(username, password), 'Content-Type': 'application/json' }, body: body ?? {} });
    if (reply.status !== 200) continue;
    live.set(recorded, reply.json.data.token as string);
    return reply.json.data.token as string;
  }
  assert.fail(`login of ${username} for the recorded token ${recorded} failed with every password tried`);
}

/** Replaces every recorded value the mock issued differently. */
async function translate(context: Context, text: string): Promise<string> {
  for (const recorded of new Set(text.match(UUID) ?? [])) {
    if (!context.live.has(recorded) && recorded in context.owners) await token(context, recorded);
  }
  let out = text;
  for (const [recorded, issued] of context.live) out = out.split(recorded).join(issued);
  return out;
}

/** Learns the values the mock issued where the recording has others (tokens, sessions, users). */
function learn(live: Map<string, string>, issued: Record<string, string>, reply: Reply): void {
  const mine: Record<string, unknown> = { ...(reply.json?.data ?? {}), uuid: reply.json?.uuid };
  for (const [field, recorded] of Object.entries(issued)) {
    const value = mine[field];
    if (typeof value === 'string' && value !== recorded && !live.has(recorded)) live.set(recorded, value);
  }
}

/** Whether a shape fits the recorded one: same keys and types; empty lists fit any list. */
function shapeMismatch(actual: Shape, expected: Shape, where = 'body'): string | undefined {
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return `${where}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`;
    if (expected.length === 0 || actual.length === 0) return undefined;
    return shapeMismatch(actual[0]!, expected[0]!, `${where}[0]`);
  }
  if (typeof expected === 'string' || typeof actual === 'string') return actual === expected ? undefined : `${where}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`;
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  for (const key of keys) {
    if (!(key in actual)) return `${where}.${key} missing`;
    if (!(key in expected)) return `${where}.${key} not in the recording`;
    const deeper = shapeMismatch(actual[key]!, expected[key]!, `${where}.${key}`);
    if (deeper) return deeper;
  }
  return undefined;
}

function replyShape(reply: Reply, contentType: string): Shape {
  if (reply.text === '') return 'none';
  return contentType === 'application/json' ? shapeOf(reply.json) : 'text';
}

/** How the mock's answer differs from the expected one (empty: it does not). */
function differences(reply: Reply, expected: Exchange['expected']): string[] {
  const out: string[] = [];
  if (reply.status !== expected.status) out.push(`status: expected ${expected.status}, got ${reply.status} (${reply.text.slice(0, 300)})`);
  const contentType = (reply.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (contentType !== expected.contentType) out.push(`content type: expected ${expected.contentType}, got ${contentType}`);
  const names = Object.keys(reply.headers).filter((h) => !IGNORED_HEADERS.includes(h)).sort();
  if (names.join() !== expected.headers.join()) out.push(`header names: expected [${expected.headers.join(', ')}], got [${names.join(', ')}]`);
  if (expected.body !== 'truncated') {
    const mismatch = shapeMismatch(replyShape(reply, contentType), expected.body);
    if (mismatch !== undefined) out.push(`body shape: ${mismatch}`);
  }
  return out;
}

/** One describe: the fixture's exchanges, in order, against a mock playing `wazoVersion`. */
async function replay(title: string, fixture: Fixture, wazoVersion: string): Promise<void> {
  const t = await startTestServer({ wazoVersion });
  const values = fixture.values ?? {};
  const alias = (referenceValue: string) => values[referenceValue] ?? referenceValue;
  const context: Context = { t, live: new Map(), alias, owners: Object.fromEntries(Object.entries(TOKEN_OWNERS).map(([k, v]) => [alias(k), v])) };
  const release = fixture.release ?? 'master';
  const notCovered = { ...NOT_COVERED, ...NOT_COVERED_BY_RELEASE[release] };
  const deliberates = { ...DELIBERATE, ...DELIBERATE_BY_RELEASE[release] };
  const gaps = fixture.release === undefined ? {} : (KNOWN_GAPS[release] ?? {});

  describe(title, () => {
    for (const exchange of fixture.exchanges) {
      const label = `${exchange.id} ${exchange.title}`;
      if (exchange.id in notCovered) {
        test(label, { skip: notCovered[exchange.id] }, () => undefined);
        continue;
      }
      test(label, async (tc) => {
        await BEFORE[exchange.id]?.(context);
        const { method, path, headers, body } = exchange.request;
        const sent: Record<string, string> = {};
        for (const [name, value] of Object.entries(headers)) {
          if (name === 'content-length') continue;
          sent[name] = name === 'authorization' && value.startsWith('Basic ') ? value : await translate(context, value);
        }
        const reply = await t.call(method, await translate(context, path), { headers: sent, body: body === null ? undefined : await translate(context, body) });
        learn(context.live, exchange.expected.issued, reply);
        const deliberate = deliberates[exchange.id];
        const expected = deliberate ? { ...exchange.expected, status: deliberate.status, body: deliberate.body, contentType: 'application/json' } : exchange.expected;
        const problems = differences(reply, expected);
        const gap = gaps[exchange.id];
        if (gap !== undefined) {
          tc.skip(`KNOWN_GAPS[${release}]: ${gap}${problems.length === 0 ? ' -- the mock now answers like the release: remove this entry' : ''}`);
          return;
        }
        assert.deepEqual(problems, [], `${label}: ${problems.join('; ')}`);
      });
    }
  });
}

await replay('replay of the recorded exchanges', reference, 'master');
for (const fixture of recordedReleases) {
  await replay(`replay of the exchanges recorded on wazo-auth ${fixture.release} (mock playing ${fixture.release})`, fixture, fixture.release);
}

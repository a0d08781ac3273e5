/**
 * Replays, in order, every exchange recorded with the real wazo-auth (mock/fixtures/
 * observed-exchanges.json, derived from wazo-auth-observed.json) against one mock, and compares the
 * status, the content type, the header names and the body's shape (key sets and value types; not
 * values such as tokens, uuids and times). Tokens, refresh tokens, sessions and user uuids the real
 * service issued are mapped to the ones the mock issues as the replay goes.
 *
 * Known deviations are listed below, each with its reason: exchanges outside the spec are skipped,
 * and the deliberate differences (see mock/README.md) are checked against the mock's own answer.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { IGNORED_HEADERS, shapeOf, type Shape } from '../fixtures/derive-observed.ts';
import { startTestServer, type Reply } from './test-support.ts';

interface Exchange {
  id: string;
  title: string;
  request: { method: string; path: string; headers: Record<string, string>; body: string | null };
  expected: { status: number; contentType: string; headers: string[]; body: Shape; issued: Record<string, string> };
}

const { exchanges } = JSON.parse(readFileSync(new URL('../fixtures/observed-exchanges.json', import.meta.url), 'utf8')) as { exchanges: Exchange[] };

/** Recorded exchanges the mock does not cover: endpoints outside spec/wazo-auth.yaml. */
const NOT_COVERED: Record<string, string> = {
  '12j': 'GET /config is not part of the kit\'s spec (service configuration)',
  '12k': 'GET /backends is not part of the kit\'s spec',
};

/** Where the real service is broken, the mock answers cleanly (mock/README.md, "Deliberate differences"). */
const DELIBERATE: Record<string, { status: number; body: Shape; why: string }> = {
  '7d': { status: 401, body: shapeOf({ reason: ['x'], timestamp: [1], status_code: 401 }), why: 'malformed base64 in Basic credentials: 401 Authentication Failed, not 500' },
  '8c3': { status: 404, body: shapeOf({ reason: ['x'], timestamp: [1], status_code: 404 }), why: 'non-UUID token: JSON No such token, not an HTML page' },
  '8f3': { status: 404, body: shapeOf({ reason: ['x'], timestamp: [1], status_code: 404 }), why: 'non-UUID token: JSON No such token, not an HTML page' },
  '10c3': { status: 404, body: shapeOf({ message: 'x', error_id: 'x', details: { uuid: 'x' }, timestamp: 1, resource: 'x' }), why: 'non-UUID user: JSON No such user, not an HTML page' },
  '12f': { status: 404, body: shapeOf({ message: 'x' }), why: 'unknown path: JSON {message}, not an HTML page' },
  '12h': { status: 404, body: shapeOf({ message: 'x' }), why: 'path without the version prefix: JSON {message}, not an HTML page' },
  '12i': { status: 404, body: shapeOf({ message: 'x' }), why: 'path without the version prefix: JSON {message}, not an HTML page' },
};

/** Tokens the recording uses without showing their creation, and whose they are. */
const TOKEN_OWNERS: Record<string, [string, string, Record<string, unknown>?]> = {
  '5e69fbe6-3ed6-4cb2-b88f-551545d08f66': ['alice', 'alice-pw', { expiration: 3600 }],
  '9510cf30-c2cb-482a-bb90-6fdf4690fb2c': ['admin', 'admin-secret'],
  'ec4d64bb-372c-499d-88b6-159e01fe69a8': ['alice', 'alice-pw-tmp'],
  '85e9e703-95b8-45de-b81f-991d4924fa2d': ['alice', 'alice-pw'],
};

/** What happened between two recorded exchanges, as the recording's notes say. */
const BEFORE: Record<string, (context: Context) => Promise<void>> = {
  // "GET /token/<token with expiration=1> after 2 s"
  '8h': async ({ t }) => void (await t.call('POST', '/_mock/clock', { body: { advance: 2 } })),
  // "the user created by 10a4 ... was deleted right away"
  '10b': async ({ t, live }) => {
    const admin = await token(live, t, '9510cf30-c2cb-482a-bb90-6fdf4690fb2c');
    await t.call('DELETE', `/0.1/users/${live.get('b2ee65f1-838b-46c5-8c8a-ba367051a0c2')}`, { headers: { 'X-Auth-Token': admin } });
  },
  // "Created user carol (purpose user) and 100 tokens for her"
  '13a': async ({ t, live }) => {
    const admin = await token(live, t, '9510cf30-c2cb-482a-bb90-6fdf4690fb2c');
    const carol = await t.call('POST', '/0.1/users', { headers: { 'X-Auth-Token': admin, 'Content-Type': 'application/json' }, body: { username: 'carol', password: 'carol-pw' } });
    live.set('d3df471b-01ce-4740-956e-ad37a0a71084', carol.json.uuid);
    for (let i = 0; i < 100; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => t.login('carol', 'carol-pw', { expiration: 600 })));
    }
  },
};

interface Context {
  t: Awaited<ReturnType<typeof startTestServer>>;
  live: Map<string, string>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

async function token(live: Map<string, string>, t: Context['t'], recorded: string): Promise<string> {
  const known = live.get(recorded);
  if (known) return known;
  const [username, password, body] = TOKEN_OWNERS[recorded]!;
  const issued = (await t.login(username, password, body ?? {})).token as string;
  live.set(recorded, issued);
  return issued;
}

/** Replaces every recorded value the mock issued differently. */
async function translate(context: Context, text: string): Promise<string> {
  for (const recorded of new Set(text.match(UUID) ?? [])) {
    if (!context.live.has(recorded) && recorded in TOKEN_OWNERS) await token(context.live, context.t, recorded);
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

const t = await startTestServer();
const context: Context = { t, live: new Map() };

describe('replay of the recorded exchanges', () => {
  for (const exchange of exchanges) {
    const label = `${exchange.id} ${exchange.title}`;
    if (exchange.id in NOT_COVERED) {
      test(label, { skip: NOT_COVERED[exchange.id] }, () => undefined);
      continue;
    }
    test(label, async () => {
      await BEFORE[exchange.id]?.(context);
      const { method, path, headers, body } = exchange.request;
      const sent: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) {
        if (name === 'content-length') continue;
        sent[name] = name === 'authorization' && value.startsWith('Basic ') ? value : await translate(context, value);
      }
      const reply = await t.call(method, await translate(context, path), { headers: sent, body: body === null ? undefined : await translate(context, body) });
      const deliberate = DELIBERATE[exchange.id];
      const expected = deliberate ? { ...exchange.expected, status: deliberate.status, body: deliberate.body, contentType: 'application/json' } : exchange.expected;
      assert.equal(reply.status, expected.status, `${label}: status (${reply.text.slice(0, 300)})`);
      const contentType = (reply.headers['content-type'] ?? '').split(';')[0]!.trim();
      assert.equal(contentType, expected.contentType, `${label}: content type`);
      const names = Object.keys(reply.headers).filter((h) => !IGNORED_HEADERS.includes(h)).sort();
      assert.deepEqual(names, expected.headers, `${label}: header names`);
      if (expected.body !== 'truncated') {
        const mismatch = shapeMismatch(replyShape(reply, contentType), expected.body);
        assert.equal(mismatch, undefined, `${label}: body shape: ${mismatch}`);
      }
      learn(context.live, exchange.expected.issued, reply);
    });
  }
});

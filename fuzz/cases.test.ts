/**
 * Unit tests of the case generator: one seed gives one sequence, valid cases are valid by the
 * description, each constraint case breaks one constraint of an otherwise valid request, and no case
 * can disturb the configured user or the administrator.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadSpec, type JsonObject } from '../spec/loader.ts';
import { allCases, generateCases, isSlot, isValidRequest, repairable, validCase } from './cases.ts';

const spec = loadSpec();
const ctx = { prefix: 'wak-fztest' };
const CONSTRAINTS = new Set(['type', 'range', 'length', 'enum', 'format', 'required', 'extra-property']);
// One sample shared by the tests below: generating is the slow part.
const sample = generateCases(spec, 20261202, 3000, ctx);

test('the same seed gives the same cases; another seed gives others', () => {
  const again = generateCases(spec, 20261202, 3000, ctx);
  assert.equal(JSON.stringify(again), JSON.stringify(sample));
  const other = generateCases(spec, 20261203, 3000, ctx);
  assert.notEqual(JSON.stringify(other), JSON.stringify(sample));
});

test('every operation of the description gets cases, valid and broken ones', () => {
  for (const op of spec.operations) {
    const mine = sample.filter((c) => c.operationId === op.operationId);
    // A form body (x-wazo-raw-body without JSON) gets cases with no verdict on validity (`any`).
    assert.ok(mine.some((c) => c.expect === 'accept' || (c.expect === 'any' && !c.mutation)), `${op.operationId}: a valid case`);
    const breakable = op.requestBody || op.security.length > 0 || op.parameters.some((p) => p.in !== 'header');
    if (breakable && op.security.some((s) => Object.keys(s).length > 0)) assert.ok(mine.some((c) => c.expect === 'refuse'), `${op.operationId}: a refused case`);
  }
});

test('valid cases satisfy the description (body and parameters, checked by the loader)', () => {
  const valid = sample.filter((c) => c.expect === 'accept' && !c.mutation);
  assert.ok(valid.length > 500);
  for (const c of valid) assert.ok(isValidRequest(spec, c), JSON.stringify(c));
});

test('each constraint case is refused by the description and differs from a valid request in its one field', () => {
  const broken = sample.filter((c) => c.mutation && CONSTRAINTS.has(c.mutation.kind));
  assert.ok(broken.length > 300, `${broken.length} constraint cases`);
  const kinds = new Set<string>(broken.map((c) => c.mutation!.kind));
  for (const kind of ['type', 'range', 'length', 'enum', 'format', 'required']) assert.ok(kinds.has(kind), `a ${kind} break`);
  for (const c of broken) {
    assert.equal(isValidRequest(spec, c), false, `${c.operationId} ${c.mutation!.note} is invalid`);
    assert.equal(c.expect, 'refuse');
    // Giving the broken field a valid value makes the request valid again: only that field was broken.
    assert.ok(repairable(spec, c), `${c.operationId}: ${c.mutation!.note} is the only break`);
  }
});

test('credential cases keep an otherwise valid request; malformed JSON never parses', () => {
  const credentials = sample.filter((c) => c.mutation?.kind === 'credentials' && c.mutation.where !== 'path.token');
  assert.ok(credentials.length > 100);
  for (const c of credentials) assert.ok(isValidRequest(spec, c), `${c.operationId}: ${c.mutation!.note}`);
  const malformed = sample.filter((c) => c.mutation?.kind === 'malformed-json');
  assert.ok(malformed.length > 20);
  for (const c of malformed) {
    assert.equal(c.body.kind, 'raw');
    assert.throws(() => JSON.parse(Buffer.from((c.body as { bytes: string }).bytes, 'latin1').toString('utf8')), `${c.mutation!.note} does not parse`);
  }
  const basics = new Set(sample.filter((c) => c.operationId === 'createToken' && c.auth.kind === 'raw').map((c) => (c.auth as { value: string }).value));
  assert.ok(basics.size > 10, 'many malformed Authorization values');
});

const DESTRUCTIVE = new Set(['updateUser', 'deleteUser', 'changeUserPassword']);

test('no case can lock, delete or change the password of the configured user or the administrator', () => {
  const wide = fc.sample(allCases(spec, ctx), { seed: 7, numRuns: 4000 });
  for (const c of [...sample, ...wide]) {
    const user = c.path.user_uuid;
    if (DESTRUCTIVE.has(c.operationId) && isSlot(user)) assert.equal(user.$slot, 'throwawayUuid', `${c.operationId} targets ${user.$slot}`);
    // Wrong passwords only for the throwaway user or a user that does not exist.
    if (c.auth.kind === 'basic-wrong') assert.ok(['throwaway', 'nobody'].includes(c.auth.who));
    // A mobile login revokes the user's other mobile refresh tokens: only the throwaway user's.
    const type = c.headers['wazo-session-type'];
    if (typeof type === 'string' && /^\s*mobile\s*$/i.test(type) && c.auth.kind === 'basic') assert.equal(c.auth.who, 'throwaway');
    // Only the run's own client_ids: never another client's refresh token of the user.
    if (c.operationId === 'deleteRefreshToken') assert.ok(typeof c.path.client_id === 'string' && (c.path.client_id.startsWith(ctx.prefix) || c.expect === 'refuse'), String(c.path.client_id));
    if (c.operationId === 'createToken' && c.body.kind === 'json' && c.expect === 'accept') {
      const clientId = (c.body.value as JsonObject).client_id;
      if (typeof clientId === 'string') assert.ok(clientId.startsWith(ctx.prefix), clientId);
    }
    if (c.operationId === 'createUser' && c.expect === 'accept' && c.body.kind === 'json') assert.ok(String((c.body.value as JsonObject).username).startsWith(ctx.prefix));
    // Sessions are only ended by unknown UUIDs.
    if (c.operationId === 'deleteUserSession') assert.ok(!isSlot(c.path.session_uuid));
  }
});

test('a valid case of every operation can be generated', () => {
  for (const op of spec.operations) assert.equal(fc.sample(validCase(spec, op, ctx), { seed: 1, numRuns: 5 }).length, 5);
});

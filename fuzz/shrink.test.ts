/** Unit tests of the shrinker and of the per-answer checks. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { loadSpec, type JsonObject } from '../spec/loader.ts';
import { generateCases, isValidRequest, type FuzzCase } from './cases.ts';
import { judge, ROBUST } from './checks.ts';
import { keepsClass, shrink, simplifications } from './shrink.ts';

const spec = loadSpec();
const cases = generateCases(spec, 4242, 5000, { prefix: 'wak-fztest' });

test('shrinking keeps only what the failure needs', async () => {
  // A valid listing with several query parameters, failing only because of `limit`.
  const c = cases.find((x) => x.operationId === 'listUsers' && x.expect === 'accept' && x.query.length >= 3 && x.query.some(([k]) => k === 'limit'));
  assert.ok(c, 'a listUsers case with limit and two more parameters');
  let sent = 0;
  const result = await shrink(spec, c, async (candidate) => {
    sent++;
    return candidate.query.some(([k]) => k === 'limit');
  }, 50);
  assert.deepEqual(result.case.query.map(([k]) => k), ['limit']);
  assert.equal(result.attempts, sent);
  assert.ok(isValidRequest(spec, result.case), 'still a valid request');
});

test('a broken field is kept, the rest of the body goes, an oversized string gets shorter', async () => {
  const c = cases.find((x) => x.operationId === 'createToken' && x.mutation?.where === 'body.client_id' && x.mutation.note.includes('oversized') && x.body.kind === 'json' && Object.keys(x.body.value as JsonObject).length > 1);
  assert.ok(c, 'an oversized client_id among other properties');
  const result = await shrink(spec, c, async () => true, 100);
  const body = (result.case.body as { value: JsonObject }).value;
  assert.deepEqual(Object.keys(body), ['client_id']);
  assert.equal((body.client_id as string).length, 1025, 'cut to just past maxLength 1024');
  assert.equal(isValidRequest(spec, result.case), false);
});

test('shrinking is bounded and never turns a case into another kind', async () => {
  let sent = 0;
  const c = cases.find((x) => x.operationId === 'createUser' && x.expect === 'accept' && x.body.kind === 'json' && Object.keys(x.body.value as JsonObject).length > 4)!;
  const result = await shrink(spec, c, async () => {
    sent++;
    return false;
  }, 3);
  assert.equal(sent, 3);
  assert.equal(result.case, c);
  for (const k of cases.slice(0, 300)) for (const s of simplifications(k)) if (keepsClass(spec, k, s)) assert.equal(s.mutation?.kind, k.mutation?.kind);
  // A valid createUser keeps its username (the clean-up needs it): dropping it would not be "valid" for the generator's rules, but the description allows it; the shrinker only drops what keeps the case valid.
  for (const s of simplifications(c)) if (keepsClass(spec, c, s)) assert.ok(isValidRequest(spec, s));
});

const ok = (status: number, body: unknown = {}, contentType = 'application/json') => ({ ok: true as const, status, headers: { 'content-type': contentType }, text: JSON.stringify(body), body, ms: 1 });
const valid = cases.find((c) => c.operationId === 'listUsers' && c.expect === 'accept')!;
const broken = cases.find((c) => c.operationId === 'listUsers' && c.expect === 'refuse' && c.mutation?.kind === 'range')!;
const unauthorized = { message: 'Unauthorized', error_id: 'unauthorized', details: { invalid_token: '', reason: 'not_found_or_expired', required_access: 'auth.users.read' }, timestamp: 1 };
const invalidData = { message: 'x', error_id: 'invalid-data', details: {}, timestamp: 1 };

test('checks: a 401 to a valid request is fine; a 400 is a refusal of valid input', () => {
  assert.deepEqual(judge(spec, valid, ok(401, unauthorized)), []);
  assert.deepEqual(judge(spec, valid, ok(400, invalidData)).map((v) => v.kind), ['valid-refused']);
});

test('checks: a broken request answered 200 is accepted invalid input; a 5xx, a timeout and a dropped connection are findings', () => {
  assert.deepEqual(judge(spec, broken, ok(200, { total: 0, filtered: 0, items: [] })).map((v) => v.kind), ['invalid-accepted']);
  assert.deepEqual(judge(spec, broken, ok(400, invalidData)), []);
  const five = judge(spec, broken, ok(500, { message: 'Internal Server Error' }));
  assert.ok(five.some((v) => v.requirement === ROBUST.noServerError && v.kind === 'server-error'));
  assert.ok(five.some((v) => v.requirement === ROBUST.declared), '500 is not declared for listUsers');
  assert.deepEqual(judge(spec, valid, { ok: false, code: 'UND_ERR_HEADERS_TIMEOUT', timeout: true, ms: 5000 }).map((v) => v.kind), ['timeout']);
  assert.deepEqual(judge(spec, valid, { ok: false, code: 'ECONNRESET', timeout: false, ms: 3 }).map((v) => v.kind), ['dropped-connection']);
  assert.deepEqual(judge(spec, valid, { ok: false, code: 'UND_ERR_INVALID_ARG', timeout: false, ms: 0, unsendable: true }), []);
});

test('checks: an HTML 404 is an undeclared answer; an odd Content-Type request may get anything declared', () => {
  const html = { ok: true as const, status: 404, headers: { 'content-type': 'text/html' }, text: '<html>', body: '<html>', ms: 1 };
  const user = cases.find((c) => c.operationId === 'getUser')!;
  assert.deepEqual(judge(spec, user, html).map((v) => v.kind), ['undeclared-answer']);
  const odd: FuzzCase | undefined = cases.find((c) => c.expect === 'any' && c.operationId === 'createUser');
  assert.ok(odd);
  assert.deepEqual(judge(spec, odd, ok(400, invalidData)), []);
});

test('a user creation keeps its run-prefixed username while shrinking (the clean-up finds users by it)', () => {
  const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
  const creations = cases.filter((x) => x.operationId === 'createUser' && x.body.kind === 'json' && isObject(x.body.value) && 'username' in x.body.value);
  assert.ok(creations.length > 20);
  for (const c of creations) {
    for (const s of simplifications(c, spec)) assert.ok(s.body.kind === 'json' && 'username' in (s.body.value as JsonObject), JSON.stringify(s.body).slice(0, 80));
  }
});

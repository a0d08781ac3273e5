/**
 * Area token-lifecycle: reading (GET), checking (HEAD), scoping (?scope=, scopes/check), revoking
 * (DELETE) and expiring access tokens. GET/HEAD/DELETE /token/{token} need no other credential: the
 * token in the path is the credential (@wazo/sdk's authenticate, checkToken and logOut). Facts: obs. 8.
 */
import { randomUUID } from 'node:crypto';
import { covers } from './covers.ts';
import { expectNoSuchToken } from './expectations.ts';
import { expect, expectSameSecret, should, test } from './fixtures.ts';
import { observe } from './releases.ts';
import { pollUntil } from './time.ts';

/** An ACL the configured user's token grants: every test here also lists the user's own tokens (obs. 8d, 9a). */
const GRANTED = 'auth.users.me.tokens.read';
/** An ACL no plain user is granted. */
const NOT_GRANTED = 'wazo-auth-kit.never.granted';

test("GET /token/{token} returns the token's data without any other credential", covers('LIFECYCLE-GET'), async ({ api }) => {
  // obs. 8a
  const login = await api.userLogin();
  const res = await api.get(`/token/${login.token}`);
  expect(res.status, res.describe()).toBe(200);
  expectSameSecret(res.data?.token, login.token, 'data.token is the token asked for');
  expect(res.data.metadata?.uuid, 'metadata.uuid').toBe(login.metadata.uuid);
  expect(res.data.session_uuid, 'session_uuid').toBe(login.session_uuid);
  expect(res.data.acl, 'acl').toEqual(login.acl);
});

test('GET /token/{token} gives the utc_ times with six fraction digits where the release does, with none before', covers('LIFECYCLE-GET-UTC-FORMAT'), async ({ api }) => {
  // obs. 8a; from 25.02 (spec/releases.yaml): tokens are stored to the second, older releases print no fraction.
  const login = await api.userLogin();
  const res = await api.get(`/token/${login.token}`);
  expect(res.status, res.describe()).toBe(200);
  const issued = String(res.data?.utc_issued_at);
  const fraction = observe('utc-read-timestamps-fraction', /\.\d+$/.test(issued), `GET /token/{t} utc_issued_at ${issued}`);
  for (const field of ['utc_issued_at', 'utc_expires_at']) {
    expect(String(res.data?.[field]), `${field}: ${res.describe()}`).toMatch(fraction ? /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/ : /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  }
});

test('HEAD /token/{token} answers 204 for a valid token, without a body', covers('LIFECYCLE-HEAD'), async ({ api }) => {
  // obs. 8b
  const login = await api.userLogin();
  const res = await api.head(`/token/${login.token}`);
  expect(res.status, res.describe()).toBe(204);
  expect(res.text, 'no body').toBe('');
});

test('an unknown token gets 404 No such token', covers('LIFECYCLE-UNKNOWN-404'), async ({ api }) => {
  // obs. 8c, 8c2
  const unknown = randomUUID();
  expectNoSuchToken(await api.get(`/token/${unknown}`));
  expectNoSuchToken(await api.head(`/token/${unknown}`));
});

test(
  'a token that is not a UUID gets a JSON 404 No such token',
  covers('LIFECYCLE-NON-UUID-404'),
  should(async ({ api }) => {
    // obs. 8c3: the real service answers an HTML 404 page (its router only takes UUIDs).
    expectNoSuchToken(await api.get('/token/not-a-uuid'));
  }),
);

test('DELETE /token/{token} answers 200 and the token then gets 404', covers('LIFECYCLE-DELETE'), async ({ api }) => {
  // obs. 8e, 8f
  const login = await api.userLogin();
  const del = await api.delete(`/token/${login.token}`);
  expect(del.status, del.describe()).toBe(200);
  expect(del.body?.data?.message, del.describe()).toBe('success');
  expectNoSuchToken(await api.get(`/token/${login.token}`));
  expectNoSuchToken(await api.head(`/token/${login.token}`));
});

test('deleting an already deleted token still answers 200', covers('LIFECYCLE-DELETE-IDEMPOTENT'), async ({ api }) => {
  // obs. 8f2
  const login = await api.userLogin();
  const first = await api.delete(`/token/${login.token}`);
  expect(first.status, first.describe()).toBe(200);
  const second = await api.delete(`/token/${login.token}`);
  expect(second.status, second.describe()).toBe(200);
});

test('a token gets 404 once its expiration has passed', covers('LIFECYCLE-EXPIRY'), async ({ api }) => {
  // obs. 8g, 8h, 8h2: valid at first, 404 for GET and HEAD after `expiration` seconds.
  const login = await api.userLogin({ expiration: 2 });
  const before = await api.head(`/token/${login.token}`);
  expect(before.status, `valid before it expires: ${before.describe()}`).toBe(204);
  const after = await pollUntil(() => api.get(`/token/${login.token}`), (r) => r.status !== 200, { timeoutMs: 10_000, intervalMs: 250 });
  expectNoSuchToken(after);
  expectNoSuchToken(await api.head(`/token/${login.token}`));
});

test('GET /token/{token}?scope= with an ACL the token grants answers 200', covers('LIFECYCLE-SCOPE-GRANTED'), async ({ api }) => {
  // obs. 8d
  const login = await api.userLogin();
  const res = await api.get(`/token/${login.token}`, { query: { scope: GRANTED } });
  expect(res.status, res.describe()).toBe(200);
  expectSameSecret(res.data?.token, login.token, 'data.token');
  const head = await api.head(`/token/${login.token}`, { query: { scope: GRANTED } });
  expect(head.status, head.describe()).toBe(204);
});

test('GET and HEAD /token/{token}?scope= with an ACL the token lacks answer 403', covers('LIFECYCLE-SCOPE-REFUSED-403'), async ({ api }) => {
  // obs. 8d2, 8d3: the only 403 of the service.
  const login = await api.userLogin();
  const res = await api.get(`/token/${login.token}`, { query: { scope: NOT_GRANTED } });
  expect(res.status, res.describe()).toBe(403);
  expect(res.body?.reason?.[0], res.describe()).toContain(NOT_GRANTED);
  const head = await api.head(`/token/${login.token}`, { query: { scope: NOT_GRANTED } });
  expect(head.status, head.describe()).toBe(403);
});

test('POST /token/{token}/scopes/check tells, scope by scope, whether the token grants it', covers('LIFECYCLE-SCOPES-CHECK'), async ({ api }) => {
  // obs. 8d4
  const login = await api.userLogin();
  const res = await api.post(`/token/${login.token}/scopes/check`, { json: { scopes: [GRANTED, NOT_GRANTED] } });
  expect(res.status, res.describe()).toBe(200);
  expect(res.body?.scopes, res.describe()).toEqual({ [GRANTED]: true, [NOT_GRANTED]: false });
});

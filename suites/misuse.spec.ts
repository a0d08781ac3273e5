/**
 * Area misuse: each kind of token used where the other is expected, and tokens that are dead, missing
 * or sent the wrong way. The seed tutorial: "A refresh token can ONLY be used to create an access
 * token ... An access token can ONLY be used to authenticate a request." Facts: obs. 5, 6, 8h3, 9c2–9c5.
 */
import { randomUUID } from 'node:crypto';
import { covers } from './covers.ts';
import { expectAuthenticationFailed, expectErrorShape, expectNoSuchToken, expectUnauthorized } from './expectations.ts';
import { observe } from './releases.ts';
import { expect, test } from './fixtures.ts';
import { pollUntil } from './time.ts';

test('a refresh token used as X-Auth-Token gets 401', covers('MISUSE-REFRESH-AS-ACCESS-401'), async ({ api }) => {
  // obs. 5a, 5b
  const login = await api.userLogin({ expiration: 600, access_type: 'offline', client_id: api.clientId('as-access') });
  const mine = await api.get('/users/me/tokens', { token: login.refresh_token });
  expect(mine.status, mine.describe()).toBe(401);
  const sessions = await api.get(`/users/${login.metadata.uuid}/sessions`, { token: login.refresh_token });
  expect(sessions.status, sessions.describe()).toBe(401);
});

test('GET and HEAD /token/{refresh_token} get 404', covers('MISUSE-REFRESH-NOT-A-TOKEN-404'), async ({ api }) => {
  // obs. 5c, 5d
  const login = await api.userLogin({ expiration: 600, access_type: 'offline', client_id: api.clientId('not-a-token') });
  expectNoSuchToken(await api.get(`/token/${login.refresh_token}`));
  expectNoSuchToken(await api.head(`/token/${login.refresh_token}`));
});

test('an access token used as refresh_token gets 401', covers('MISUSE-ACCESS-AS-REFRESH-401'), async ({ api }) => {
  // obs. 6a (the access token comes from an offline login with the same client_id, so only its kind is wrong)
  const clientId = api.clientId('as-refresh');
  const login = await api.userLogin({ expiration: 600, access_type: 'offline', client_id: clientId });
  const res = await api.refresh(login.token, clientId, { expiration: 600 });
  expectAuthenticationFailed(res);
});

test('an expired access token used as X-Auth-Token gets 401', covers('MISUSE-EXPIRED-TOKEN-401'), async ({ api }) => {
  // obs. 8g, 8h3: valid at first, refused once `expiration` has passed.
  const login = await api.userLogin({ expiration: 2 });
  const settledAfter = Date.now() + 3_000;
  const before = await api.get('/users/me/tokens', { token: login.token });
  expect(before.status, `the token works before it expires: ${before.describe()}`).toBe(200);
  // At the very moment of expiry the real service can pass its token check, then miss the token in
  // its tenant lookup: one 404 No such token (seen once on wazo-auth master). Expired means 401 after it.
  const after = await pollUntil(
    () => api.get('/users/me/tokens', { token: login.token }),
    (r) => r.status !== 200 && !(r.status === 404 && Date.now() < settledAfter),
    { timeoutMs: 10_000, intervalMs: 250 },
  );
  expectUnauthorized(after);
});

test('a revoked access token used as X-Auth-Token gets 401', covers('MISUSE-REVOKED-TOKEN-401'), async ({ api }) => {
  // obs. 8e (DELETE /token/{token}), 10f10 (a revoked token as X-Auth-Token)
  const login = await api.userLogin();
  const before = await api.get('/users/me/tokens', { token: login.token });
  expect(before.status, before.describe()).toBe(200);
  const del = await api.delete(`/token/${login.token}`);
  expect(del.status, del.describe()).toBe(200);
  expectUnauthorized(await api.get('/users/me/tokens', { token: login.token }));
});

test('a protected call without X-Auth-Token, or with an unknown one, gets 401', covers('MISUSE-NO-TOKEN-401'), async ({ api }) => {
  // obs. 9c2, 9c3, 10g
  expectUnauthorized(await api.get('/users/me/tokens'));
  expectUnauthorized(await api.get('/users/me/tokens', { token: randomUUID() }));
  expectUnauthorized(await api.get('/users'));
});

test('a token sent as Authorization: Bearer or as a query parameter is not accepted', covers('MISUSE-TOKEN-ELSEWHERE-401'), async ({ api }) => {
  // obs. 9c5, 9c4
  const login = await api.userLogin();
  expectUnauthorized(await api.get('/users/me/tokens', { headers: { authorization: `Bearer ${login.token}` } }));
  // From 24.10 (spec/releases.yaml); before, the token was looked up from the query and not found.
  const query = await api.get('/users/me/tokens', { query: { token: login.token } });
  if (observe('query-string-token-refused', query.status === 401, `GET /users/me/tokens?token=…: ${query.describe()}`)) expectUnauthorized(query);
  else expectErrorShape(query, 404);
});

test('the 401 of resource endpoints is an APIError naming the access required', covers('MISUSE-UNAUTHORIZED-SHAPE'), async ({ api }) => {
  // obs. 9c2 (no token: not_found_or_expired), 9b2 (a token without the ACL: missing_permission_or_invalid_tenant)
  const none = await api.get('/users/me/tokens');
  expectUnauthorized(none);
  expect(none.body.details.reason, none.describe()).toBe('not_found_or_expired');
  expect(none.body.details.required_access, none.describe()).toBe('auth.users.me.tokens.read');
  const user = await api.userLogin();
  const weak = await api.get('/tokens', { token: user.token });
  expectUnauthorized(weak);
  // `missing_permission` before 24.10 (the xivo-lib-python the release ships with; spec/releases.yaml).
  const named = observe('unauthorized-tenant-reason', weak.body?.details?.reason === 'missing_permission_or_invalid_tenant', `GET /tokens with a plain user's token: ${weak.describe()}`);
  expect(weak.body.details.reason, weak.describe()).toBe(named ? 'missing_permission_or_invalid_tenant' : 'missing_permission');
  expect(weak.body.details.required_access, weak.describe()).toBe('auth.tokens.read');
});

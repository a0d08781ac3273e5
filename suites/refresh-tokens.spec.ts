/**
 * Area refresh-tokens: offline logins, the refresh grant, refresh-token listing and deletion, and the
 * mobile purge. Every client_id carries the run prefix; every refresh token is deleted at teardown.
 * The mobile purge revokes ALL earlier mobile refresh tokens of a user (any client_id, obs. 11g), so it
 * runs only on a throwaway user, never on the configured one.
 * Facts: the seed tutorial (Introducing Refresh Tokens) and obs. 2–4, 7m–7p, 9, 11.
 */
import { randomUUID } from 'node:crypto';
import type { ApiClient, Exchange, Json } from './api.ts';
import { covers } from './covers.ts';
import { expectAuthenticationFailed, expectErrorShape, expectLifetime, expectNoSuchToken, expectTokenValidationError, expectUnauthorized, sessionsRevoked } from './expectations.ts';
import { expect, expectSameSecret, NEEDS_ADMIN, proved, test } from './fixtures.ts';
import { observe } from './releases.ts';
import { age, grantAge } from './run-refresh-token.ts';
import type { Credentials } from './target.ts';
import { pollUntil } from './time.ts';

/** An offline login that must answer 200 with a refresh token; returns `data`. */
async function offline(api: ApiClient, credentials: Credentials, clientId: string, expiration = 600, headers?: Record<string, string>): Promise<Json> {
  const data = await api.loginOk(credentials, { expiration, access_type: 'offline', client_id: clientId }, headers);
  expect(typeof data.refresh_token, 'an offline login returns a refresh_token').toBe('string');
  return data;
}

test('`access_type: offline` with a client_id returns a refresh token', covers('REFRESH-OFFLINE-ISSUES'), async ({ api }) => {
  // seed: Creating a Refresh Token; obs. 2a
  const res = await api.login(api.target.user, { access_type: 'offline', client_id: api.clientId('issues') });
  expect(res.status, res.describe()).toBe(200);
  expect(typeof res.data?.token, 'data.token').toBe('string');
  expect(typeof res.data?.refresh_token, 'data.refresh_token').toBe('string');
  expect(res.data.refresh_token.length, 'data.refresh_token is not empty').toBeGreaterThan(0);
});

test('`access_type: offline` without client_id gets 400', covers('REFRESH-OFFLINE-NEEDS-CLIENT-ID'), async ({ api }) => {
  // obs. 7m
  const res = await api.login(api.target.user, { access_type: 'offline' });
  expectTokenValidationError(res, 'client_id');
});

test('an empty client_id, or one over 1024 characters, gets 400', covers('REFRESH-CLIENT-ID-LENGTH'), async ({ api }) => {
  // obs. 7p (the constraint it reports: length 1..1024)
  for (const clientId of ['', `${api.target.prefix}-`.padEnd(1025, 'x')]) {
    const res = await api.login(api.target.user, { access_type: 'offline', client_id: clientId });
    expectTokenValidationError(res, 'client_id');
  }
});

test('a second offline login of the same user and client_id returns the same refresh token', covers('REFRESH-SAME-FOR-CLIENT'), async ({ api }) => {
  // obs. 2a, 2b (desktop: no Wazo-Session-Type)
  const clientId = api.clientId('same');
  const first = await offline(api, api.target.user, clientId);
  const second = await offline(api, api.target.user, clientId);
  expectSameSecret(second.refresh_token, first.refresh_token, 'the second offline login returns the first refresh token');
  expectSameSecret(second.token, first.token, 'each login still gets its own access token', false);
});

test('an online login, even with a client_id, returns no refresh token', covers('REFRESH-ONLINE-NONE'), async ({ api }) => {
  // obs. 2c
  for (const body of [{ client_id: api.clientId('online'), access_type: 'online' }, { client_id: api.clientId('online') }]) {
    const data = await api.userLogin(body);
    expect(data.refresh_token, `no refresh_token for ${JSON.stringify(Object.keys(body))}`).toBeUndefined();
  }
});

test('a refresh token and its client_id, without credentials, give a new access token for the same user', covers('REFRESH-GRANT'), async ({ api }) => {
  // seed: Creating an Access Token from a Refresh Token; obs. 3a
  const clientId = api.clientId('grant');
  const login = await offline(api, api.target.user, clientId);
  const grant = await api.refresh(login.refresh_token, clientId, { expiration: 3600 });
  expect(grant.status, grant.describe()).toBe(200);
  expectSameSecret(grant.data?.token, login.token, 'the grant gives a new access token', false);
  expect(grant.data.metadata?.uuid, 'the new token is for the same user').toBe(login.metadata.uuid);
  expect(grant.data.auth_id, 'the new token has the same auth_id').toBe(login.auth_id);
  const read = await api.get(`/token/${grant.data.token}`);
  expect(read.status, `the new access token works: ${read.describe()}`).toBe(200);
});

test('the answer to a refresh grant has no refresh_token', covers('REFRESH-GRANT-NO-REFRESH-TOKEN'), async ({ api }) => {
  // obs. 3a ("Response contains refresh_token: False")
  const clientId = api.clientId('grant-none');
  const login = await offline(api, api.target.user, clientId);
  const grant = await api.refresh(login.refresh_token, clientId, { expiration: 600 });
  expect(grant.status, grant.describe()).toBe(200);
  expect(grant.data?.refresh_token, 'no refresh_token in a refresh grant answer').toBeUndefined();
});

test('a refresh grant honours `expiration` and defaults to 7200 s', covers('REFRESH-GRANT-EXPIRATION'), async ({ api }) => {
  // obs. 3a (3600), 3d (none → 7200)
  const clientId = api.clientId('grant-exp');
  const login = await offline(api, api.target.user, clientId);
  const hour = await api.refresh(login.refresh_token, clientId, { expiration: 3600 });
  expect(hour.status, hour.describe()).toBe(200);
  expectLifetime(hour.data, 3600, 'refresh grant with expiration 3600');
  const dflt = await api.refresh(login.refresh_token, clientId);
  expect(dflt.status, dflt.describe()).toBe(200);
  expectLifetime(dflt.data, 7200, 'refresh grant without expiration');
});

test("a refresh grant with another client_id than the refresh token's gets 401", covers('REFRESH-CLIENT-ID-MATCH'), async ({ api }) => {
  // seed: "The client_id must match"; obs. 4a
  const clientId = api.clientId('match');
  const login = await offline(api, api.target.user, clientId);
  const res = await api.refresh(login.refresh_token, `${clientId}-other`, { expiration: 600 });
  expectAuthenticationFailed(res);
});

test('an unknown or malformed refresh token gets 401', covers('REFRESH-UNKNOWN-401'), async ({ api }) => {
  // obs. 4b, 4c
  for (const refreshToken of [randomUUID(), 'not-a-uuid']) {
    const res = await api.refresh(refreshToken, api.clientId('unknown'), { expiration: 600 });
    expectAuthenticationFailed(res);
  }
});

test('`refresh_token` without client_id gets 400', covers('REFRESH-NEEDS-CLIENT-ID'), async ({ api }) => {
  // obs. 7n (validation comes before any lookup: an unknown refresh token shows it as well)
  const res = await api.post('/token', { json: { refresh_token: randomUUID() } });
  expectTokenValidationError(res, 'client_id');
});

test('`refresh_token` together with `access_type: offline` gets 400', covers('REFRESH-OFFLINE-EXCLUSIVE'), async ({ api }) => {
  // obs. 7o
  const res = await api.post('/token', { json: { refresh_token: randomUUID(), client_id: api.clientId('exclusive'), access_type: 'offline' } });
  expectErrorShape(res, 400);
});

test('with Basic credentials of the same user as well, the refresh grant still works', covers('REFRESH-WINS-OVER-BASIC'), async ({ api }) => {
  // obs. 3b
  const clientId = api.clientId('wins-same');
  const login = await offline(api, api.target.user, clientId);
  const grant = await api.refresh(login.refresh_token, clientId, { expiration: 600, basic: api.target.user });
  expect(grant.status, grant.describe()).toBe(200);
  expect(grant.data?.metadata?.uuid, 'the token is for the refresh token’s user').toBe(login.metadata.uuid);
  expect(grant.data.refresh_token, 'a refresh grant, not an offline login').toBeUndefined();
});

test("with another user's Basic credentials, the refresh token decides the user", covers('REFRESH-WINS-OVER-BASIC'), async ({ api, target }) => {
  // obs. 3c: the admin's Basic credentials with alice's refresh token give alice a token.
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const clientId = api.clientId('wins-other');
  const login = await offline(api, target.user, clientId);
  const grant = await api.refresh(login.refresh_token, clientId, { expiration: 600, basic: target.admin });
  expect(grant.status, grant.describe()).toBe(200);
  expect(grant.data?.metadata?.uuid, 'the token is for the refresh token’s user, not the Basic one').toBe(login.metadata.uuid);
});

test('a refresh token outlives its access token and is listed without an expiry', covers('REFRESH-NO-EXPIRY'), async ({ api }, testInfo) => {
  // seed: "has no expiration and will keep working until it is explicitly deleted"; obs. 9a. Over the
  // whole run: whole-run.spec.ts.
  const clientId = api.clientId('no-expiry');
  const login = await offline(api, api.target.user, clientId, 1);
  const createdAt = Date.now();
  const expired = await pollUntil(() => api.get(`/token/${login.token}`), (r) => r.status === 404, { timeoutMs: 8_000 });
  expectNoSuchToken(expired);
  const grant = await api.refresh(login.refresh_token, clientId, { expiration: 600 });
  const old = age(grantAge(createdAt, login.utc_issued_at, grant.data?.utc_issued_at));
  expect(grant.status, `the refresh token (${old} old) still works after its access token expired: ${grant.describe()}`).toBe(200);
  proved(testInfo, `a refresh token ${old} old, whose 1 s access token had expired, still gave a new access token`);
  const listed = (await api.listAll('/users/me/tokens', grant.data.token)).find((item) => item.client_id === clientId);
  expect(listed, 'the refresh token is listed').toBeDefined();
  expect(Object.keys(listed).filter((key) => /expir/i.test(key)), 'the listed refresh token has no expiry field').toEqual([]);
});

test("GET /users/me/tokens lists the caller's refresh tokens", covers('REFRESH-LIST-ME'), async ({ api }) => {
  // obs. 9a
  const clientId = api.clientId('list-me');
  const login = await offline(api, api.target.user, clientId);
  const listed = (await api.listAll('/users/me/tokens', login.token)).find((item) => item.client_id === clientId);
  expect(listed, 'the new refresh token is listed').toBeDefined();
  expect(listed.user_uuid, 'user_uuid').toBe(login.metadata.uuid);
  expect(listed.mobile, 'mobile (a desktop login)').toBe(false);
  expect(typeof listed.created_at, 'created_at').toBe('string');
  // From 25.09 each item has a metadata object (spec/releases.yaml); the spec check judges its type.
  observe('refresh-token-metadata', 'metadata' in listed, `GET /users/me/tokens item keys: ${Object.keys(listed).sort().join(', ')}`);
});

test("GET /users/{uuid}/tokens lists that user's refresh tokens for an administrator", covers('REFRESH-LIST-BY-UUID'), async ({ api, target }) => {
  // obs. 9c
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const clientId = api.clientId('list-uuid');
  const login = await offline(api, target.user, clientId);
  const items = await api.listAll(`/users/${login.metadata.uuid}/tokens`, await api.adminToken());
  expect(items.find((item) => item.client_id === clientId), 'the user’s refresh token is listed').toBeDefined();
});

test('GET /tokens lists every refresh token for an administrator', covers('REFRESH-LIST-ALL-ADMIN'), async ({ api, target }) => {
  // obs. 9b
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const clientId = api.clientId('list-all');
  const login = await offline(api, target.user, clientId);
  const items = await api.listAll('/tokens', await api.adminToken());
  const listed = items.find((item) => item.client_id === clientId);
  expect(listed, 'the user’s refresh token is in the full listing').toBeDefined();
  expect(listed.user_uuid, 'user_uuid').toBe(login.metadata.uuid);
});

test("GET /tokens with a plain user's token gets 401", covers('REFRESH-LIST-ALL-USER-401'), async ({ api }) => {
  // obs. 9b2: a missing permission is a 401, never a 403.
  const user = await api.userLogin();
  const res = await api.get('/tokens', { token: user.token });
  expectUnauthorized(res);
});

test('DELETE /users/me/tokens/{client_id} answers 204, then the refresh token gets 401 and a second delete 404', covers('REFRESH-DELETE'), async ({ api }) => {
  // obs. 9d, 9e, 9f
  const clientId = api.clientId('delete');
  const login = await offline(api, api.target.user, clientId);
  const del = await api.delete(`/users/me/tokens/${encodeURIComponent(clientId)}`, { token: login.token });
  expect(del.status, del.describe()).toBe(204);
  const grant = await api.refresh(login.refresh_token, clientId, { expiration: 600 });
  expectAuthenticationFailed(grant);
  const again = await api.delete(`/users/me/tokens/${encodeURIComponent(clientId)}`, { token: login.token });
  expect(again.status, again.describe()).toBe(404);
});

test('access tokens obtained with a deleted refresh token stay valid', covers('REFRESH-DELETE-KEEPS-ACCESS'), async ({ api }) => {
  // obs. 9g
  const clientId = api.clientId('keeps');
  const login = await offline(api, api.target.user, clientId);
  const grant = await api.refresh(login.refresh_token, clientId, { expiration: 600 });
  expect(grant.status, grant.describe()).toBe(200);
  const del = await api.delete(`/users/me/tokens/${encodeURIComponent(clientId)}`, { token: login.token });
  expect(del.status, del.describe()).toBe(204);
  const read = await api.get(`/token/${grant.data.token}`);
  expect(read.status, `the access token from the refresh grant is still valid: ${read.describe()}`).toBe(200);
});

test("a mobile offline login revokes the user's earlier mobile refresh tokens where the release does so", covers('REFRESH-MOBILE-PURGE'), async ({ api, accounts, target }) => {
  // obs. 11a–11j, replayed step by step on a throwaway user. From 26.05 (spec/releases.yaml); before,
  // a mobile offline login is an offline login like any other: nothing is revoked.
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const carol = await accounts.create('mobile');
  const mobile = { 'Wazo-Session-Type': 'mobile' };
  const appA = api.clientId('mobile-a');
  const appB = api.clientId('mobile-b');
  // The count is judged where the release sends it (TOKEN-SESSIONS-REVOKED-HEADER judges whether it does).
  const expectRevoked = (res: Exchange, count: number, what: string) => {
    if (res.header('wazo-sessions-revoked') !== undefined) expect(sessionsRevoked(res), `${what}: ${res.describe()}`).toBe(count);
  };

  const online = await api.login(carol, { expiration: 600 }, mobile); // 11a
  expect(online.status, online.describe()).toBe(200);
  expectRevoked(online, 0, '11a: a mobile online login revokes nothing');

  const first = await api.login(carol, { expiration: 600, access_type: 'offline', client_id: appA }, mobile); // 11b
  expect(first.status, first.describe()).toBe(200);
  expectRevoked(first, 0, '11b');

  const second = await api.login(carol, { expiration: 600, access_type: 'offline', client_id: appA }, mobile); // 11c
  expect(second.status, second.describe()).toBe(200);
  expect(typeof second.data.refresh_token, `11c: a refresh token: ${second.describe()}`).toBe('string');
  const rotates = observe(
    'mobile-refresh-token-rotation',
    second.data.refresh_token !== first.data.refresh_token,
    `11c: a second mobile offline login with the same client_id ${second.data.refresh_token !== first.data.refresh_token ? 'issued a new' : 'returned the same'} refresh token`,
  );

  if (rotates) {
    expectRevoked(second, 1, '11c: the first mobile session is revoked');
    expectNoSuchToken(await api.get(`/token/${first.data.token}`)); // 11d
    expectAuthenticationFailed(await api.refresh(first.data.refresh_token, appA)); // 11e
  } else {
    expectRevoked(second, 0, '11c: nothing is revoked');
    const kept = await api.get(`/token/${first.data.token}`);
    expect(kept.status, `11d: the first mobile login's token stays valid: ${kept.describe()}`).toBe(200);
  }

  const grant = await api.refresh(second.data.refresh_token, appA, { headers: mobile }); // 11f
  expect(grant.status, grant.describe()).toBe(200);
  expectRevoked(grant, 0, '11f: a refresh grant revokes nothing');

  const other = await api.login(carol, { expiration: 600, access_type: 'offline', client_id: appB }, mobile); // 11g
  expect(other.status, other.describe()).toBe(200);
  const afterOther = await api.refresh(second.data.refresh_token, appA); // 11h
  const stillOnline = await api.get(`/token/${online.data.token}`); // 11i
  expect(stillOnline.status, `11i: the online mobile token survives: ${stillOnline.describe()}`).toBe(200);
  const listed = await api.listAll('/users/me/tokens', other.data.token); // 11j
  const apps = listed.map((item) => [item.client_id === appB ? 'app-b' : item.client_id === appA ? 'app-a' : 'other', item.mobile]).sort();

  if (rotates) {
    expectRevoked(other, 2, '11g: the sessions of the earlier mobile refresh token (login and grant) are revoked, whatever its client_id');
    expectAuthenticationFailed(afterOther);
    expect(apps, '11j: only the last mobile refresh token is left').toEqual([['app-b', true]]);
  } else {
    expectRevoked(other, 0, '11g: nothing is revoked');
    expect(afterOther.status, `11h: the refresh token of the other client_id still works: ${afterOther.describe()}`).toBe(200);
    expect(apps, '11j: both mobile refresh tokens are listed').toEqual([['app-a', true], ['app-b', true]]);
  }
});

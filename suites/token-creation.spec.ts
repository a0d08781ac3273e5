/**
 * Area token-creation: POST /token with Basic credentials — the answer's envelope and lifetime, the
 * validation of the body, the Wazo-Sessions-Revoked header, the session type and the session limit.
 * Facts: ../shared/reference/wazo-auth-observed.md §1, §7, §11, §13 (cited as obs. N).
 */
import { covers } from './covers.ts';
import { expectAuthenticationFailed, expectLifetime, expectTokenValidationError, expectErrorShape, sessionsRevoked } from './expectations.ts';
import { expect, expectSameSecret, NEEDS_ADMIN, should, test } from './fixtures.ts';
import { observe } from './releases.ts';
import { parseTimestamp } from './time.ts';

test('valid Basic credentials give 200 and an access token that works', covers('TOKEN-BASIC-AUTH'), async ({ api }) => {
  // obs. 1a: the seed tutorial's request.
  const data = await api.userLogin({ expiration: 3600 });
  const read = await api.get(`/token/${data.token}`);
  expect(read.status, read.describe()).toBe(200);
  expectSameSecret(read.data?.token, data.token, 'GET /token/{token} returns the same token');
});

test('the token answer is a `data` envelope with the fields clients read', covers('TOKEN-DATA-ENVELOPE'), async ({ api }) => {
  const res = await api.login(api.target.user, { expiration: 600 });
  expect(res.status, res.describe()).toBe(200);
  const data = res.data;
  expect(data && typeof data === 'object' && !Array.isArray(data), `body.data is an object: ${res.describe()}`).toBe(true);
  for (const field of ['token', 'auth_id', 'xivo_uuid', 'session_uuid']) {
    expect(typeof data[field], `data.${field}: ${res.describe()}`).toBe('string');
  }
  // @wazo/sdk reads utc_expires_at as an ISO 8601 string (sdk: What a server must give the SDK).
  for (const field of ['issued_at', 'expires_at', 'utc_issued_at', 'utc_expires_at']) {
    expect(Number.isNaN(parseTimestamp(data[field])), `data.${field} is an ISO 8601 timestamp: ${res.describe()}`).toBe(false);
  }
  expect(Array.isArray(data.acl) && data.acl.every((a: unknown) => typeof a === 'string'), `data.acl is a list of strings: ${res.describe()}`).toBe(true);
  expect(typeof data.metadata?.uuid, `data.metadata.uuid: ${res.describe()}`).toBe('string');
  expect(typeof data.metadata?.tenant_uuid, `data.metadata.tenant_uuid: ${res.describe()}`).toBe('string');
  expect(data.metadata?.jwt ?? null, 'data.metadata.jwt is absent or null (@wazo/sdk)').toBeNull();
});

test('without `expiration` the token lives 7200 s', covers('TOKEN-DEFAULT-EXPIRATION'), async ({ api }) => {
  // obs. 1d
  const data = await api.userLogin({});
  expectLifetime(data, 7200, 'POST /token {}');
});

test('`expiration` sets the lifetime, in the answer and when read back', covers('TOKEN-EXPIRATION-HONOURED'), async ({ api }) => {
  // obs. 1a (answer), 8a (read back: seconds truncated, the difference stays exact)
  const data = await api.userLogin({ expiration: 3600 });
  expectLifetime(data, 3600, 'POST /token {expiration: 3600}');
  const read = await api.get(`/token/${data.token}`);
  expect(read.status, read.describe()).toBe(200);
  expectLifetime(read.data, 3600, 'GET /token/{token}');
});

test('`expiration` 1 and 315360000 are accepted', covers('TOKEN-EXPIRATION-RANGE'), async ({ api }) => {
  // obs. 8g, 7i2 (the 10-year token is deleted at teardown like every other)
  for (const expiration of [1, 315360000]) {
    const data = await api.userLogin({ expiration });
    expectLifetime(data, expiration, `POST /token {expiration: ${expiration}}`);
  }
});

for (const expiration of [0, -1, 315360001]) {
  test(`\`expiration\` ${expiration} gets 400`, covers('TOKEN-EXPIRATION-RANGE'), async ({ api }) => {
    // obs. 7g, 7h, 7i
    const res = await api.login(api.target.user, { expiration });
    expectTokenValidationError(res, 'expiration');
  });
}

for (const [label, expiration] of [['"abc"', 'abc'], ['true', true], ['null', null]] as const) {
  test(`\`expiration\` ${label} gets 400`, covers('TOKEN-EXPIRATION-TYPE'), async ({ api }) => {
    // obs. 7j, 7k4, 7k3
    const res = await api.login(api.target.user, { expiration });
    expectTokenValidationError(res, 'expiration');
  });
}

test(
  'a fractional `expiration` is truncated and a numeric string is accepted',
  covers('TOKEN-EXPIRATION-LENIENT'),
  should(async ({ api }) => {
    // obs. 7k (1.5 → 1 s), 7k2 ("60" → 60 s)
    const fractional = await api.login(api.target.user, { expiration: 1.5 });
    expect(fractional.status, fractional.describe()).toBe(200);
    expectLifetime(fractional.data, 1, 'expiration 1.5');
    const text = await api.login(api.target.user, { expiration: '60' });
    expect(text.status, text.describe()).toBe(200);
    expectLifetime(text.data, 60, 'expiration "60"');
  }),
);

test('an `access_type` other than online/offline gets 400', covers('TOKEN-ACCESS-TYPE-ENUM'), async ({ api }) => {
  // obs. 7l
  const res = await api.login(api.target.user, { access_type: 'bogus', client_id: api.clientId('enum') });
  expectTokenValidationError(res, 'access_type');
});

test('validation errors use the {reason[], timestamp[], status_code} shape and name every field', covers('TOKEN-VALIDATION-ERROR-SHAPE'), async ({ api }) => {
  // obs. 7s: two errors at once, both named in the one reason.
  const res = await api.login(api.target.user, { expiration: 0, access_type: 'bogus' });
  expectErrorShape(res, 400);
  expect(res.body.reason, res.describe()).toHaveLength(1);
  expectTokenValidationError(res, 'expiration', 'access_type');
});

test('a body that is not JSON gets 400', covers('TOKEN-UNPARSEABLE-BODY-400'), async ({ api }) => {
  // obs. 7e
  const res = await api.post('/token', { basic: api.target.user, raw: 'this is not json', contentType: 'application/json' });
  expect(res.status, res.describe()).toBe(400);
});

test('no body at all, or an empty one, gets 400', covers('TOKEN-UNPARSEABLE-BODY-400'), async ({ api }) => {
  // obs. 1b (no body, no Content-Type), 1c (empty body with Content-Type: application/json)
  const none = await api.post('/token', { basic: api.target.user });
  expect(none.status, none.describe()).toBe(400);
  const empty = await api.post('/token', { basic: api.target.user, raw: '', contentType: 'application/json' });
  expect(empty.status, empty.describe()).toBe(400);
});

test('a JSON string as body gets 400 Invalid input type', covers('TOKEN-NON-OBJECT-BODY-400'), async ({ api }) => {
  // obs. 7f2
  const res = await api.login(api.target.user, 'abc');
  expectErrorShape(res, 400);
  expect(res.body.reason[0], res.describe()).toContain('Invalid input type');
});

test(
  'a `null` or `[]` body is taken as {}',
  covers('TOKEN-EMPTY-BODY-VALUES'),
  should(async ({ api }) => {
    // obs. 7f3, 7f
    for (const body of [null, []]) {
      const res = await api.login(api.target.user, body);
      expect(res.status, res.describe()).toBe(200);
      expectLifetime(res.data, 7200, `body ${JSON.stringify(body)}`);
    }
  }),
);

test('unknown fields are ignored, and so is `backend` where the release ignores it', covers('TOKEN-UNKNOWN-FIELDS-IGNORED'), async ({ api }) => {
  // obs. 7q, 7r; @wazo/sdk's logIn body is {"backend":"wazo_user","expiration":3600} (sdk: Requests the SDK sends)
  const unknown = await api.login(api.target.user, { foo: 1 });
  expect(unknown.status, unknown.describe()).toBe(200);
  // From 24.08 `backend` is ignored (spec/releases.yaml); before, an unknown backend fails the login.
  const backend = await api.login(api.target.user, { backend: 'nope' });
  if (observe('token-backend-ignored', backend.status === 200, `POST /token {"backend": "nope"}: ${backend.describe()}`)) expect(backend.status, backend.describe()).toBe(200);
  else expectAuthenticationFailed(backend);
  const sdk = await api.login(api.target.user, { backend: 'wazo_user', expiration: 3600 });
  expect(sdk.status, sdk.describe()).toBe(200);
  expectLifetime(sdk.data, 3600, 'the SDK login body');
});

test(
  'a JSON body sent without Content-Type is still read',
  covers('TOKEN-CONTENT-TYPE-OPTIONAL'),
  should(async ({ api }) => {
    // obs. 1e
    const res = await api.post('/token', { basic: api.target.user, raw: JSON.stringify({ expiration: 3600 }), contentType: null });
    expect(res.status, res.describe()).toBe(200);
    expectLifetime(res.data, 3600, 'body without Content-Type');
  }),
);

test('every 200 of POST /token carries Wazo-Sessions-Revoked where the release sends it, and none omits it then', covers('TOKEN-SESSIONS-REVOKED-HEADER'), async ({ api }) => {
  // obs. 1a (login), 2a (offline login), 3a (refresh grant); master only (spec/releases.yaml).
  const login = await api.login(api.target.user, { expiration: 600 });
  expect(login.status, login.describe()).toBe(200);
  const present = observe('sessions-revoked-header', login.header('wazo-sessions-revoked') !== undefined, `a login: ${login.describe()}`);
  const clientId = api.clientId('revoked-header');
  const offline = await api.login(api.target.user, { expiration: 600, access_type: 'offline', client_id: clientId });
  expect(offline.status, offline.describe()).toBe(200);
  const grant = await api.refresh(offline.data.refresh_token, clientId, { expiration: 600 });
  expect(grant.status, grant.describe()).toBe(200);
  for (const [what, res] of [['a login', login], ['an offline login', offline], ['a refresh grant', grant]] as const) {
    if (present) expect(sessionsRevoked(res), `TOKEN-SESSIONS-REVOKED-HEADER: Wazo-Sessions-Revoked is a count on ${what}: ${res.describe()}`).not.toBeNaN();
    else expect(res.header('wazo-sessions-revoked'), `TOKEN-SESSIONS-REVOKED-HEADER: the first login had no Wazo-Sessions-Revoked, ${what} has one: ${res.describe()}`).toBeUndefined();
  }
});

test('Wazo-Session-Type is accepted in any letter case', covers('TOKEN-SESSION-TYPE-ANY-CASE'), async ({ api }) => {
  // obs. 11k (MOBILE, online), 11m (its session is listed as mobile). An online login purges nothing.
  const mobile = await api.userLogin({ expiration: 600 }, { 'Wazo-Session-Type': 'MOBILE' });
  const sessions = await api.listAll(`/users/${mobile.metadata.uuid}/sessions`, mobile.token);
  const mine = sessions.find((s) => s.uuid === mobile.session_uuid);
  expect(mine, 'the MOBILE session is listed').toBeDefined();
  expect(mine.mobile, 'the session opened with Wazo-Session-Type: MOBILE is mobile').toBe(true);
});

test("a user's 101st concurrent session is refused with 429 where the release limits sessions", covers('TOKEN-SESSION-LIMIT-429'), async ({ api, accounts, target }) => {
  // obs. 13a (max_user_concurrent_sessions 100 by default; from 24.09, spec/releases.yaml); on a
  // throwaway user, never the configured one.
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  // 101 password logins: a real wazo-auth hashes each password (two minutes were not enough for 25.01
  // on a loaded 2-core machine).
  test.setTimeout(target.embeddedMock ? 120_000 : 300_000);
  const carol = await accounts.create('limit');
  const statuses: number[] = [];
  for (let batch = 0; batch < 10; batch++) {
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.login(carol, { expiration: 300 })));
    statuses.push(...answers.map((a) => a.status));
  }
  expect(statuses.filter((s) => s !== 200), 'the first 100 logins answer 200').toEqual([]);
  const over = await api.login(carol, { expiration: 300 });
  expect([200, 429], `the 101st login: ${over.describe()}`).toContain(over.status);
  if (observe('session-limit', over.status === 429, `the 101st concurrent login: ${over.describe()}`)) expectErrorShape(over, 429);
});

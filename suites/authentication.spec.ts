/**
 * Area authentication: POST /token refuses bad credentials with 401 `Authentication Failed`, whatever
 * is wrong with them (obs. 7a–7d4). None of these requests can change the configured user.
 */
import { covers } from './covers.ts';
import { expectAuthenticationFailed } from './expectations.ts';
import { expect, should, test } from './fixtures.ts';

const body = { expiration: 600 };
const header = (value: string) => ({ authorization: value });
const b64 = (text: string) => Buffer.from(text).toString('base64');

test('a wrong password gets 401 Authentication Failed', covers('AUTH-WRONG-PASSWORD-401'), async ({ api, target }) => {
  // obs. 7a
  const res = await api.login({ username: target.user.username, password: `${target.user.password}-wrong` }, body);
  expectAuthenticationFailed(res);
});

test('an unknown username gets 401 Authentication Failed', covers('AUTH-UNKNOWN-USER-401'), async ({ api, target }) => {
  // obs. 7b
  const res = await api.login({ username: `${target.prefix}-nobody`, password: 'not-the-password' }, body);
  expectAuthenticationFailed(res);
});

test('no Authorization header gets 401 Authentication Failed', covers('AUTH-NO-CREDENTIALS-401'), async ({ api }) => {
  // obs. 7c
  const res = await api.post('/token', { json: body });
  expectAuthenticationFailed(res);
});

test('an Authorization header of the Bearer scheme gets 401 Authentication Failed', covers('AUTH-BEARER-SCHEME-401'), async ({ api }) => {
  // obs. 7d3
  const res = await api.post('/token', { json: body, headers: header('Bearer xyz') });
  expectAuthenticationFailed(res);
});

test('Basic credentials without a colon get 401 Authentication Failed', covers('AUTH-NO-COLON-401'), async ({ api, target }) => {
  // obs. 7d2: base64("alicealice-pw")
  const res = await api.post('/token', { json: body, headers: header(`Basic ${b64(`${target.user.username}${target.user.password}`)}`) });
  expectAuthenticationFailed(res);
});

test('Basic credentials with an empty password get 401 Authentication Failed', covers('AUTH-EMPTY-PASSWORD-401'), async ({ api, target }) => {
  // obs. 7d4
  const res = await api.post('/token', { json: body, headers: header(`Basic ${b64(`${target.user.username}:`)}`) });
  expectAuthenticationFailed(res);
});

test(
  'malformed base64 in Basic credentials gets 401, not a server error',
  covers('AUTH-MALFORMED-BASE64-401'),
  should(async ({ api }) => {
    // obs. 7d: the real service answers 500 here (a defect); a robust server refuses with 401.
    const res = await api.post('/token', { json: body, headers: header('Basic !!!notbase64') });
    expect(res.status, res.describe()).toBe(401);
  }),
);

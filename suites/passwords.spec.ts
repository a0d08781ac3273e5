/**
 * Area passwords: PUT /users/{uuid}/password. A password change ends every session of the user
 * (obs. 10f9), so these tests never touch the configured user: each runs on a throwaway user created
 * through the administrator, and is skipped without one. Facts: obs. 10e–10e4, 10f8–10f11.
 */
import { covers } from './covers.ts';
import { observe } from './releases.ts';
import { expectAuthenticationFailed, expectNoSuchToken, expectUnauthorized } from './expectations.ts';
import { expect, NEEDS_ADMIN, test } from './fixtures.ts';
import { redactor } from './redact.ts';

const newPassword = (old: string) => {
  const value = `${old}-new`;
  redactor.password(value);
  return value;
};

test('a password change with the right old password answers 204 and the new password works', covers('PASSWORD-CHANGE'), async ({ api, accounts, target }) => {
  // obs. 10e (by the administrator), 10e4
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('password');
  const password = newPassword(bob.password);
  redactor.password(password, bob.username);
  const res = await api.put(`/users/${bob.uuid}/password`, { token: await api.adminToken(), json: { old_password: bob.password, new_password: password } });
  expect(res.status, res.describe()).toBe(204);
  const fresh = await api.login({ username: bob.username, password }, { expiration: 60 });
  expect(fresh.status, `the new password works: ${fresh.describe()}`).toBe(200);
  expectAuthenticationFailed(await api.login(bob, { expiration: 60 }));
});

test('a plain user may change its own password', covers('PASSWORD-SELF-SERVICE'), async ({ api, accounts, target }) => {
  // obs. 10f8 (through the default user policy's auth.users.me.password.#)
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('self');
  const { token } = await api.loginOk(bob, { expiration: 600 });
  const password = newPassword(bob.password);
  redactor.password(password, bob.username);
  const res = await api.put(`/users/${bob.uuid}/password`, { token, json: { old_password: bob.password, new_password: password } });
  expect(res.status, res.describe()).toBe(204);
  const fresh = await api.login({ username: bob.username, password }, { expiration: 60 });
  expect(fresh.status, `the new password works: ${fresh.describe()}`).toBe(200);
});

test('a wrong old password gets 401 Authentication Failed', covers('PASSWORD-WRONG-OLD-401'), async ({ api, accounts, target }) => {
  // obs. 10e2
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('wrong-old');
  const res = await api.put(`/users/${bob.uuid}/password`, { token: await api.adminToken(), json: { old_password: `${bob.password}-wrong`, new_password: newPassword(bob.password) } });
  expectAuthenticationFailed(res);
  const still = await api.login(bob, { expiration: 60 });
  expect(still.status, `the password is unchanged: ${still.describe()}`).toBe(200);
});

test('a password change without old_password gets 400 invalid-data', covers('PASSWORD-MISSING-OLD-400'), async ({ api, accounts, target }) => {
  // obs. 10e3
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('missing-old');
  const res = await api.put(`/users/${bob.uuid}/password`, { token: await api.adminToken(), json: { new_password: newPassword(bob.password) } });
  expect(res.status, res.describe()).toBe(400);
  expect(res.body?.error_id, res.describe()).toBe('invalid-data');
  expect(Object.keys(res.body?.details ?? {}), res.describe()).toContain('old_password');
});

test('a password change ends every session and access token of the user where the release does so', covers('PASSWORD-REVOKES-TOKENS'), async ({ api, accounts, target }) => {
  // obs. 10f8, 10f9, 10f10; from 26.04 (spec/releases.yaml): before, the tokens outlive the change.
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('revokes');
  const first = await api.loginOk(bob, { expiration: 600 });
  const second = await api.loginOk(bob, { expiration: 600 }, { 'Wazo-Session-Type': 'mobile' });
  const res = await api.put(`/users/${bob.uuid}/password`, { token: first.token, json: { old_password: bob.password, new_password: newPassword(bob.password) } });
  expect(res.status, res.describe()).toBe(204);
  const read = await api.get(`/token/${first.token}`);
  expect([200, 404], `the caller's token after the change: ${read.describe()}`).toContain(read.status);
  const sessionsAfter = async () =>
    (await api.listAll(`/users/${bob.uuid}/sessions`, await api.adminToken())).map((s) => s.uuid).filter((uuid) => uuid === first.session_uuid || uuid === second.session_uuid);
  if (observe('password-change-revokes-sessions', read.status === 404, `GET /token/{the caller's token} after its password change: ${read.describe()}`)) {
    expectNoSuchToken(read);
    expectNoSuchToken(await api.get(`/token/${second.token}`));
    expectUnauthorized(await api.get('/users/me/tokens', { token: first.token }));
    expect(await sessionsAfter(), 'their sessions are gone').toEqual([]);
  } else {
    const other = await api.get(`/token/${second.token}`);
    expect(other.status, `the caller's token survived the change, so must the user's other one: ${other.describe()}`).toBe(200);
    expect((await sessionsAfter()).length, 'both sessions are still listed').toBe(2);
  }
});

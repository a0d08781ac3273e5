import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdjustableClock } from './clock.ts';
import { MockState, type IssueResult, type TokenRequest } from './index.ts';

const ALICE = 'a11ce000-0000-4000-8000-000000000001';
const desktop: TokenRequest = { expirationSeconds: 3600, mobile: false, remoteAddr: '127.0.0.1', userAgent: 'test' };
const mobile: TokenRequest = { ...desktop, mobile: true };

function fixedState(): { state: MockState; clock: AdjustableClock } {
  const clock = new AdjustableClock(() => Date.UTC(2026, 10, 28, 6, 20, 0));
  return { state: new MockState({ clock }), clock };
}

function ok(result: IssueResult) {
  assert.equal(result.ok, true, `expected a token, got ${JSON.stringify(result)}`);
  return result as Extract<IssueResult, { ok: true }>;
}

const alice = (state: MockState) => state.authenticate('alice', 'alice-pw')!;

test('seeded users authenticate by username or confirmed email; wrong passwords do not', () => {
  const { state } = fixedState();
  assert.equal(state.authenticate('alice', 'alice-pw')?.uuid, ALICE);
  assert.equal(state.authenticate('alice@example.com', 'alice-pw')?.uuid, ALICE);
  assert.equal(state.authenticate('alice', 'nope'), undefined);
  assert.equal(state.authenticate('alice', ''), undefined);
  assert.equal(state.authenticate('nobody', 'x'), undefined);
});

test('a token carries the default user policy plus the user ACL (obs. 1a, 1f)', () => {
  const { state } = fixedState();
  const aliceToken = ok(state.login(alice(state), desktop)).token;
  assert.deepEqual(aliceToken.acl, [...state.defaultUserPolicy]);
  assert.equal(aliceToken.pbxUserUuid, ALICE);
  const adminToken = ok(state.login(state.authenticate('admin', 'admin-secret')!, desktop)).token;
  assert.deepEqual(adminToken.acl, [...state.defaultUserPolicy, '#']);
  assert.equal(adminToken.pbxUserUuid, null);
});

test('tokens expire with the clock, and the sweep drops them', async () => {
  const { state, clock } = fixedState();
  const { token } = ok(state.login(alice(state), { ...desktop, expirationSeconds: 7200 }));
  clock.advance(7199);
  assert.ok(state.findAccessToken(token.token));
  clock.advance(1);
  assert.equal(state.accessTokens.size, 1, 'still stored until looked up or swept');
  assert.equal(await state.sweep(), 1);
  assert.equal(state.accessTokens.size, 0);
  assert.equal(state.findAccessToken(token.token), undefined);
});

test('desktop offline login returns the same refresh token again (obs. 2b)', () => {
  const { state } = fixedState();
  const first = ok(state.login(alice(state), desktop, { clientId: 'example' }));
  const second = ok(state.login(alice(state), desktop, { clientId: 'example' }));
  assert.ok(first.refreshToken);
  assert.equal(second.refreshToken?.token, first.refreshToken.token);
  assert.equal(second.sessionsRevoked, 0);
  assert.equal(state.refreshTokens.size, 1);
});

test('mobile offline logins revoke earlier mobile refresh tokens and their sessions (obs. 11a–11j)', () => {
  const { state } = fixedState();
  const online = ok(state.login(alice(state), mobile)); // 11a
  const first = ok(state.login(alice(state), mobile, { clientId: 'mobile-app' })); // 11b
  assert.equal(first.sessionsRevoked, 0);
  const second = ok(state.login(alice(state), mobile, { clientId: 'mobile-app' })); // 11c
  assert.equal(second.sessionsRevoked, 1);
  assert.notEqual(second.refreshToken!.token, first.refreshToken!.token);
  assert.equal(state.findAccessToken(first.token.token), undefined); // 11d
  assert.equal(state.refresh(first.refreshToken!.token, 'mobile-app', mobile).ok, false); // 11e
  const refreshed = ok(state.refresh(second.refreshToken!.token, 'mobile-app', mobile)); // 11f
  assert.equal(refreshed.sessionsRevoked, 0);
  const other = ok(state.login(alice(state), mobile, { clientId: 'mobile-app-2' })); // 11g
  assert.equal(other.sessionsRevoked, 2, 'the login that issued the 2nd token and the refresh grant using it');
  assert.equal(state.refresh(second.refreshToken!.token, 'mobile-app', mobile).ok, false); // 11h
  assert.ok(state.findAccessToken(online.token.token), 'online mobile sessions survive (11i)');
  assert.deepEqual(state.refreshTokens.forUser(ALICE).map((r) => [r.clientId, r.mobile]), [['mobile-app-2', true]]); // 11j
});

test('a desktop refresh token is not revoked by a mobile login', () => {
  const { state } = fixedState();
  const desktopLogin = ok(state.login(alice(state), desktop, { clientId: 'example' }));
  const mobileLogin = ok(state.login(alice(state), mobile, { clientId: 'mobile-app' }));
  assert.equal(mobileLogin.sessionsRevoked, 0);
  assert.ok(state.refresh(desktopLogin.refreshToken!.token, 'example', desktop).ok);
});

test('refresh needs the matching client_id and never takes an access token (obs. 4a, 6a)', () => {
  const { state } = fixedState();
  const login = ok(state.login(alice(state), desktop, { clientId: 'example' }));
  assert.deepEqual(state.refresh(login.refreshToken!.token, 'other', desktop), { ok: false, reason: 'authentication-failed' });
  assert.deepEqual(state.refresh(login.token.token, 'example', desktop), { ok: false, reason: 'authentication-failed' });
  const refreshed = ok(state.refresh(login.refreshToken!.token, 'example', desktop));
  assert.equal(refreshed.refreshToken, undefined, 'a refresh grant returns no refresh token');
  assert.equal(refreshed.token.userUuid, ALICE);
  assert.equal(state.findAccessToken(login.refreshToken!.token), undefined, 'a refresh token is not an access token');
});

test('deleting a refresh token keeps the access tokens obtained with it (obs. 9g)', () => {
  const { state } = fixedState();
  const login = ok(state.login(alice(state), desktop, { clientId: 'example' }));
  const refreshed = ok(state.refresh(login.refreshToken!.token, 'example', desktop));
  assert.equal(state.refreshTokens.remove(login.refreshToken!.token), true);
  assert.ok(state.findAccessToken(refreshed.token.token));
  assert.equal(state.refresh(login.refreshToken!.token, 'example', desktop).ok, false);
});

test('the session limit answers too-many-sessions for the next login and refresh (obs. 13a)', () => {
  const clock = new AdjustableClock(() => 0);
  const state = new MockState({ clock, maxUserSessions: 3 });
  const login = ok(state.login(alice(state), desktop, { clientId: 'example' }));
  ok(state.login(alice(state), desktop));
  ok(state.login(alice(state), desktop));
  assert.deepEqual(state.login(alice(state), desktop), { ok: false, reason: 'too-many-sessions', userUuid: ALICE });
  assert.equal(state.refresh(login.refreshToken!.token, 'example', desktop).ok, false);
  state.revokeAccessToken(login.token.token);
  ok(state.login(alice(state), desktop));
});

test('a password change needs the old password and ends every session of the user (obs. 10f8, 10f9)', () => {
  const { state } = fixedState();
  const { token } = ok(state.login(alice(state), desktop));
  const admin = ok(state.login(state.authenticate('admin', 'admin-secret')!, desktop)).token;
  assert.equal(state.changePassword(ALICE, 'wrong', 'x'), 'wrong-password');
  assert.ok(state.findAccessToken(token.token));
  assert.equal(state.changePassword(ALICE, 'alice-pw', 'new-pw'), 'changed');
  assert.equal(state.findAccessToken(token.token), undefined);
  assert.ok(state.findAccessToken(admin.token), 'other users keep their sessions');
  assert.equal(state.authenticate('alice', 'alice-pw'), undefined);
  assert.ok(state.authenticate('alice', 'new-pw'));
});

test('deleting a user keeps its access tokens valid but drops its refresh tokens (obs. 13b)', () => {
  const { state } = fixedState();
  const login = ok(state.login(alice(state), desktop, { clientId: 'example' }));
  assert.equal(state.deleteUser(ALICE), true);
  assert.ok(state.findAccessToken(login.token.token));
  assert.equal(state.refresh(login.refreshToken!.token, 'example', desktop).ok, false);
  assert.equal(state.deleteUser(ALICE), false);
});

test('reset brings back the seeded users and forgets tokens and the clock offset', () => {
  const { state, clock } = fixedState();
  ok(state.login(alice(state), desktop, { clientId: 'example' }));
  state.deleteUser(ALICE);
  clock.advance(60);
  state.reset();
  assert.equal(state.accessTokens.size, 0);
  assert.equal(state.refreshTokens.size, 0);
  assert.equal(clock.offsetSeconds, 0);
  assert.ok(state.authenticate('alice', 'alice-pw'));
});

test('the clock refuses to go backwards', () => {
  const clock = new AdjustableClock(() => 0);
  assert.throws(() => clock.advance(-1), RangeError);
  clock.advance(1.5);
  assert.equal(clock.now(), 1500);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdjustableClock } from './clock.ts';
import { confirmationAcl, requestReset, resetAcl, resetPassword, sendConfirmation, updateEmails } from './emails.ts';
import { MockState } from './index.ts';
import { MAX_MAILS } from './mails.ts';

const ALICE = 'a11ce000-0000-4000-8000-000000000001';
const here = { hostname: '127.0.0.1', port: 9497 };

function fresh(): MockState {
  return new MockState({ clock: new AdjustableClock(() => Date.UTC(2026, 11, 2, 6, 0, 0)) });
}

function bob(state: MockState) {
  return state.users.create({ username: 'bob', password: 'bob-pw', firstname: null, lastname: null, emailAddress: null, purpose: 'user', enabled: true, tenantUuid: 't' });
}

test('a replaced list keeps the uuid and flag of a kept address; a new one is unconfirmed and no login', () => {
  const state = fresh();
  const user = bob(state);
  const first = updateEmails(state, user, [{ address: 'b@example.com', main: true, confirmed: true }]);
  assert.ok(first.ok);
  const second = updateEmails(state, user, [{ address: 'c@example.com', main: true }, { address: 'b@example.com', main: false }]);
  assert.ok(second.ok);
  assert.equal(second.emails[1]!.uuid, first.emails[0]!.uuid);
  assert.equal(second.emails[1]!.confirmed, true);
  assert.equal(second.emails[0]!.confirmed, false);
  assert.equal(state.authenticate('c@example.com', 'bob-pw'), undefined);
  assert.equal(state.authenticate('b@example.com', 'bob-pw')?.uuid, user.uuid);
});

test("another user's address, in any case, is a conflict", () => {
  const state = fresh();
  const outcome = updateEmails(state, bob(state), [{ address: 'ALICE@example.com', main: true }]);
  assert.deepEqual(outcome, { ok: false, conflict: 'ALICE@example.com' });
});

test('a reset goes to a confirmed address only, with a token for that user alone, and sets the password', () => {
  const state = fresh();
  const user = bob(state);
  assert.equal(requestReset(state, { username: 'nobody' }, here), undefined);
  updateEmails(state, user, [{ address: 'b@example.com', main: true }]);
  assert.equal(requestReset(state, { username: 'bob' }, here), undefined, 'unconfirmed: no mail');
  updateEmails(state, user, [{ address: 'b@example.com', main: true, confirmed: true }]);
  const mail = requestReset(state, { login: 'b@example.com' }, here)!;
  assert.equal(mail.to, 'b@example.com');
  assert.ok(mail.link.includes(`token=${mail.token}`) && mail.link.includes(`user_uuid=${user.uuid}`) && mail.link.includes('host=127.0.0.1:9497'));
  const token = state.findAccessToken(mail.token)!;
  assert.deepEqual(token.acl, [resetAcl(user.uuid)]);
  assert.ok(state.accessTokens.access(token).matches(resetAcl(user.uuid)));
  assert.ok(!state.accessTokens.access(token).matches(resetAcl(ALICE)));
  assert.ok(resetPassword(state, user.uuid, 'new-pw', true));
  assert.equal(state.authenticate('bob', 'new-pw')?.uuid, user.uuid);
  assert.ok(resetPassword(state, user.uuid, null, false));
  assert.equal(state.authenticate('bob', 'new-pw'), undefined);
});

test('a confirmation mail carries a token for that address; confirming makes it a login', () => {
  const state = fresh();
  const user = bob(state);
  updateEmails(state, user, [{ address: 'b@example.com', main: true }]);
  const email = state.users.get(user.uuid)!.emails[0]!;
  const mail = sendConfirmation(state, user, email, here);
  assert.equal(mail.link, `https://127.0.0.1:9497/0.1/emails/${email.uuid}/confirm?token=${mail.token}`);
  assert.deepEqual(state.findAccessToken(mail.token)!.acl, [confirmationAcl(email.uuid)]);
  state.users.confirmEmail(email.uuid);
  assert.equal(state.authenticate('b@example.com', 'bob-pw')?.uuid, user.uuid);
});

test('the outbox keeps the last MAX_MAILS mails and empties on reset', () => {
  const state = fresh();
  const user = bob(state);
  updateEmails(state, user, [{ address: 'b@example.com', main: true, confirmed: true }]);
  for (let i = 0; i < MAX_MAILS + 5; i += 1) requestReset(state, { username: 'bob' }, here);
  assert.equal(state.mails.list().length, MAX_MAILS);
  assert.equal(state.mails.list()[0]!.id, 6);
  state.reset();
  assert.equal(state.mails.list().length, 0);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileAcl, requiredAccess } from './acl.ts';

const owner = { userUuid: 'a11ce000-0000-4000-8000-000000000001', sessionUuid: '5e551011-0000-4000-8000-000000000001' };
const grants = (acl: string[], access: string) => compileAcl(acl, owner).matches(access);

test('a literal ACL grants exactly itself', () => {
  assert.equal(grants(['auth.users.read'], 'auth.users.read'), true);
  assert.equal(grants(['auth.users.read'], 'auth.users.create'), false);
  assert.equal(grants(['auth.users.read'], 'auth.users.read.more'), false);
});

test('* matches within one segment only', () => {
  assert.equal(grants(['auth.*.read'], 'auth.users.read'), true);
  assert.equal(grants(['auth.*.read'], 'auth.users.x.read'), false);
  assert.equal(grants(['auth.users.*'], 'auth.users.'), true);
});

test('# matches the rest, and # alone matches everything (admin, obs. 1f)', () => {
  assert.equal(grants(['auth.users.me.tokens.#'], 'auth.users.me.tokens.read'), true);
  assert.equal(grants(['auth.users.me.tokens.#'], 'auth.users.me.tokens.example.delete'), true);
  assert.equal(grants(['auth.users.me.tokens.#'], 'auth.users.me.sessions.read'), false);
  assert.equal(grants(['#'], 'confd.anything.at.all'), true);
});

test('me matches the literal word and the token user uuid, not another user', () => {
  assert.equal(grants(['auth.users.me.password.#'], 'auth.users.me.password.update'), true);
  assert.equal(grants(['auth.users.me.password.#'], `auth.users.${owner.userUuid}.password.update`), true);
  assert.equal(grants(['auth.users.me.password.#'], 'auth.users.eab499bb-9682-4589-9c5c-7bfd57514a4d.password.update'), false);
});

test('my_session matches the token session uuid', () => {
  assert.equal(grants(['auth.sessions.my_session.delete'], `auth.sessions.${owner.sessionUuid}.delete`), true);
  assert.equal(grants(['auth.sessions.my_session.delete'], 'auth.sessions.00000000-0000-4000-8000-000000000000.delete'), false);
});

test('a leading ! denies, whatever grants the same access', () => {
  assert.equal(grants(['#', '!auth.users.*.delete'], 'auth.users.x.delete'), false);
  assert.equal(grants(['#', '!auth.users.*.delete'], 'auth.users.x.read'), true);
});

test('regex metacharacters in an ACL are literal', () => {
  assert.equal(grants(['a+b.c'], 'a+b.c'), true);
  assert.equal(grants(['a+b.c'], 'aab.c'), false);
});

test('the default user policy gives no user read, even on itself (obs. 10f7)', () => {
  const policy = ['default.user.policy', 'auth.users.me.external.#', 'auth.users.me.tokens.#', 'auth.users.me.password.#', 'auth.users.me.sessions.#'];
  assert.equal(grants(policy, `auth.users.${owner.userUuid}.read`), false);
  assert.equal(grants(policy, `auth.users.${owner.userUuid}.sessions.read`), true);
});

test('requiredAccess fills path parameters and keeps me as me (obs. 9c2)', () => {
  assert.equal(requiredAccess('auth.users.{user_uuid}.tokens.read', { user_uuid_or_me: 'me' }), 'auth.users.me.tokens.read');
  assert.equal(
    requiredAccess('auth.users.{user_uuid}.tokens.{client_id}.delete', { user_uuid_or_me: owner.userUuid, client_id: 'example' }),
    `auth.users.${owner.userUuid}.tokens.example.delete`,
  );
  assert.equal(requiredAccess('auth.users.read', {}), 'auth.users.read');
});

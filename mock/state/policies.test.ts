import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MockState, type IssueResult, type TokenRequest } from './index.ts';
import { DEFAULT_TENANT_UUID, DEFAULT_USERS } from './seed.ts';
import { slugFromName } from './policies.ts';

const desktop: TokenRequest = { expirationSeconds: 3600, mobile: false, remoteAddr: '127.0.0.1', userAgent: 'test' };
const token = (result: IssueResult) => {
  assert.equal(result.ok, true);
  return (result as Extract<IssueResult, { ok: true }>).token;
};

test('a fresh state has the three default policies and the all-users group of the tenant', () => {
  const state = new MockState();
  assert.deepEqual(state.policies.listPolicies().map((p) => [p.name, p.readOnly]), [
    ['wazo_default_admin_policy', true],
    ['wazo_default_master_user_policy', false],
    ['wazo_default_user_policy', true],
  ]);
  assert.deepEqual(state.policies.listGroups().map((g) => [g.name, g.systemManaged]), [[`wazo-all-users-tenant-${DEFAULT_TENANT_UUID}`, true]]);
  // The admin's `#` is the master user policy, as on the real service.
  const admin = state.authenticate('admin', 'admin-secret')!;
  assert.deepEqual(state.policies.policiesOfUser(admin.uuid).map((p) => p.name), ['wazo_default_master_user_policy']);
});

test('a policy given to a user reaches its next token only; taking it back removes it from the next one', () => {
  const state = new MockState();
  const alice = state.authenticate('alice', 'alice-pw')!;
  const before = token(state.login(alice, desktop));
  const policy = state.policies.createPolicy({ tenantUuid: alice.tenantUuid, name: 'p', acl: ['x.y', 'default.user.policy'] });
  state.policies.addUserPolicy(alice.uuid, policy.uuid);
  const after = token(state.login(alice, desktop));
  assert.deepEqual(before.acl, [...state.defaultUserPolicy]);
  // Not deduplicated: the default policy's first access is there twice; the policy's ACL is in access-id order.
  assert.deepEqual(after.acl, [...state.defaultUserPolicy, 'default.user.policy', 'x.y']);
  state.policies.removeUserPolicy(alice.uuid, policy.uuid);
  assert.deepEqual(token(state.login(alice, desktop)).acl, [...state.defaultUserPolicy]);
});

test("a group's policies come before the user's own, groups by name; the all-users group counts", () => {
  const state = new MockState();
  const alice = state.authenticate('alice', 'alice-pw')!;
  const own = state.policies.createPolicy({ tenantUuid: alice.tenantUuid, name: 'a-own', acl: ['own'] });
  const viaGroup = state.policies.createPolicy({ tenantUuid: alice.tenantUuid, name: 'b-group', acl: ['group'] });
  const viaAll = state.policies.createPolicy({ tenantUuid: alice.tenantUuid, name: 'c-all', acl: ['all'] });
  const group = state.policies.createGroup({ tenantUuid: alice.tenantUuid, name: 'zz-group' });
  state.policies.addGroupUser(group.uuid, alice.uuid);
  state.policies.addGroupPolicy(group.uuid, viaGroup.uuid);
  state.policies.addGroupPolicy(state.policies.allUsersGroup(alice.tenantUuid)!.uuid, viaAll.uuid);
  state.policies.addUserPolicy(alice.uuid, own.uuid);
  assert.deepEqual(token(state.login(alice, desktop)).acl, [...state.defaultUserPolicy, 'all', 'group', 'own']);
});

test('logins share one frozen ACL until something changes', () => {
  const state = new MockState();
  const alice = state.authenticate('alice', 'alice-pw')!;
  const a = token(state.login(alice, desktop)).acl;
  assert.equal(token(state.login(alice, desktop)).acl, a);
  state.policies.createPolicy({ tenantUuid: alice.tenantUuid, name: 'unrelated' });
  const b = token(state.login(alice, desktop)).acl;
  assert.notEqual(b, a);
  assert.deepEqual(b, a);
});

test('a users-file acl other than # becomes a policy of the user', () => {
  const state = new MockState({ users: [...DEFAULT_USERS, { ...DEFAULT_USERS[1]!, username: 'carol', uuid: 'c0000000-0000-4000-8000-000000000003', email: null, acl: ['confd.#'] }] });
  const carol = state.authenticate('carol', 'alice-pw')!;
  assert.deepEqual(state.policies.policiesOfUser(carol.uuid).map((p) => p.name), ['mock-acl-carol']);
  assert.deepEqual(token(state.login(carol, desktop)).acl, [...state.defaultUserPolicy, 'confd.#']);
});

test('slugs keep only [a-zA-Z0-9_-] of the name (measured: "x With Space!" → "xWithSpace")', () => {
  assert.equal(slugFromName('zzpolff9f57 With Space!'), 'zzpolff9f57WithSpace');
});

/**
 * Area spec: every answer matches spec/wazo-auth.yaml. The `api` fixture checks every response of every
 * test against the description (suites/api.ts); these tests walk through the answers a client meets —
 * successes and errors of each operation — so that the rule is checked on its own, operation by
 * operation, even when no other test ran.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiClient } from './api.ts';
import { covers } from './covers.ts';
import { expect, NEEDS_ADMIN, test } from './fixtures.ts';

/** Every exchange of the test was matched to an operation and conforms (a violation throws earlier). */
function expectAllChecked(api: ApiClient): void {
  expect(api.evidence.filter((e) => !e.operationId).map((e) => e.request), 'every request maps to an operation of the spec').toEqual([]);
  expect(api.evidence.filter((e) => e.schemaError).map((e) => e.schemaError), 'no answer contradicts the spec').toEqual([]);
}

test('the answers of a user session of @wazo/sdk conform to the spec', covers('SPEC-RESPONSES-CONFORM'), async ({ api, target }) => {
  const clientId = api.clientId('spec');
  const login = await api.login(target.user, { backend: 'wazo_user', expiration: 600, access_type: 'offline', client_id: clientId });
  expect(login.status, login.describe()).toBe(200);
  const { token, refresh_token: refreshToken, metadata } = login.data;
  expect((await api.head(`/token/${token}`)).status).toBe(204);
  expect((await api.get(`/token/${token}`)).status).toBe(200);
  expect((await api.get(`/token/${token}`, { query: { scope: 'wazo-auth-kit.never.granted' } })).status).toBe(403);
  expect((await api.post(`/token/${token}/scopes/check`, { json: { scopes: ['auth.users.me.tokens.read'] } })).status).toBe(200);
  expect((await api.get('/users/me/tokens', { token })).status).toBe(200);
  expect((await api.get(`/users/${metadata.uuid}/sessions`, { token })).status).toBe(200);
  const grant = await api.refresh(refreshToken, clientId, { expiration: 600 });
  expect(grant.status, grant.describe()).toBe(200);
  expect((await api.delete(`/users/me/tokens/${encodeURIComponent(clientId)}`, { token })).status).toBe(204);
  expect((await api.delete(`/users/me/tokens/${encodeURIComponent(clientId)}`, { token })).status).toBe(404);
  expect((await api.delete(`/users/${metadata.uuid}/sessions/${grant.data.session_uuid}`, { token })).status).toBe(204);
  expect((await api.delete(`/token/${token}`)).status).toBe(200);
  expect((await api.get(`/token/${token}`)).status).toBe(404);
  expect((await api.head(`/token/${token}`)).status).toBe(404);
  expect((await api.get('/users/me/tokens', { token })).status).toBe(401);
  expect((await api.login(target.user, { expiration: 0 })).status).toBe(400);
  expect((await api.post('/token', { basic: target.user, raw: 'not json', contentType: 'application/json' })).status).toBe(400);
  expect((await api.refresh(randomUUID(), clientId)).status).toBe(401);
  expect((await api.head('/status')).status).toBe(200);
  expectAllChecked(api);
});

test('the answers of the users endpoints conform to the spec', covers('SPEC-RESPONSES-CONFORM'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const username = `${target.prefix}-spec-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(9).toString('hex')}`;
  const created = await api.post('/users', { token: admin, json: { username, password, firstname: 'Spec', lastname: 'Check' } });
  expect(created.status, created.describe()).toBe(200);
  const uuid = created.body.uuid as string;
  expect((await api.post('/users', { token: admin, json: { username, password } })).status).toBe(409);
  expect((await api.post('/users', { token: admin, json: { username: `${username}-x`, purpose: 'nope' } })).status).toBe(400);
  expect((await api.get('/users', { token: admin, query: { search: username } })).status).toBe(200);
  expect((await api.get(`/users/${uuid}`, { token: admin })).status).toBe(200);
  expect((await api.put(`/users/${uuid}`, { token: admin, json: { username, firstname: 'Spec2' } })).status).toBe(200);
  expect((await api.get(`/users/${uuid}/tokens`, { token: admin })).status).toBe(200);
  expect((await api.get('/tokens', { token: admin })).status).toBe(200);
  expect((await api.put(`/users/${uuid}/password`, { token: admin, json: { old_password: `${password}-wrong`, new_password: `${password}-2` } })).status).toBe(401);
  expect((await api.put(`/users/${uuid}/password`, { token: admin, json: { new_password: `${password}-2` } })).status).toBe(400);
  expect((await api.put(`/users/${uuid}/password`, { token: admin, json: { old_password: password, new_password: `${password}-2` } })).status).toBe(204);
  const user = await api.userLogin();
  expect((await api.get('/users', { token: user.token })).status).toBe(401);
  expect((await api.delete(`/users/${uuid}`, { token: admin })).status).toBe(204);
  expect((await api.get(`/users/${uuid}`, { token: admin })).status).toBe(404);
  expectAllChecked(api);
});

/**
 * Area sessions: every access token opens a session (`session_uuid`); a user lists and ends its own
 * sessions with the default policy's auth.users.me.sessions.#. These tests only touch sessions they
 * opened themselves, so they run on the configured user. The order of the listing is not defined
 * (obs. 9i, 11m): tests look their sessions up by uuid. Facts: obs. 9i, 11a, 11m.
 */
import { covers } from './covers.ts';
import { expectNoSuchToken } from './expectations.ts';
import { expect, test } from './fixtures.ts';

test("GET /users/{uuid}/sessions lists the user's sessions with total and filtered, honouring limit", covers('SESSIONS-LIST'), async ({ api }) => {
  // obs. 9i
  const login = await api.userLogin();
  const path = `/users/${login.metadata.uuid}/sessions`;
  const all = await api.get(path, { token: login.token });
  expect(all.status, all.describe()).toBe(200);
  expect(Number.isInteger(all.body.total) && Number.isInteger(all.body.filtered), `total and filtered are counts: ${all.describe()}`).toBe(true);
  expect(all.body.total, 'the caller has at least its own session').toBeGreaterThanOrEqual(1);
  const mine = (await api.listAll(path, login.token)).find((s) => s.uuid === login.session_uuid);
  expect(mine, "the token's session is listed").toBeDefined();
  expect(mine.user_uuid, 'user_uuid').toBe(login.metadata.uuid);
  const one = await api.get(path, { token: login.token, query: { limit: '1' } });
  expect(one.status, one.describe()).toBe(200);
  expect(one.body.items, `limit=1 gives one item: ${one.describe()}`).toHaveLength(1);
  expect(one.body.total, 'limit does not change total').toBeGreaterThanOrEqual(1);
});

test('sessions opened with Wazo-Session-Type: mobile are listed as mobile', covers('SESSIONS-MOBILE-FLAG'), async ({ api }) => {
  // obs. 11a, 11m (an online mobile login purges nothing: it is safe on the configured user)
  const mobile = await api.userLogin({ expiration: 600 }, { 'Wazo-Session-Type': 'mobile' });
  const desktop = await api.userLogin({ expiration: 600 });
  const sessions = await api.listAll(`/users/${desktop.metadata.uuid}/sessions`, desktop.token);
  const flag = (uuid: string) => sessions.find((s) => s.uuid === uuid)?.mobile;
  expect(flag(mobile.session_uuid), 'the mobile login’s session').toBe(true);
  expect(flag(desktop.session_uuid), 'the desktop login’s session').toBe(false);
});

test("DELETE /users/{uuid}/sessions/{session_uuid} answers 204 and ends the session's token", covers('SESSIONS-DELETE'), async ({ api }) => {
  // upstream: user_session/http.py (204), services/session.py (the session's token goes with it)
  const caller = await api.userLogin();
  const doomed = await api.userLogin();
  const del = await api.delete(`/users/${caller.metadata.uuid}/sessions/${doomed.session_uuid}`, { token: caller.token });
  expect(del.status, del.describe()).toBe(204);
  expectNoSuchToken(await api.get(`/token/${doomed.token}`));
  const sessions = await api.listAll(`/users/${caller.metadata.uuid}/sessions`, caller.token);
  expect(sessions.some((s) => s.uuid === doomed.session_uuid), 'the session is no longer listed').toBe(false);
  expect(sessions.some((s) => s.uuid === caller.session_uuid), "the caller's own session is untouched").toBe(true);
});

/**
 * Area cors: a browser application (@wazo/sdk in a web page) must be allowed to call the service from
 * its own origin. Each preflight below is the one a browser sends before an SDK request that is not
 * "simple" (a DELETE, or headers such as Authorization, Content-Type: application/json, X-Auth-Token,
 * Wazo-*): browsers send the requested headers lower-cased and sorted. Facts: obs. 12d–12e,
 * sdk: CORS (../shared/reference/wazo-js-sdk.md).
 */
import { randomUUID } from 'node:crypto';
import type { ApiClient, Exchange } from './api.ts';
import { covers } from './covers.ts';
import { expect, should, test } from './fixtures.ts';

const ORIGIN = 'https://app.example.org';
const list = (value: string | undefined) => (value ?? '').split(',').map((v) => v.trim().toLowerCase()).filter(Boolean);

/** The preflights of the SDK's requests: [what, method, path, requested headers]. */
const PREFLIGHTS: [string, string, string, string[]][] = [
  ['auth.logIn (POST token, Basic, mobile)', 'POST', '/token', ['authorization', 'content-type', 'wazo-session-type']],
  ['auth.refreshToken (POST token)', 'POST', '/token', ['content-type']],
  ['auth.logOut (DELETE token/{t})', 'DELETE', `/token/${randomUUID()}`, []],
  ['auth.getUser (GET users/{uuid})', 'GET', `/users/${randomUUID()}`, ['content-type', 'wazo-tenant', 'x-auth-token']],
  ['auth.getUserSession (GET users/{uuid}/sessions)', 'GET', `/users/${randomUUID()}/sessions`, ['content-type', 'x-auth-token']],
  ['auth.deleteRefreshToken (DELETE users/me/tokens/{client_id})', 'DELETE', '/users/me/tokens/wazo-auth-kit-app', ['x-auth-token']],
];

function preflight(api: ApiClient, method: string, path: string, headers: string[]): Promise<Exchange> {
  const request: Record<string, string> = { origin: ORIGIN, 'access-control-request-method': method };
  if (headers.length > 0) request['access-control-request-headers'] = headers.join(',');
  return api.options(path, { headers: request });
}

for (const [what, method, path, headers] of PREFLIGHTS) {
  test(`the preflight of ${what} is allowed`, covers('CORS-PREFLIGHT'), async ({ api }) => {
    const res = await preflight(api, method, path, headers);
    expect(res.status >= 200 && res.status < 300, `a preflight needs a 2xx: ${res.describe()}`).toBe(true);
    const origin = res.header('access-control-allow-origin');
    expect([ORIGIN, '*'], `Access-Control-Allow-Origin allows ${ORIGIN}: ${res.describe()}`).toContain(origin);
    const methods = list(res.header('access-control-allow-methods'));
    expect(methods.includes(method.toLowerCase()) || methods.includes('*'), `Access-Control-Allow-Methods allows ${method}: got "${res.header('access-control-allow-methods') ?? ''}"`).toBe(true);
    const allowed = list(res.header('access-control-allow-headers'));
    for (const header of headers) {
      // A `*` does not cover Authorization (Fetch standard; sdk: CORS).
      const covered = allowed.includes(header) || (allowed.includes('*') && header !== 'authorization');
      expect(covered, `Access-Control-Allow-Headers allows ${header}: got "${res.header('access-control-allow-headers') ?? ''}"`).toBe(true);
    }
  });
}

test('answers to a request with an Origin allow that origin, errors included', covers('CORS-ALLOW-ORIGIN'), async ({ api }) => {
  // obs. 12e (a login), and a 401 the SDK must be able to read to refresh its token (sdk: CORS)
  const login = await api.login(api.target.user, { expiration: 600 }, { origin: ORIGIN });
  expect(login.status, login.describe()).toBe(200);
  expect([ORIGIN, '*'], `on a 200: ${login.describe()}`).toContain(login.header('access-control-allow-origin'));
  const refused = await api.get('/users/me/tokens', { headers: { origin: ORIGIN } });
  expect(refused.status, refused.describe()).toBe(401);
  expect([ORIGIN, '*'], `on a 401: ${refused.describe()}`).toContain(refused.header('access-control-allow-origin'));
  const head = await api.head(`/token/${login.data.token}`, { headers: { origin: ORIGIN } });
  expect([ORIGIN, '*'], `on HEAD /token/{token}: ${head.describe()}`).toContain(head.header('access-control-allow-origin'));
});

test(
  'the Origin is echoed, not `*`, with Vary: Origin',
  covers('CORS-ECHO-ORIGIN'),
  should(async ({ api }) => {
    // obs. 12d, 12e
    const pre = await preflight(api, 'POST', '/token', ['authorization', 'content-type']);
    expect(pre.header('access-control-allow-origin'), pre.describe()).toBe(ORIGIN);
    expect(list(pre.header('vary')), `Vary on the preflight: ${pre.describe()}`).toContain('origin');
    const login = await api.login(api.target.user, { expiration: 600 }, { origin: ORIGIN });
    expect(login.header('access-control-allow-origin'), login.describe()).toBe(ORIGIN);
    expect(list(login.header('vary')), `Vary on the answer: ${login.describe()}`).toContain('origin');
  }),
);

/**
 * @wazo/sdk's browser bundle in Chromium, on a page served from another origin, against the mock over
 * HTTPS under /api/auth/0.1 (the self-signed certificate accepted for the test, as a developer accepts
 * it once): log in with a clientId (offline: a refresh token), refresh, check the token, delete the
 * refresh token, log out. Asserts on what the page shows and that the browser reported no CORS error.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, NO_CHROMIUM, test } from './fixtures.ts';

test.skip(Boolean(NO_CHROMIUM), NO_CHROMIUM);
// The mock's development certificate is self-signed.
test.use({ ignoreHTTPSErrors: true });

// The package's `exports` map names its UMD build `./dist/wazo-sdk.js` (condition "node"); the same file
// runs in a browser, where it defines window.WazoApiClient. Nothing is bundled here.
const SDK_DIR = dirname(createRequire(import.meta.url).resolve('@wazo/sdk'));
const SDK_BUNDLE = readFileSync(join(SDK_DIR, 'wazo-sdk.js'));
const APP = readFileSync(fileURLToPath(new URL('./sdk-app.html', import.meta.url)));
const ALICE_UUID = 'a11ce000-0000-4000-8000-000000000001';

test('the SDK bundle logs in, refreshes, checks, deletes the refresh token and logs out, cross-origin over HTTPS', async ({ page, mock, site, browserProblems }) => {
  const appOrigin = await site.serve({ '/': { type: 'text/html; charset=utf-8', body: APP }, '/wazo-sdk.js': { type: 'text/javascript', body: SDK_BUNDLE } });
  const mockOrigin = `https://${mock.sdkServer}`;
  expect(new URL(appOrigin).port, 'the app and the mock are different origins').not.toBe(String(mock.server.port));
  const sdkRequests: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(mockOrigin)) sdkRequests.push(`${request.method()} ${new URL(request.url()).pathname.replace(/[0-9a-f-]{36}$/, '{t}')}`);
  });

  await page.goto(`${appOrigin}/?server=${encodeURIComponent(mock.sdkServer)}&clientId=browser-app`);
  await expect(page.locator('#sdk')).toHaveText('yes');
  await page.getByLabel('username').fill('alice');
  await page.getByLabel('password').fill('alice-pw');
  await page.getByRole('button', { name: 'Log in and run the flow' }).click();
  await expect(page.locator('#outcome')).toHaveText(/all steps passed|stopped at the first error/, { timeout: 20_000 });

  const steps = page.locator('#steps li');
  await expect(steps).toHaveCount(5);
  await expect(page.locator('#outcome'), `the page says: ${(await steps.allInnerTexts()).join(' | ')}`).toHaveText('all steps passed');
  await expect(page.locator('li[data-step="login"]')).toContainText(`login: ok — user ${ALICE_UUID}, token …`);
  await expect(page.locator('li[data-step="login"]')).toContainText('refresh token …');
  await expect(page.locator('li[data-step="refresh"]')).toContainText('refresh: ok — new token …');
  await expect(page.locator('li[data-step="check"]')).toContainText('is valid');
  await expect(page.locator('li[data-step="delete-refresh-token"]')).toHaveText('delete-refresh-token: ok — refresh token of browser-app deleted');
  await expect(page.locator('li[data-step="logout"]')).toHaveText('logout: ok — both tokens revoked; checkToken now answers false');

  expect(browserProblems.all(), 'no CORS error, failed request or page error in the browser').toEqual([]);
  // The one console error is Chromium's line for the last checkToken's 404 (a dead token: expected).
  expect(browserProblems.consoleErrors).toEqual(['Failed to load resource: the server responded with a status of 404 (Not Found)']);
  // Every call went from the page to the mock's HTTPS origin under /api/auth/0.1, through CORS
  // preflights where the browser needs them (Authorization, X-Auth-Token, JSON bodies, DELETE).
  expect(sdkRequests).toEqual([
    'POST /api/auth/0.1/token',
    'POST /api/auth/0.1/token',
    'HEAD /api/auth/0.1/token/{t}',
    'GET /api/auth/0.1/token/{t}',
    'DELETE /api/auth/0.1/users/me/tokens/browser-app',
    'DELETE /api/auth/0.1/token/{t}',
    'DELETE /api/auth/0.1/token/{t}',
    'HEAD /api/auth/0.1/token/{t}',
  ]);
  const preflights = mock.log.filter((line) => line.startsWith('[mock] OPTIONS /api/auth/0.1/'));
  expect(preflights.length, `preflights answered: ${preflights.join(' | ')}`).toBeGreaterThan(0);
  expect(preflights.every((line) => / 200 /.test(line))).toBe(true);

  // The mock agrees: nothing left of the session.
  const state = (await mock.call('GET', '/_mock/state')).json;
  expect(state.tokens).toEqual([]);
  expect(state.refresh_tokens).toEqual([]);
  // Nothing secret on the page: tokens by their last 8 characters only, no password.
  const text = await page.locator('body').innerText();
  expect([...new Set(text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g))], 'the only full UUID shown is the user\'s').toEqual([ALICE_UUID]);
  expect(text).not.toContain('alice-pw');
});

test('control: a CORS refusal is seen by the checks above', async ({ page, site, browserProblems }) => {
  // A server that sends no Access-Control-Allow-Origin: the browser must refuse the answer, and the
  // `browserProblems` fixture must report it, or the "no CORS error" assertion above proves nothing.
  const other = await site.serve({ '/data': { type: 'application/json', body: '{}' } });
  const app = await site.serve({ '/': { type: 'text/html', body: `<!doctype html><link rel="icon" href="data:,"><p id="r">…</p><script>fetch('${other}/data').then(() => r.textContent = 'read', (e) => r.textContent = 'refused: ' + e.message)</script>` } });
  await page.goto(`${app}/`);
  await expect(page.locator('#r')).toHaveText(/^refused: /);
  await expect.poll(() => browserProblems.cors.join('\n')).toMatch(/blocked by CORS policy/);
  expect(browserProblems.failedRequests.join('\n')).toContain(`GET ${other}/data: net::ERR_FAILED`);
  expect(browserProblems.all().length).toBeGreaterThan(0);
});

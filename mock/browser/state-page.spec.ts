/**
 * The state page (GET /_mock/) in Chromium: it shows what the mock holds, screenshots are kept for
 * people (test-results/browser/state-page.png, state-page-fault-on.png), and its buttons change what
 * the API answers: expire, revoke, advance the clock, switch a fault on and off, reset.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, NO_CHROMIUM, test, type RunningMock } from './fixtures.ts';

test.skip(Boolean(NO_CHROMIUM), NO_CHROMIUM);

const basic = (username: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });
const tail = (token: string) => token.slice(-8);

/** Logs in over the API (not through the page) and returns `data`. */
async function login(mock: RunningMock, username: string, password: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const reply = await mock.call('POST', '/0.1/token', body, { ...basic(username, password), ...headers });
  expect(reply.status, `login of ${username}`).toBe(200);
  return reply.json.data as { token: string; refresh_token?: string; session_uuid: string; metadata: { uuid: string } };
}

/** Clicks a button of the page and waits for its status line to report the outcome. */
async function act(page: Page, click: () => Promise<void>, outcome: RegExp) {
  await click();
  await expect(page.locator('#status')).toHaveText(outcome);
  await expect(page.locator('#status')).toHaveClass('ok');
}

test('the state page shows users, tokens, refresh tokens and sessions, and its buttons change what the API answers', async ({ page, mock, browserProblems }, testInfo) => {
  const online = await login(mock, 'alice', 'alice-pw', { expiration: 600 });
  const offline = await login(mock, 'alice', 'alice-pw', { expiration: 3600, access_type: 'offline', client_id: 'my-frontend' }, { 'Wazo-Session-Type': 'mobile' });
  const short = await login(mock, 'admin', 'admin-secret', { expiration: 90 });

  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(`${mock.server.origin}/_mock/`);
  const tokenRow = (token: string) => page.locator(`#tokens tr[data-token-tail="${tail(token)}"]`);
  const refreshRow = (token: string) => page.locator(`#refresh-tokens tr[data-token-tail="${tail(token)}"]`);

  // What the mock holds.
  await expect(page.locator('#tokens tbody tr')).toHaveCount(3);
  await expect(page.locator('#users tr[data-username]')).toHaveText([/^admin/, /^alice/]);
  await expect(tokenRow(online.token)).toContainText('alice');
  await expect(tokenRow(online.token).locator('.remaining')).toHaveText(/^(9|10) min/);
  await expect(tokenRow(short.token).locator('.remaining')).toHaveText(/^(8\d|90) s$/);
  await expect(tokenRow(offline.token)).toContainText('my-frontend');
  await expect(refreshRow(offline.refresh_token!)).toContainText('my-frontend');
  await expect(refreshRow(offline.refresh_token!).locator('td').nth(3)).toHaveText('yes'); // mobile
  await expect(page.locator(`#sessions tr[data-session="${offline.session_uuid}"]`)).toContainText('alice');
  await expect(page.locator('#live')).toHaveText('3');
  // Tokens by their last 8 characters; no password anywhere.
  const text = await page.locator('body').innerText();
  for (const secret of [online.token, offline.token, offline.refresh_token!, short.token, 'alice-pw', 'admin-secret']) expect(text.includes(secret), 'no full token or password on the page').toBe(false);
  await expect(tokenRow(online.token).locator('code')).toHaveText(`…${tail(online.token)}`);

  const screenshot = join(testInfo.project.outputDir, 'state-page.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach('state-page', { path: screenshot, contentType: 'image/png' });

  // "expire" → GET /token/{t} answers 404.
  expect((await mock.call('GET', `/0.1/token/${online.token}`)).status).toBe(200);
  await act(page, () => tokenRow(online.token).getByRole('button', { name: 'expire' }).click(), /^token …\w{8} expired$/);
  expect((await mock.call('GET', `/0.1/token/${online.token}`)).status).toBe(404);
  await expect(tokenRow(online.token)).toHaveCount(0);
  expect((await mock.call('HEAD', `/0.1/token/${offline.token}`)).status, 'the other tokens live on').toBe(204);

  // "revoke" → the refresh grant answers 401; the access token made with it stays valid (obs. 9g).
  const grant = { refresh_token: offline.refresh_token, client_id: 'my-frontend' };
  expect((await mock.call('POST', '/0.1/token', grant)).status).toBe(200);
  await act(page, () => refreshRow(offline.refresh_token!).getByRole('button', { name: 'revoke' }).click(), /revoked$/);
  expect((await mock.call('POST', '/0.1/token', grant)).status).toBe(401);
  expect((await mock.call('HEAD', `/0.1/token/${offline.token}`)).status).toBe(204);
  await expect(page.locator('#refresh-tokens tbody')).toContainText('No refresh token');

  // "advance the clock" by 2 minutes → the 90-second token is gone, the 1-hour ones are not.
  await page.getByLabel('Advance the clock by').fill('120');
  await act(page, () => page.getByRole('button', { name: 'Advance' }).click(), /^clock advanced by 2 min$/);
  expect((await mock.call('GET', `/0.1/token/${short.token}`)).status).toBe(404);
  expect((await mock.call('HEAD', `/0.1/token/${offline.token}`)).status).toBe(204);
  await expect(page.locator('#offset')).toHaveText('2 min');
  await expect(tokenRow(short.token)).toHaveCount(0);

  // A fault switch → the API breaks its rule from the next request on, and mends when switched off.
  const unknown = '0badc0de-0000-4000-8000-000000000000';
  const fault = page.locator('#named-faults tr[data-fault="unknown-token-200"]');
  expect((await mock.call('GET', `/0.1/token/${unknown}`)).status).toBe(404);
  await act(page, () => fault.getByRole('button', { name: 'switch on' }).click(), /^fault unknown-token-200 switched on$/);
  expect((await mock.call('GET', `/0.1/token/${unknown}`)).status, 'unknown-token-200: an unknown token is read as valid').toBe(200);
  await expect(fault).toHaveClass('fault-on');
  await expect(page.locator('#faults-on')).toHaveText('unknown-token-200');
  await page.screenshot({ path: join(testInfo.project.outputDir, 'state-page-fault-on.png'), fullPage: true });
  await act(page, () => fault.getByRole('button', { name: 'switch off' }).click(), /^fault unknown-token-200 switched off$/);
  expect((await mock.call('GET', `/0.1/token/${unknown}`)).status).toBe(404);
  await expect(page.locator('#faults-on')).toHaveText('none');

  // "reset" → no token survives, the clock is back.
  await act(page, () => page.getByRole('button', { name: 'Reset the mock' }).click(), /^mock reset/);
  expect((await mock.call('HEAD', `/0.1/token/${offline.token}`)).status).toBe(404);
  await expect(page.locator('#tokens tbody')).toContainText('No live access token');
  await expect(page.locator('#offset')).toHaveText('0 s');

  // The page picks up what happens elsewhere (it polls): a new login appears without a click.
  const later = await login(mock, 'alice', 'alice-pw', { expiration: 60 });
  await expect(tokenRow(later.token)).toBeVisible();

  expect(browserProblems.all(), 'the page ran without errors').toEqual([]);
  expect(browserProblems.consoleErrors).toEqual([]);
});

/**
 * The last test of the run: the refresh token the global setup created when the run started
 * (run-refresh-token.ts) must still give an access token now, as old as the run is.
 *
 * Playwright hands tests out in file order, and this file sorts after every other spec file (a unit
 * test, coverage.test.ts, keeps it so): it starts when every other test has started, so the age it
 * proves is about the whole run — seconds on the mock, minutes on a real host — at the cost of one
 * request. Run alone (`--grep`), it waits until the refresh token is MIN_AGE_MS old.
 */
import { covers } from './covers.ts';
import { expect, proved, test } from './fixtures.ts';
import { age, grantAge, runRefreshToken } from './run-refresh-token.ts';

/** The least age worth proving: longer than any short-lived token trick a server could play in a run. */
const MIN_AGE_MS = 8_000;

test('the refresh token created when the run started still gives an access token at its end', covers('REFRESH-NO-EXPIRY'), async ({ api }, testInfo) => {
  // seed: "has no expiration and will keep working until it is explicitly deleted"
  const run = runRefreshToken();
  expect(run, 'the global setup (suites/global-setup.ts) hands the run its refresh token').toBeDefined();
  if (!run || 'problem' in run) throw new Error(`REFRESH-NO-EXPIRY: ${run?.problem ?? 'no refresh token'}`);
  const wait = run.createdAt + MIN_AGE_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const grant = await api.refresh(run.refreshToken, run.clientId, { expiration: 60 });
  const old = age(grantAge(run.createdAt, run.issuedAt, grant.data?.utc_issued_at));
  expect(grant.status, `a refresh token ${old} old (created when the run started) must still give an access token: ${grant.describe()}`).toBe(200);
  expect(typeof grant.data?.token, `the grant with a refresh token ${old} old returns data.token`).toBe('string');
  proved(testInfo, `a refresh token ${old} old (created when the run started) still gave a new access token`);
});

/**
 * The browser checks, kept apart from the conformance suite (playwright.config.ts) so that API-only
 * users never need a browser: project `browser`, tests in mock/browser/. Each test starts its own mock
 * in-process (HTTP and HTTPS on one free port), so WAZO_AUTH_URL and friends do not apply here.
 *
 *   npx playwright test -c playwright.browser.config.ts      # also the last step of `npm test`
 *
 * Chromium is Debian's (`apt-get install -y chromium`, done by .ci/run); Playwright's own download
 * cannot reach its servers here. Without /usr/bin/chromium every test is skipped with that reason.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, NO_CHROMIUM } from './mock/browser/chromium.ts';

// A skip must be seen, not only counted: say it once, before the list of skipped tests.
if (NO_CHROMIUM && !process.env.TEST_WORKER_INDEX) process.stderr.write(`[browser] every test skipped: ${NO_CHROMIUM}\n`);

export default defineConfig({
  testDir: 'mock/browser',
  testMatch: '**/*.spec.ts',
  // Not test-results/ itself: Playwright empties outputDir at each start (see playwright.config.ts).
  outputDir: 'test-results/browser',
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    // No traces or videos: they would hold the tokens the pages handle.
    trace: 'off',
    video: 'off',
    screenshot: 'off',
  },
  projects: [
    {
      name: 'browser',
      use: { browserName: 'chromium', launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } },
    },
  ],
});

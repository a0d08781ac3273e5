/**
 * The conformance suite's Playwright configuration. The target comes from the environment
 * (suites/target.ts documents every variable and its default): WAZO_AUTH_URL, WAZO_USERNAME,
 * WAZO_PASSWORD, WAZO_ADMIN_USERNAME, WAZO_ADMIN_PASSWORD, WAZO_INSECURE, WAZO_VERSION. Without
 * WAZO_AUTH_URL the suite starts the mock (mock/main.ts) on a free port and targets it.
 *
 *   npx playwright test                                   # against the embedded mock
 *   WAZO_AUTH_URL=https://wazo.example.com/api/auth/0.1 \
 *   WAZO_USERNAME=alice WAZO_PASSWORD=... npx playwright test
 */
import { resolve } from 'node:path';
import { defineConfig, type ReporterDescription } from '@playwright/test';
import { codePath, dataPath, SOURCE_EXTENSION } from './spec/package-root.ts';
import { target } from './suites/target.ts';

const t = target();

/**
 * The release the embedded mock plays: WAZO_KIT_MOCK_WAZO_VERSION (to let the suite infer it), else
 * the release the suite is told (WAZO_VERSION), else the mock's default, the newest release.
 */
const mockRelease = process.env.WAZO_KIT_MOCK_WAZO_VERSION || t.wazoVersion;

/**
 * Everything a run writes goes to the caller's directory (the CLI passes it; a plain `npx playwright
 * test` runs from it), never next to this file: installed, that is node_modules/wazo-auth-kit/dist/.
 */
const callerDir = process.env.WAZO_KIT_CALLER_CWD || process.cwd();

/** Where reports land (the CLI's --reports maps onto WAZO_KIT_REPORTS_DIR). */
const reportsDir = resolve(callerDir, process.env.WAZO_KIT_REPORTS_DIR ?? 'reports');

/**
 * Reporters. cli/report/reporter.ts prints the progress (requirement IDs first) and the summary, and
 * writes conformance.json/.md/.html and junit.xml (one testcase per test, requirement IDs in names and
 * properties, expected failures as skipped); Playwright's own HTML report goes to html/.
 */
const reporters: ReporterDescription[] = [
  // Absolute paths: this file runs as TypeScript in a clone and compiled (dist/, .js) when installed.
  [codePath('cli/report/reporter.ts'), { outputDir: reportsDir }],
  ['html', { outputFolder: `${reportsDir}/html`, open: 'never' }],
];

export default defineConfig({
  testDir: codePath('suites'),
  testMatch: `**/*.spec${SOURCE_EXTENSION}`,
  // Not test-results/ itself: Playwright empties outputDir at each start, and the cleanup registry of
  // an interrupted run (test-results/wazo-auth-kit-cleanup/) must survive until the next run removes it.
  outputDir: resolve(callerDir, 'test-results/playwright'),
  fullyParallel: true,
  // The tests wait on the network, not the CPU: more workers than cores pays off (expiry tests overlap).
  workers: Number(process.env.WAZO_KIT_WORKERS) || 4,
  forbidOnly: true,
  retries: 0,
  // A real host hashes passwords and may sit behind a slow link: a password change alone took 9 s, and
  // the users walk of spec-conformance.spec.ts over a minute, on a loaded 2-core machine running 24.01.
  timeout: t.embeddedMock ? 30_000 : 120_000,
  expect: { timeout: 5_000 },
  globalSetup: codePath('suites/global-setup.ts'),
  globalTeardown: codePath('suites/global-teardown.ts'),
  reporter: reporters,
  use: {
    // No traces, videos or screenshots: traces would capture credentials and tokens.
    trace: 'off',
    video: 'off',
    screenshot: 'off',
    ignoreHTTPSErrors: t.insecure,
    baseURL: t.baseURL,
  },
  webServer: t.embeddedMock
    ? {
        // `--tls auto`: the suite speaks plain HTTP to /0.1; the @wazo/sdk profile (suites/sdk.spec.ts)
        // needs HTTPS under /api/auth/0.1 on the same port.
        // Started as users start it (`wazo-auth-kit mock`, from its cached JavaScript bundle).
        command: `"${process.execPath}" "${dataPath('bin/wazo-auth-kit.js')}" mock --host 127.0.0.1 --port ${t.mockPort} --tls auto --log-level error${mockRelease ? ` --wazo-version ${mockRelease}` : ''}`,
        url: `http://127.0.0.1:${t.mockPort}/0.1/api/api.yml`,
        reuseExistingServer: false,
        timeout: 30_000,
        stdout: 'ignore',
        stderr: 'pipe',
        gracefulShutdown: { signal: 'SIGTERM', timeout: 2_000 },
      }
    : undefined,
});

/**
 * The suite's Playwright fixtures (STYLE.md §6: shared setup lives in fixtures).
 *
 * - `target`   (worker) the resolved target: base URL, credentials, `hasAdmin`, run prefix.
 * - `cleanup`  (test)   what the test created; removed at teardown even when the test failed.
 * - `api`      (test)   the spec-checking client (suites/api.ts); its redacted evidence is attached
 *                        to the test as `evidence` (application/json) for the reports.
 * - `accounts` (test)   throwaway users created through the administrator and deleted at teardown.
 *
 * Import `test` and `expect` from here, never from @playwright/test.
 */
import { randomBytes } from 'node:crypto';
import { test as base, expect, type TestInfo } from '@playwright/test';
import { ApiClient, type Json } from './api.ts';
import { CleanupRegistry, registryFile } from './cleanup.ts';
import { ANNOTATION, declaredRequirements, declaredSeverity } from './covers.ts';
import { redactor } from './redact.ts';
import { runRefreshToken } from './run-refresh-token.ts';
import { NEEDS_ADMIN, target as resolvedTarget, type Credentials, type Target } from './target.ts';

/** A user the suite created for one test. */
export interface Account extends Credentials {
  uuid: string;
  /** The user as POST /users answered. */
  record: Json;
}

/** Factory of throwaway users (needs the administrator). */
export interface Accounts {
  /** Creates `wak-<run>-<label>-<random>` with a random password; deleted at teardown. */
  create(label: string, extra?: Record<string, unknown>): Promise<Account>;
}

export interface SuiteFixtures {
  api: ApiClient;
  cleanup: CleanupRegistry;
  accounts: Accounts;
}
export interface SuiteWorkerFixtures {
  target: Target;
}

// Register the configured passwords before any test can print anything.
{
  const t = resolvedTarget();
  redactor.password(t.user.password, t.user.username);
  if (t.admin) redactor.password(t.admin.password, t.admin.username);
  const run = runRefreshToken();
  if (run && 'refreshToken' in run) redactor.token(run.refreshToken);
}

export const test = base.extend<SuiteFixtures, SuiteWorkerFixtures>({
  // eslint-disable-next-line no-empty-pattern
  target: [async ({}, use) => use(resolvedTarget()), { scope: 'worker' }],

  cleanup: async ({ target }, use, testInfo) => {
    const registry = new CleanupRegistry(registryFile(target.runId, target.baseURL, `${testInfo.workerIndex}-${testInfo.testId}-${testInfo.retry}`));
    await use(registry);
    const problems = await registry.run(target);
    for (const problem of problems) testInfo.annotations.push({ type: ANNOTATION.cleanup, description: redactor.text(problem) });
  },

  api: async ({ target, cleanup }, use, testInfo) => {
    const api = new ApiClient(target, cleanup, testInfo);
    await use(api);
    // `api` depends on `cleanup`, so this runs before the cleanup: answers still on their way get
    // recorded first.
    await api.settle();
    if (api.evidence.length > 0) await testInfo.attach('evidence', { body: api.evidenceJson(), contentType: 'application/json' });
  },

  accounts: async ({ api, target }, use) => {
    await use({
      async create(label, extra = {}) {
        if (!target.admin) throw new Error(NEEDS_ADMIN);
        const username = `${target.prefix}-${label}-${randomBytes(3).toString('hex')}`;
        const password = `pw-${randomBytes(12).toString('base64url')}`;
        redactor.password(password, username);
        const admin = await api.adminToken();
        const res = await api.post('/users', { token: admin, json: { username, password, firstname: 'wazo-auth-kit', lastname: label, ...extra } });
        expect(res.status, `creating a throwaway user: ${res.describe()}`).toBe(200);
        return { uuid: res.body.uuid as string, username, password, record: res.body };
      },
    });
  },
});

export { expect };

type Body = (fixtures: { api: ApiClient; target: Target; accounts: Accounts }, testInfo: TestInfo) => Promise<void>;

const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/**
 * Wraps the body of a test of `should` requirements: a failure becomes a `warning` annotation (with
 * the redacted message) and the test passes; a skip stays a skip.
 *
 *   test('...', covers('AUTH-MALFORMED-BASE64-401'), should(async ({ api }) => { ... }));
 */
export function should(body: Body) {
  return async ({ api, target, accounts }: { api: ApiClient; target: Target; accounts: Accounts }, testInfo: TestInfo) => {
    if (declaredSeverity(testInfo.annotations) !== 'should') {
      throw new Error('should() is for tests that cover `should` requirements only (see covers())');
    }
    try {
      await body({ api, target, accounts }, testInfo);
    } catch (error) {
      if (testInfo.expectedStatus === 'skipped') throw error;
      const message = stripAnsi(error instanceof Error ? error.message : String(error))
        .split('\n')
        .filter((l) => l.trim())
        .slice(0, 6)
        .join(' | ');
      testInfo.annotations.push({ type: ANNOTATION.warning, description: redactor.text(`${declaredRequirements(testInfo.annotations).join(', ')}: ${message}`) });
    }
  };
}

/**
 * Records what the test measured, for the reports: shown with its requirements when the test passes
 * ("a refresh token 38 s old still gave a new access token").
 */
export function proved(testInfo: TestInfo, sentence: string): void {
  testInfo.annotations.push({ type: ANNOTATION.proof, description: redactor.text(sentence) });
}

/** Asserts two secrets are equal (or differ) without ever printing them. */
export function expectSameSecret(actual: unknown, expected: unknown, what: string, same = true): void {
  expect(typeof actual, `${what}: a string`).toBe('string');
  expect(actual === expected, `${what}: ${same ? 'expected the same value' : 'expected a different value'}`).toBe(same);
}

export { NEEDS_ADMIN };

/**
 * The run's refresh token: one offline login of the configured user, made by the global setup when the
 * run starts, and used for a refresh grant by the last test of the run (whole-run.spec.ts). It proves
 * the seed's rule that a refresh token "has no expiration and will keep working until it is explicitly
 * deleted" over the whole length of the run (seconds on the mock, minutes on a real host), not just
 * over one access token's second (issue 14: a server whose refresh tokens die after 3 s passed).
 *
 * The global setup runs in Playwright's runner process; the workers it starts afterwards inherit its
 * environment, which carries the token (never printed; the redactor knows it in every worker).
 * The refresh token is recorded in the setup's cleanup registry: the global teardown deletes it.
 */

import { parseTimestamp } from './time.ts';

/** The environment variable that hands the run's refresh token to the workers. */
const VARIABLE = 'WAZO_KIT_RUN_REFRESH';

/** What the workers get: the refresh token, or why the setup could not obtain one. */
export type RunRefreshToken =
  /** `createdAt`: local clock when the answer came; `issuedAt`: the answer's utc_issued_at (the server's clock). */
  | { refreshToken: string; clientId: string; createdAt: number; issuedAt?: string }
  | { problem: string; clientId?: string };

/** The run's refresh token (or the setup's problem); undefined when the global setup did not run. */
export function runRefreshToken(env: NodeJS.ProcessEnv = process.env): RunRefreshToken | undefined {
  const text = env[VARIABLE];
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<{ refreshToken: unknown; clientId: unknown; createdAt: unknown; issuedAt: unknown; problem: unknown }>;
    if (typeof value.refreshToken === 'string' && typeof value.clientId === 'string' && typeof value.createdAt === 'number') {
      return { refreshToken: value.refreshToken, clientId: value.clientId, createdAt: value.createdAt, ...(typeof value.issuedAt === 'string' ? { issuedAt: value.issuedAt } : {}) };
    }
    if (typeof value.problem === 'string') return { problem: value.problem, ...(typeof value.clientId === 'string' ? { clientId: value.clientId } : {}) };
  } catch {
    // fall through
  }
  return { problem: `${VARIABLE} is not what the global setup writes` };
}

/** Hands `value` to the workers started after this call (the global setup's side). */
export function shareRunRefreshToken(value: RunRefreshToken, env: NodeJS.ProcessEnv = process.env): void {
  env[VARIABLE] = JSON.stringify(value);
}

/**
 * How old a refresh token was when a grant with it answered, in ms: by the server's own clock when both
 * answers carry `utc_issued_at` (the login's and the grant's: no network time, no clock skew between
 * the kit and a remote host), else by the local clock since `createdAtMs`.
 */
export function grantAge(createdAtMs: number, loginIssuedAt: unknown, grantIssuedAt: unknown): number {
  const server = (parseTimestamp(grantIssuedAt) - parseTimestamp(loginIssuedAt));
  return Number.isFinite(server) && server >= 0 ? server : Date.now() - createdAtMs;
}

/** `38 s`, `2 min 5 s`: an age for people. */
export function age(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 120 ? `${(ms / 1000).toFixed(s < 10 ? 1 : 0)} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

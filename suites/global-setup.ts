/**
 * Runs once before any test: checks that the target answers and that the configured credentials work,
 * and stops the run with ONE clear line when they do not (issue 4: "stops with one clear message").
 * Also removes what an earlier, interrupted run left on this target (see suites/cleanup.ts).
 */
import { CleanupRegistry, openRun, registryFile, sweep } from './cleanup.ts';
import { basicAuthorization, send, TransportError, type HttpResponse } from './http.ts';
import { redactor } from './redact.ts';
import { shareRunRefreshToken, type RunRefreshToken } from './run-refresh-token.ts';
import { KIT, target, type Credentials, type Target } from './target.ts';

/** An error whose message is the whole story: Playwright prints it without a stack. */
class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = '';
    this.stack = message;
  }
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i;

async function call(t: Target, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<HttpResponse> {
  try {
    return await send(
      {
        method,
        url: `${t.baseURL}${path}`,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      },
      { insecure: t.insecure },
    );
  } catch (error) {
    const code = error instanceof TransportError ? error.code : String(error);
    const hint = TLS_CODES.test(code) ? 'set WAZO_INSECURE=1 to accept a self-signed certificate' : 'check WAZO_AUTH_URL';
    throw new SetupError(`${KIT} cannot reach ${t.baseURL}: ${code} — ${hint}`);
  }
}

/** Logs in and returns the token (if it can find one), or throws a one-line SetupError naming the variables to fix. */
async function login(t: Target, credentials: Credentials, variables: string): Promise<string | undefined> {
  const res = await call(t, 'POST', '/token', { authorization: basicAuthorization(credentials), 'user-agent': 'wazo-auth-kit-setup' }, { expiration: 120 });
  if (res.status === 401) throw new SetupError(`${KIT} ${variables} rejected (401) by ${t.baseURL}`);
  if (res.status === 404 || res.status === 405) {
    throw new SetupError(`${KIT} ${t.baseURL}/token answered ${res.status} — WAZO_AUTH_URL must be the base URL with its version prefix (e.g. https://wazo.example.com/api/auth/0.1)`);
  }
  if (res.status !== 200) {
    throw new SetupError(`${KIT} ${t.baseURL}/token answered ${res.status} to the ${variables} login — check WAZO_AUTH_URL and the credentials`);
  }
  // The credentials work. Whether the answer has the right shape is for the tests to say, by
  // requirement ID (TOKEN-DATA-ENVELOPE), so a malformed answer does not stop the run here.
  const body = res.body as { data?: { token?: unknown }; token?: unknown } | undefined;
  const token = body?.data?.token ?? body?.token;
  if (typeof token !== 'string') return undefined;
  redactor.token(token);
  return token;
}

export default async function globalSetup(): Promise<void> {
  const t = target();
  if (t.problems.length > 0) throw new SetupError(t.problems[0]!);

  await call(t, 'HEAD', '/status');
  const userToken = await login(t, t.user, 'WAZO_USERNAME/WAZO_PASSWORD');
  if (userToken) await call(t, 'DELETE', `/token/${encodeURIComponent(userToken)}`);
  if (t.admin) {
    const adminToken = await login(t, t.admin, 'WAZO_ADMIN_USERNAME/WAZO_ADMIN_PASSWORD');
    const users = adminToken ? await call(t, 'GET', '/users?limit=1', { 'x-auth-token': adminToken }) : undefined;
    if (adminToken) await call(t, 'DELETE', `/token/${encodeURIComponent(adminToken)}`);
    if (users && users.status !== 200) {
      throw new SetupError(`${KIT} WAZO_ADMIN_USERNAME is not an administrator (GET /users answered ${users.status}) — give an account with the auth.users.* rights, or unset it to run the user-only tests`);
    }
  }

  const leftovers = await sweep(t);
  if (leftovers.problems.length > 0) {
    process.stderr.write(`${KIT} an earlier run left ${leftovers.problems.length} item(s) on ${t.baseURL} that could not be removed: ${redactor.text(leftovers.problems.slice(0, 3).join('; '))}\n`);
  }
  openRun(t.runId, t.baseURL, process.pid);
  shareRunRefreshToken(await createRunRefreshToken(t));
}

/**
 * The run's refresh token (suites/run-refresh-token.ts): an offline login of the configured user whose
 * access token is deleted at once; only the refresh token lives on, until the global teardown. A server
 * that refuses it is not stopped here: the last test fails REFRESH-NO-EXPIRY with this answer.
 */
async function createRunRefreshToken(t: Target): Promise<RunRefreshToken> {
  const clientId = `${t.prefix}-whole-run`;
  const registry = new CleanupRegistry(registryFile(t.runId, t.baseURL, 'global-setup'));
  registry.add({ kind: 'client', clientId, username: t.user.username });
  const res = await call(t, 'POST', '/token', { authorization: basicAuthorization(t.user), 'user-agent': 'wazo-auth-kit-setup' }, { expiration: 60, access_type: 'offline', client_id: clientId });
  const createdAt = Date.now();
  const data = (res.body as { data?: { token?: unknown; refresh_token?: unknown; utc_issued_at?: unknown } } | undefined)?.data;
  if (typeof data?.token === 'string') {
    redactor.token(data.token);
    await call(t, 'DELETE', `/token/${encodeURIComponent(data.token)}`);
  }
  if (res.status !== 200 || typeof data?.refresh_token !== 'string') {
    return { clientId, problem: `the offline login made when the run started answered ${res.status}${typeof data?.refresh_token === 'string' ? '' : ' without data.refresh_token'}` };
  }
  redactor.token(data.refresh_token);
  registry.add({ kind: 'refresh', refreshToken: data.refresh_token, clientId });
  return { refreshToken: data.refresh_token, clientId, createdAt, ...(typeof data.utc_issued_at === 'string' ? { issuedAt: data.utc_issued_at } : {}) };
}

/**
 * Checks, before Playwright starts, that the target answers like wazo-auth and accepts the
 * credentials, so that the three usual mistakes (wrong URL, self-signed certificate, wrong password)
 * end in exit 2 and one line saying what to fix, rather than in a hundred failed tests. The token it
 * obtains is deleted straight away.
 */
import { Agent, request } from 'undici';
import { TargetError } from './errors.ts';

/** What {@link preflight} needs. */
export interface PreflightTarget {
  url: string;
  insecure: boolean;
  /** Without one, only reachability is checked. */
  user?: { username: string; password: string };
  admin?: { username: string; password: string };
  /** Per-request timeout; 10 s by default. */
  timeoutMs?: number;
}

const TLS = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|EPROTO|ERR_SSL/i;

/** The innermost error code of a network failure (`ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`...). */
export function networkCode(error: unknown): string {
  let e: unknown = error;
  for (let i = 0; i < 6 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    const inner = (e as { errors?: unknown[] }).errors;
    e = Array.isArray(inner) && inner.length > 0 ? inner[0] : (e as { cause?: unknown }).cause;
  }
  return (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
}

/** One line explaining a network failure and what to do about it. */
export function explainNetworkError(url: string, code: string, insecure: boolean): string {
  if (code === 'ECONNREFUSED') return `cannot reach ${url}: connection refused; check the host and port of --url and that the server is running`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot reach ${url}: host name not found (${code}); check the host of --url`;
  if (/TIMEOUT|ETIMEDOUT/.test(code)) return `cannot reach ${url}: no answer in time (${code}); check --url and any firewall on the way`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `cannot reach ${url}: the connection was closed (${code}); is it http:// where the server speaks https:// (or the reverse)?`;
  if (TLS.test(code)) {
    return insecure
      ? `cannot reach ${url}: TLS handshake failed (${code}); is the port serving HTTPS? try http://`
      : `cannot reach ${url}: TLS certificate not trusted (${code}); add --insecure for a self-signed certificate`;
  }
  return `cannot reach ${url}: ${code}`;
}

/**
 * Checks that the target answers (HEAD /status), then logs in with each account, checks the answer and
 * deletes the token; throws a TargetError with one clear line otherwise.
 */
export async function preflight(target: PreflightTarget): Promise<void> {
  const timeout = target.timeoutMs ?? 10_000;
  const dispatcher = new Agent({
    connect: { rejectUnauthorized: !target.insecure, timeout },
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  const send = async (method: 'HEAD' | 'POST' | 'DELETE', path: string, headers: Record<string, string>, body?: string) => {
    try {
      const res = await request(`${target.url}${path}`, { method, headers, body, dispatcher });
      const text = await res.body.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, json };
    } catch (error) {
      throw new TargetError(explainNetworkError(target.url, networkCode(error), target.insecure), undefined, { cause: error });
    }
  };
  const login = async (who: { username: string; password: string }, fix: string) => {
    const basic = Buffer.from(`${who.username}:${who.password}`).toString('base64');
    const res = await send('POST', '/token', { authorization: `Basic ${basic}`, 'content-type': 'application/json' }, JSON.stringify({ expiration: 60 }));
    if (res.status === 401) throw new TargetError(`${target.url} rejected the credentials of "${who.username}" (401 Authentication Failed); check ${fix}`);
    if (res.status === 404 || res.status === 405) {
      throw new TargetError(
        `${target.url}/token answered ${res.status}: this is not the wazo-auth API; --url must include the version prefix, e.g. https://wazo.example.com/api/auth/0.1`,
      );
    }
    const token = (res.json as { data?: { token?: unknown } } | undefined)?.data?.token;
    if (res.status !== 200 || typeof token !== 'string') {
      throw new TargetError(`${target.url}/token answered ${res.status} without a token to the login of "${who.username}"; is --url a wazo-auth server?`);
    }
    // Leave nothing behind: the suite logs in on its own.
    await send('DELETE', `/token/${encodeURIComponent(token)}`, { 'x-auth-token': token }).catch(() => undefined);
  };
  try {
    // Any HTTP answer proves the URL reaches a server; the logins below tell whether it is wazo-auth.
    await send('HEAD', '/status', {});
    if (!target.user) return;
    await login(target.user, '--username and --password-env');
    if (target.admin) await login(target.admin, '--admin-username and --admin-password-env');
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

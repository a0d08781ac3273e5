/**
 * Where the @wazo/sdk compatibility profile (sdk-compat.spec.ts) points the SDK, or why it cannot.
 *
 * The SDK builds every auth URL as `https://<server>/api/auth/0.1/...`: https and the /api/auth prefix
 * are hard-coded, only `server` (`host[:port]`) is configurable (../shared/reference/wazo-js-sdk.md,
 * "URLs"). So the profile runs against the embedded mock (which serves HTTPS under /api/auth/0.1 on
 * the suite's port, playwright.config.ts starts it with `--tls auto`) and against a target whose
 * WAZO_AUTH_URL is exactly `https://HOST[:PORT]/api/auth/0.1`; anything else is skipped with the reason.
 */
import type { Target } from './target.ts';

/** The skip reason of the @wazo/sdk profile when the SDK is not installed next to the kit. */
export const SDK_NOT_INSTALLED = 'install @wazo/sdk to check SDK compatibility';

/** The SDK's settings for this target. */
export interface SdkTarget {
  /** `host[:port]`, the SDK's `server` option. */
  server: string;
  /** Accept a self-signed certificate (the embedded mock's, or WAZO_INSECURE=1). */
  insecure: boolean;
}

/** The settings, or the reason the profile cannot run against this target. */
export function sdkTarget(t: Pick<Target, 'baseURL' | 'embeddedMock' | 'mockPort' | 'insecure'>): SdkTarget | { skip: string } {
  // The embedded mock's certificate is its self-signed development one, generated on first start.
  if (t.embeddedMock) return { server: `127.0.0.1:${t.mockPort}`, insecure: true };
  let url: URL;
  try {
    url = new URL(t.baseURL);
  } catch {
    return { skip: `@wazo/sdk needs WAZO_AUTH_URL as https://HOST[:PORT]/api/auth/0.1; got an invalid URL` };
  }
  if (url.protocol !== 'https:' || url.pathname.replace(/\/+$/, '') !== '/api/auth/0.1' || url.search !== '' || url.username !== '' || url.password !== '') {
    return {
      skip: `@wazo/sdk only talks to https://HOST[:PORT]/api/auth/0.1 (it hard-codes https and the /api/auth prefix); WAZO_AUTH_URL is ${url.origin}${url.pathname}`,
    };
  }
  return { server: url.host, insecure: t.insecure };
}

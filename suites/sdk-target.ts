/**
 * Where the @wazo/sdk compatibility profile (sdk.spec.ts) points the SDK.
 *
 * The SDK builds every auth URL as `https://<server>/api/auth/0.1/...`: https and the /api/auth prefix
 * are hard-coded, only `server` (`host[:port]`) is configurable (../shared/reference/wazo-js-sdk.md,
 * "URLs"). So the SDK talks directly to the embedded mock (which serves HTTPS under /api/auth/0.1 on the
 * suite's port, playwright.config.ts starts it with `--tls auto`) and to a target whose WAZO_AUTH_URL
 * is exactly `https://HOST[:PORT]/api/auth/0.1`; any other target (wazo-auth itself on
 * `http://HOST:9497/0.1`, say) is reached through the kit's local TLS relay (sdk-relay.ts).
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

/** The target needs the relay: the SDK talks to it, and it to `upstream`. */
export interface SdkRelayRoute {
  relay: { upstream: string; insecure: boolean };
}

/** How the SDK reaches this target: directly, through the relay, or (an unusable URL) not at all. */
export function sdkTarget(t: Pick<Target, 'baseURL' | 'embeddedMock' | 'mockPort' | 'insecure'>): SdkTarget | SdkRelayRoute | { skip: string } {
  // The embedded mock's certificate is its self-signed development one, generated on first start.
  if (t.embeddedMock) return { server: `127.0.0.1:${t.mockPort}`, insecure: true };
  let url: URL;
  try {
    url = new URL(t.baseURL);
  } catch {
    return { skip: `@wazo/sdk cannot be pointed at WAZO_AUTH_URL: not a valid URL` };
  }
  if (url.protocol !== 'https:' || url.pathname.replace(/\/+$/, '') !== '/api/auth/0.1' || url.search !== '' || url.username !== '' || url.password !== '') {
    return { relay: { upstream: t.baseURL, insecure: t.insecure } };
  }
  return { server: url.host, insecure: t.insecure };
}

/**
 * Redaction of everything the kit writes or prints: passwords never appear, tokens only by their last
 * 8 characters (docs/DEVELOPERS.md, "Passwords never reach logs or reports").
 *
 * The suite already redacts its evidence; this is the second line of defence for what it cannot
 * control (assertion messages quoting a value, a server echoing a secret in an error body).
 */

/** Marker put in front of the kept tail of a redacted token. */
export const REDACTED_PREFIX = '…';
/** What a password is replaced with. */
export const REDACTED_PASSWORD = '[redacted]';

/** `…` and the last 8 characters: enough to tell two tokens apart, useless to an attacker. */
export function redactToken(value: string): string {
  return `${REDACTED_PREFIX}${value.slice(-8)}`;
}

// wazo-auth tokens are UUIDs (obs. 1a); other implementations may use JWTs or long opaque strings.
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g;
const OPAQUE = /(?<![A-Za-z0-9_+/=-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_+/=-])/g;
// A Basic header carries base64(user:password): the password in clear for anyone who decodes it.
// Only a value that decodes to `something:something` is taken for one, so that prose such as
// "Basic credentials" stays readable.
const BASIC = /\b(Basic)\s+([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/gi;
const isCredentials = (b64: string) => b64.length % 4 === 0 && /^[\x20-\x7e]*:[\x20-\x7e]*$/.test(Buffer.from(b64, 'base64').toString('latin1'));

/** The passwords of the current run, taken from the variables the suite reads. */
export function passwordsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.WAZO_PASSWORD, env.WAZO_ADMIN_PASSWORD].filter((p): p is string => typeof p === 'string' && p.length > 0);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Removes passwords, Basic credentials and token-shaped strings from one text. */
export function redact(text: string, passwords: readonly string[] = passwordsFromEnv()): string {
  let out = text;
  // Longest first, so a password that contains another one is removed whole. Very short values
  // (under 4 characters) would blank out ordinary words; no real password that short survives a
  // server's policy, and the mock's are longer.
  for (const password of [...passwords].filter((p) => p.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(escape(password), 'g'), REDACTED_PASSWORD);
  }
  return out
    .replace(BASIC, (m, scheme: string, value: string) => (isCredentials(value) ? `${scheme} ${REDACTED_PASSWORD}` : m))
    .replace(JWT, (m) => redactToken(m))
    .replace(UUID, (m) => redactToken(m))
    .replace(OPAQUE, (m) => redactToken(m));
}

/** Applies {@link redact} to every string inside a JSON value (keys included). */
export function redactDeep<T>(value: T, passwords: readonly string[] = passwordsFromEnv()): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, passwords);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k, passwords), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

/** A URL without user-info, query string or fragment: safe to print and to store in reports. */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return redact(raw);
  }
}

/**
 * From a case to the bytes on the wire (the target's values filled in), and to a `curl` line that sends
 * the same request with every credential as a shell variable ($WAZO_PASSWORD, $WAZO_TOKEN...), never
 * in clear.
 */
import type { Credentials } from '../suites/target.ts';
import { fill, isSlot, type FuzzCase, type Slot, type SlotRef } from './cases.ts';
import type { WireRequest } from './transport.ts';
import type { ApiSpec } from '../spec/loader.ts';

/** The target's values for one run. */
export interface TargetValues {
  baseURL: string;
  slots: Record<Slot, string>;
  user: Credentials;
  admin?: Credentials;
  throwaway?: Credentials;
  /** A username that does not exist on the target (wrong-password cases use it). */
  nobody: string;
}

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

function credentialsOf(who: 'user' | 'admin' | 'throwaway', t: TargetValues): Credentials {
  if (who === 'user') return t.user;
  if (who === 'admin') return t.admin ?? t.user;
  // Without an administrator there is no throwaway user: an unknown user stands in (never the configured one).
  return t.throwaway ?? { username: t.nobody, password: 'wak-no-such-user' };
}

/** The request of a case against a target. */
export function toWire(spec: ApiSpec, c: FuzzCase, t: TargetValues): WireRequest {
  const op = spec.operation(c.operationId);
  const value = (v: string | SlotRef) => (isSlot(v) ? t.slots[v.$slot] : v);
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(value(c.path[name] ?? '')));
  const query = c.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(value(v))}`).join('&');
  const headers: Record<string, string> = { 'user-agent': 'wazo-auth-kit-fuzz' };
  const auth = c.auth;
  if (auth.kind === 'basic') {
    const who = credentialsOf(auth.who, t);
    headers.authorization = basic(who.username, who.password);
  } else if (auth.kind === 'basic-wrong') {
    headers.authorization = basic(auth.who === 'throwaway' && t.throwaway ? t.throwaway.username : t.nobody, auth.password);
  } else if (auth.kind === 'token') {
    if (auth.as === 'bearer') headers.authorization = `Bearer ${t.slots[auth.token]}`;
    else headers['x-auth-token'] = t.slots[auth.token];
  } else if (auth.kind === 'raw') {
    headers[auth.header] = auth.value;
  }
  for (const [name, v] of Object.entries(c.headers)) headers[name] = value(v);
  let body: Buffer | undefined;
  if (c.body.kind === 'json') {
    body = Buffer.from(JSON.stringify(fill(c.body.value, (s) => t.slots[s])), 'utf8');
    if (c.body.contentType !== null) headers['content-type'] = c.body.contentType;
  } else if (c.body.kind === 'raw') {
    body = Buffer.from(c.body.bytes, 'latin1');
    if (c.body.contentType !== null) headers['content-type'] = c.body.contentType;
  }
  return { method: op.method.toUpperCase(), url: `${t.baseURL}${path}${query ? `?${query}` : ''}`, headers, ...(body ? { body } : {}) };
}

/** The shell variable standing for each slot in a curl line. */
export const SLOT_VARIABLES: Record<Slot, string> = {
  userToken: 'WAZO_TOKEN',
  adminToken: 'WAZO_ADMIN_TOKEN',
  throwawayToken: 'WAZO_THROWAWAY_TOKEN',
  disposableToken: 'WAZO_TOKEN',
  refreshToken: 'WAZO_REFRESH_TOKEN',
  refreshClientId: 'WAZO_CLIENT_ID',
  userUuid: 'WAZO_USER_UUID',
  adminUuid: 'WAZO_ADMIN_UUID',
  throwawayUuid: 'WAZO_THROWAWAY_UUID',
  tenantUuid: 'WAZO_TENANT_UUID',
};

/** A piece of a shell word: literal text, or a variable. */
type Part = { text: string } | { variable: string };

/** A private-use character: JSON.stringify leaves it alone, no generated value contains it. */
const MARK = '\ue000';
/**
 * A string with slots written as markers, split back into parts; literal text becomes bytes as one
 * character per byte (`utf8`: encoded first; `latin1`: already bytes).
 */
function parts(withMarkers: string, encoding: 'utf8' | 'latin1' = 'latin1'): Part[] {
  const out: Part[] = [];
  withMarkers.split(MARK).forEach((piece, i) => {
    if (i % 2 === 1) out.push({ variable: piece });
    else if (piece !== '') out.push({ text: encoding === 'utf8' ? Buffer.from(piece, 'utf8').toString('latin1') : piece });
  });
  return out;
}
const marker = (s: Slot) => `${MARK}${SLOT_VARIABLES[s]}${MARK}`;

// What cli/redact.ts would take for a secret; broken with an empty quote pair so the line survives redaction intact.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const LONG_RUN = /[A-Za-z0-9_+/=-]{24,}/g;
const FILLER_RUN = /(?:wak\.){16,}/g;

/** One shell word: single quotes for printable ASCII, $'…' with \xNN escapes otherwise, "$VAR" for variables. */
function shellWord(ps: Part[]): string {
  return ps
    .map((p) => {
      if ('variable' in p) return `"$${p.variable}"`;
      return quoteLiteral(p.text);
    })
    .join('');
}

function quoteLiteral(text: string): string {
  // Long runs of the filler become a printf, readable and short.
  const pieces: string[] = [];
  let last = 0;
  for (const m of text.matchAll(FILLER_RUN)) {
    if (m.index! > last) pieces.push(quoteText(text.slice(last, m.index)));
    pieces.push(`"$(printf 'wak.%.0s' $(seq ${m[0].length / 4}))"`);
    last = m.index! + m[0].length;
  }
  if (last < text.length) pieces.push(quoteText(text.slice(last)));
  return pieces.join('');
}

function quoteText(text: string): string {
  const bytes = Buffer.from(text, 'latin1');
  const printable = [...bytes].every((b) => b >= 0x20 && b < 0x7f);
  // Break what looks like a token (a UUID, a long base64 run) with an empty quote pair: the shell
  // joins the pieces back, the redaction of reports leaves the line alone.
  const broken = (s: string, gap: string) =>
    s
      .replace(UUID, (u) => `${u.slice(0, 19)}${gap}${u.slice(19)}`)
      // Replacer functions, not strings: the gap `'$'` would read as String#replace's `$'` pattern.
      .replace(LONG_RUN, (r) => r.replace(/.{12}/g, (piece) => `${piece}${gap}`))
      .replace(/\b(basic\s+)([A-Za-z0-9+/]{4})/gi, (_m, scheme: string, start: string) => `${scheme}${start}${gap}`);
  if (printable) return `'${broken(text.replace(/'/g, `'\\''`), "''")}'`;
  let escaped = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    escaped += b >= 0x20 && b < 0x7f && ch !== "'" && ch !== '\\' ? ch : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `$'${broken(escaped, "'$'")}'`;
}

/** Latin-1 string of the UTF-8 bytes of a text (what toWire sends for JSON). */
const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

/**
 * The case as one curl command. Credentials and target values are variables: $WAZO_USERNAME and
 * $WAZO_PASSWORD (the configured user), $WAZO_ADMIN_USERNAME/$WAZO_ADMIN_PASSWORD, $WAZO_THROWAWAY_*
 * (the fuzz phase's throwaway user), $WAZO_TOKEN (an access token of the user), $WAZO_REFRESH_TOKEN and
 * $WAZO_CLIENT_ID, $WAZO_USER_UUID...
 */
export function toCurl(spec: ApiSpec, c: FuzzCase, t: Pick<TargetValues, 'baseURL' | 'nobody'> & { hasThrowaway: boolean }): string {
  const op = spec.operation(c.operationId);
  const value = (v: string | SlotRef) => (isSlot(v) ? marker(v.$slot) : v);
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = c.path[name] ?? '';
    return isSlot(v) ? marker(v.$slot) : encodeURIComponent(v);
  });
  const query = c.query.map(([k, v]) => `${encodeURIComponent(k)}=${isSlot(v) ? marker(v.$slot) : encodeURIComponent(v)}`).join('&');
  const words = ['curl', '-sS', '-i'];
  const method = op.method.toUpperCase();
  words.push(method === 'HEAD' ? '-I' : `-X ${method}`);
  words.push(shellWord(parts(`${t.baseURL}${path}${query ? `?${query}` : ''}`)));
  const auth = c.auth;
  const header = (name: string, v: string) => words.push('-H', shellWord(parts(`${name}: ${v}`)));
  if (auth.kind === 'basic') {
    const vars = auth.who === 'user' ? ['WAZO_USERNAME', 'WAZO_PASSWORD'] : auth.who === 'admin' ? ['WAZO_ADMIN_USERNAME', 'WAZO_ADMIN_PASSWORD'] : ['WAZO_THROWAWAY_USERNAME', 'WAZO_THROWAWAY_PASSWORD'];
    if (auth.who === 'throwaway' && !t.hasThrowaway) words.push('-u', shellWord([{ text: `${t.nobody}:wak-no-such-user` }]));
    else words.push('-u', `"$${vars[0]}:$${vars[1]}"`);
  } else if (auth.kind === 'basic-wrong') {
    const user: Part = auth.who === 'throwaway' && t.hasThrowaway ? { variable: 'WAZO_THROWAWAY_USERNAME' } : { text: t.nobody };
    // curl -u sends UTF-8 as given; the password here is a wrong one, no secret.
    words.push('-u', shellWord([user, { text: utf8(`:${auth.password}`) }]));
  } else if (auth.kind === 'token') {
    if (auth.as === 'bearer') header('Authorization', `Bearer ${marker(auth.token)}`);
    else header('X-Auth-Token', marker(auth.token));
  } else if (auth.kind === 'raw') {
    header(auth.header === 'authorization' ? 'Authorization' : 'X-Auth-Token', auth.value);
  }
  for (const [name, v] of Object.entries(c.headers)) header(name, value(v));
  if (c.body.kind !== 'none') {
    // curl adds its own Content-Type to --data-binary: send the case's (or none, with an empty "Content-Type:").
    if (c.body.contentType === null) words.push('-H', "'Content-Type:'");
    else header('Content-Type', c.body.contentType);
    if (c.body.kind === 'raw' && c.body.bytes.includes('\u0000')) {
      // A shell argument cannot hold a NUL byte: printf writes the body instead.
      const octal = [...Buffer.from(c.body.bytes, 'latin1')].map((b) => `\\0${b.toString(8).padStart(3, '0')}`).join('');
      words.push('--data-binary', `@<(printf '%b' '${octal}')`);
    } else {
      const word = c.body.kind === 'json' ? shellWord(parts(JSON.stringify(fill(c.body.value, (s) => marker(s))), 'utf8')) : shellWord(parts(c.body.bytes));
      words.push('--data-binary', word);
    }
  }
  return words.join(' ');
}

/**
 * Keeps secrets out of everything the suite writes: test titles, assertion messages, annotations,
 * attachments and console output (DEVELOPERS.md: passwords never, tokens only as their last 8
 * characters). Every password the suite knows and every token it sends or receives is registered here
 * (one registry per worker process), and `redact` replaces them wherever they appear.
 */

/** Keys whose string values are always secrets, whatever their value. */
const SECRET_KEYS = new Set(['token', 'refresh_token', 'invalid_token', 'password', 'old_password', 'new_password']);
const PASSWORD_KEYS = new Set(['password', 'old_password', 'new_password']);

/** Shorter values are not remembered as tokens (see {@link Redactor.token}). */
const MIN_TOKEN_LENGTH = 8;

/** A token shown as its last 8 characters. */
export function shortToken(token: string): string {
  return token.length <= 8 ? '…' : `…${token.slice(-8)}`;
}

/** Registry of the secrets of this process. */
export class Redactor {
  private readonly tokens = new Set<string>();
  private readonly passwords = new Set<string>();

  /**
   * Remembers a token (access or refresh); later shown as its last 8 characters. A value of fewer than 8
   * characters is no token a server issued (a test's made-up one, sent to be refused): replacing it
   * everywhere would cut every word it occurs in.
   */
  token(value: unknown): void {
    if (typeof value === 'string' && value.length >= MIN_TOKEN_LENGTH) this.tokens.add(value);
  }

  /** Remembers a password (and the Basic credentials built with it); never shown. */
  password(value: unknown, username?: string): void {
    if (typeof value !== 'string' || value.length === 0) return;
    this.passwords.add(value);
    if (username !== undefined) this.passwords.add(Buffer.from(`${username}:${value}`).toString('base64'));
  }

  /** Replaces every known secret in a text (longest first, so no secret is half-replaced). */
  text(input: string): string {
    let out = input;
    const secrets = [
      ...[...this.passwords].map((s) => [s, '***'] as const),
      ...[...this.tokens].map((s) => [s, shortToken(s)] as const),
    ].sort((a, b) => b[0].length - a[0].length);
    for (const [secret, replacement] of secrets) {
      if (out.includes(secret)) out = out.split(secret).join(replacement);
    }
    return out;
  }

  /** A deep copy of a JSON value with secret fields and known secrets replaced. */
  value(input: unknown): unknown {
    if (typeof input === 'string') return this.text(input);
    if (Array.isArray(input)) return input.map((item) => this.value(item));
    if (input && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(input)) {
        if (typeof item === 'string' && SECRET_KEYS.has(key)) out[key] = PASSWORD_KEYS.has(key) ? '***' : item === '' ? '' : shortToken(item);
        else out[key] = this.value(item);
      }
      return out;
    }
    return input;
  }

  /** Request headers fit for a report: Authorization dropped, X-Auth-Token shortened. */
  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (lower === 'authorization') out[name] = `${value.split(' ')[0] ?? ''} ***`;
      else if (lower === 'x-auth-token') out[name] = shortToken(value);
      else out[name] = this.text(value);
    }
    return out;
  }
}

/** This worker's redactor. */
export const redactor = new Redactor();

/**
 * The mock's logger: one line per request (method, path with tokens redacted to their last 8
 * characters, status, duration), errors with their stack. It never sees request headers or bodies,
 * so passwords and Authorization headers cannot reach the log.
 */

/** Log levels, least verbose first. */
export const LOG_LEVELS = ['silent', 'error', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where log lines go. */
export interface Logger {
  readonly level: LogLevel;
  error(message: string, error?: unknown): void;
  info(message: string): void;
  debug(message: string): void;
}

/** A logger writing `[mock] ...` lines to stderr (errors) and stdout (the rest). */
export function createLogger(level: LogLevel, sink: { out(line: string): void; err(line: string): void } = defaultSink): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  return {
    level,
    error(message, error) {
      if (rank < 1) return;
      const detail = error instanceof Error ? `\n${error.stack ?? error.message}` : error === undefined ? '' : ` ${String(error)}`;
      sink.err(`[mock] ERROR ${message}${detail}`);
    },
    info(message) {
      if (rank >= 2) sink.out(`[mock] ${message}`);
    },
    debug(message) {
      if (rank >= 3) sink.out(`[mock] ${message}`);
    },
  };
}

const defaultSink = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
};

/** A token shown by its last 8 characters only. */
export function redact(token: string): string {
  return token.length <= 8 ? '…' : `…${token.slice(-8)}`;
}

/**
 * A request target fit for the log: the token in `/token/{token}` paths and the values of query
 * parameters whose name mentions a token are redacted.
 */
export function redactTarget(target: string): string {
  const [path = '', query] = splitOnce(target, '?');
  const safePath = path.replace(/(\/token\/)([^/?]+)/, (_m, lead: string, token: string) => `${lead}${redact(token)}`);
  if (query === undefined) return safePath;
  const safeQuery = query
    .split('&')
    .map((pair) => {
      const [name = '', value] = splitOnce(pair, '=');
      return value !== undefined && /token/i.test(name) ? `${name}=${redact(value)}` : pair;
    })
    .join('&');
  return `${safePath}?${safeQuery}`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

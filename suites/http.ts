/**
 * The suite's HTTP transport: exact requests (no header or body the test did not ask for), plain or
 * TLS, with bounded timeouts.
 *
 * Why not Playwright's `request` fixture: Playwright records every APIRequestContext call as a report
 * step whose subtitle is the full URL, and the HTML report embeds those steps. GET/HEAD/DELETE
 * /token/{token} carry the token in the path, so the HTML report would hold full tokens, which the kit
 * must never write (DEVELOPERS.md). It also adds a Content-Type to every raw body, which would hide the
 * Content-Type-less request of obs. 1e. undici (a dependency already) sends exactly what we give it.
 */
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';

/** What one HTTP request looks like. */
export interface HttpRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  /** Raw bytes; undefined sends no body. */
  body?: Buffer;
}

/** What came back. */
export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Raw text of the body ('' when none). */
  text: string;
  /** Parsed JSON when the text parses; otherwise the text itself, or undefined for no body. */
  body: unknown;
  durationMs: number;
}

/** A transport failure (connection refused, TLS, timeout), with its code. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 15_000;
const STALE_CONNECTION = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
const agents = new Map<boolean, Agent>();

function agent(insecure: boolean): Agent {
  let a = agents.get(insecure);
  if (!a) {
    a = new Agent({
      connect: { rejectUnauthorized: !insecure, timeout: TIMEOUT_MS },
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
      keepAliveTimeout: 1_000,
    });
    agents.set(insecure, a);
  }
  return a;
}

/** The innermost code of an error (`ECONNREFUSED`, `CERT_HAS_EXPIRED`, `UND_ERR_HEADERS_TIMEOUT`...). */
export function errorCode(error: unknown): string {
  let e: unknown = error;
  for (let i = 0; i < 5 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) e = errors[0];
    else e = (e as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.message : String(error);
}

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Sends one request. Throws {@link TransportError} when no HTTP answer arrives. */
export async function send(req: HttpRequest, options: { insecure: boolean }): Promise<HttpResponse> {
  const started = performance.now();
  let res: Dispatcher.ResponseData | undefined;
  for (let attempt = 1; !res; attempt++) {
    try {
      res = await undiciRequest(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        body: req.body,
        dispatcher: agent(options.insecure),
      });
    } catch (error) {
      const code = errorCode(error);
      // A kept-alive connection the server closed while idle fails before the request is read: one
      // retry on a fresh connection is safe and avoids flaky failures against long-running hosts.
      if (attempt === 1 && STALE_CONNECTION.has(code)) continue;
      throw new TransportError(`${req.method} failed: ${code}`, code);
    }
  }
  let text = '';
  try {
    text = await res.body.text();
  } catch (error) {
    throw new TransportError(`${req.method} body read failed: ${errorCode(error)}`, errorCode(error));
  }
  let body: unknown = text === '' ? undefined : text;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (an HTML 404 page, the YAML description): keep the text.
    }
  }
  return {
    status: res.statusCode,
    headers: flatHeaders(res.headers as Record<string, string | string[] | undefined>),
    text,
    body,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The `Authorization` value of HTTP Basic credentials. */
export function basicAuthorization(credentials: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

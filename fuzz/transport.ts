/**
 * The fuzz phase's HTTP client (undici): sends exactly the bytes of a request, with a per-request
 * timeout and no retry, so that a hang or a dropped connection is seen as such (suites/http.ts retries
 * once on a stale connection, which would hide one).
 */
import { Agent, Client, request, type Dispatcher } from 'undici';
import { errorCode } from '../suites/http.ts';

/** One request, fully resolved (no placeholder left). */
export interface WireRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  /** Lower-case names; values are sent byte for byte (one character per byte above 0x7f). */
  headers: Record<string, string>;
  body?: Buffer;
}

/** An answer, or the transport failure that took its place. */
export type WireResult =
  | { ok: true; status: number; headers: Record<string, string>; text: string; body: unknown; ms: number }
  /** `unsendable`: the client refused to send it (a header value undici rejects): a kit problem, not the server's. */
  | { ok: false; code: string; timeout: boolean; ms: number; unsendable?: boolean };

/** Failures that a kept-alive connection closed by the server at that very moment also gives. */
const STALE = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'UND_ERR_ABORTED', 'AbortError', 'ABORT_ERR']);

/** A client bound to one timeout and TLS setting; close it when done. */
export class Transport {
  private readonly agent: Agent;

  constructor(
    readonly timeoutMs: number,
    private readonly insecure: boolean,
  ) {
    this.agent = new Agent({
      connect: { rejectUnauthorized: !insecure, timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 1_000,
    });
  }

  /**
   * Sends a request. A connection reset is tried once more on a new connection: a kept-alive
   * connection the server closed while idle fails the same way, and only a second reset (on a
   * connection opened for this request) is the server dropping it.
   */
  async send(req: WireRequest): Promise<WireResult> {
    const first = await this.attempt(req, this.agent);
    if (first.ok || first.timeout || first.unsendable || !STALE.has(first.code)) return first;
    const client = new Client(new URL(req.url).origin, {
      connect: { rejectUnauthorized: !this.insecure, timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    try {
      const second = await this.attempt(req, client);
      return second.ok ? second : { ...second, ms: second.ms + first.ms };
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  private async attempt(req: WireRequest, dispatcher: Dispatcher): Promise<WireResult> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        body: req.body,
        dispatcher,
        signal: AbortSignal.timeout(this.timeoutMs + 1_000),
      });
    } catch (error) {
      const code = errorCode(error);
      if (code === 'UND_ERR_INVALID_ARG') return { ok: false, code, timeout: false, ms: ms(), unsendable: true };
      return { ok: false, code, timeout: TIMEOUT_CODES.has(code) || /timeout|aborted/i.test(code), ms: ms() };
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (error) {
      const code = errorCode(error);
      return { ok: false, code, timeout: TIMEOUT_CODES.has(code) || /timeout|aborted/i.test(code), ms: ms() };
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    let body: unknown = text === '' ? undefined : text;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: kept as text (the check says whether that was declared).
      }
    }
    return { ok: true, status: res.statusCode, headers, text, body, ms: ms() };
  }

  close(): Promise<void> {
    return this.agent.close().catch(() => undefined);
  }
}

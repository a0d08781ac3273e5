/**
 * Prism as an independent validator between a client and a wazo-auth server:
 *
 *   client → front (ours, 127.0.0.1:PORT) → `prism proxy spec/wazo-auth.yaml TARGET` → TARGET
 *
 * Prism (@stoplight/prism-cli, run as its own process) checks every request and every answer against
 * spec/wazo-auth.yaml and reports what it finds in an `sl-violations` response header. The front
 * exists for two reasons:
 * - Prism ignores the spec's relative `servers` (/0.1, /api/auth/0.1) and serves the paths at its root
 *   (`/token`); the front answers under the same prefixes as wazo-auth and strips them, so clients and
 *   the suite use `http://127.0.0.1:PORT/0.1` (or `/api/auth/0.1`) unchanged (paths without a prefix
 *   are passed on as they are);
 * - it ties each violation to its exchange (Prism's own log does not say which request a violation
 *   belongs to when requests overlap), prints it as it happens, removes the header, and keeps the
 *   tally for the summary;
 * - it sends the few requests Prism cannot carry unchanged (HEAD, bodies that are not a JSON object or
 *   list: {@link prismCannotCarry}) straight to the target, and counts them as bypassed.
 *
 * Prism runs WITHOUT `--errors` by default: it reports and forwards, so the client sees the server's
 * own answer. With `errors: true` Prism answers a violating request itself (422/401) and replaces a
 * violating response (500 problem+json); see docs/how-we-know.md for why the suite check does not.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Agent, request } from 'undici';
import { loadSpec } from '../spec/loader.ts';
import { freePort, startChild, stopChild, tail, waitUntilServing } from './child-processes.ts';

/** One finding of Prism's validator. */
export interface Violation {
  side: 'request' | 'response';
  /** Where, e.g. `body.data.utc_expires_at` or `header.wazo-sessions-revoked`. */
  location: string;
  /** Prism's severity: `Error` counts; `Warning` (e.g. a route the spec lacks) is listed. */
  severity: string;
  code?: string;
  message: string;
}

/** One exchange that went through the proxy. */
export interface ProxiedExchange {
  method: string;
  /** The path as the client sent it (prefix included), query string excluded. */
  path: string;
  /** The spec's operationId for that path and method, if any. */
  operationId?: string;
  /** The request's Content-Type, if it had one. */
  requestContentType?: string;
  status: number;
  violations: Violation[];
  /** Set when the exchange went straight to the target because Prism cannot carry it unchanged: why. */
  bypassed?: string;
  durationMs: number;
}

/** What {@link startPrismProxy} needs. */
export interface PrismProxyOptions {
  /** The server under test: its base URL with the version prefix, e.g. `http://127.0.0.1:9497/0.1`. */
  target: string;
  /** Port of the front; 0 picks a free one. Always on 127.0.0.1. */
  port: number;
  /** Let Prism answer violating requests and responses itself (`prism proxy --errors`). Default false. */
  errors?: boolean;
  /** Accept a self-signed certificate on the target (Prism's Node TLS check off). */
  insecure?: boolean;
  /** Called for each exchange, as it completes. */
  onExchange?: (exchange: ProxiedExchange) => void;
  /** Prism's start-up limit. Default 60 s (it parses and resolves the description first). */
  startTimeoutMs?: number;
  /** The wazo-auth releases the answers are judged against (spec/releases.yaml). Default every supported release. */
  releases?: readonly string[];
}

/** A running proxy. */
export interface PrismProxy {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `http://127.0.0.1:PORT/0.1`: what to give the suite as WAZO_AUTH_URL. */
  url: string;
  exchanges: ProxiedExchange[];
  prism: ChildProcess;
  close(): Promise<void>;
}

/** The version prefixes wazo-auth answers under (mock/README.md), longest first. */
const PREFIXES = ['/api/auth/0.1', '/0.1'];
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host', 'content-length']);
const BODY_LIMIT = 1024 * 1024;

/** The path without its wazo-auth version prefix (what Prism routes). */
export function stripPrefix(path: string): string {
  for (const prefix of PREFIXES) {
    if (path === prefix) return '/';
    if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length);
  }
  return path;
}

/**
 * Why Prism (5.12) cannot carry a request unchanged, or undefined when it can. Such an exchange goes
 * straight to the target, unvalidated, and is counted as bypassed:
 * - HEAD: Prism parses the (empty) body of an answer declared application/json and answers 500
 *   (`FetchError: invalid json response body`), so every HEAD /status and HEAD /token/{t} would break;
 * - a JSON-typed body that does not parse: Prism answers its own 400 `invalid_json` instead of
 *   forwarding it, so the server's answer (werkzeug's bare 400, obs. 7e) would never be seen;
 * - a JSON body that is not an object or a list (a string, a number, null): Prism forwards what it
 *   re-serialises (`"x"` arrives as `x`, `null` as no body), so the server would get another request.
 */
export function prismCannotCarry(method: string, contentType: string | undefined, body: Buffer | undefined): string | undefined {
  if (method === 'HEAD') return 'HEAD: Prism 5 parses the empty body of a JSON-typed HEAD answer and answers 500';
  if (!body || body.length === 0 || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType ?? '')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'a body that is not JSON: Prism answers it itself (400 invalid_json) instead of forwarding it';
  }
  if (parsed === null || typeof parsed !== 'object') return 'a JSON body that is not an object or a list: Prism would forward it changed';
  return undefined;
}

/** Parses Prism's `sl-violations` header (a JSON list); an unreadable one becomes one violation saying so. */
export function parseViolations(header: string | string[] | undefined): Violation[] {
  const text = Array.isArray(header) ? header.join('') : header;
  if (!text) return [];
  let list: unknown;
  try {
    list = JSON.parse(text.replace(/^Too many violations! /, ''));
  } catch {
    return [{ side: 'response', location: '', severity: 'Error', message: `unreadable sl-violations header: ${text.slice(0, 200)}` }];
  }
  if (!Array.isArray(list)) return [];
  return list.map((v: { location?: unknown[]; severity?: unknown; code?: unknown; message?: unknown }) => {
    const [side, ...rest] = Array.isArray(v.location) ? v.location.map(String) : [];
    return {
      side: side === 'request' ? 'request' : 'response',
      location: rest.join('.'),
      severity: String(v.severity ?? 'Error'),
      ...(v.code !== undefined ? { code: String(v.code) } : {}),
      message: String(v.message ?? ''),
    };
  });
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        req.destroy();
        reject(new Error('request body over 1 MiB'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length > 0 ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

/** The Prism version range the kit is checked with (package.json peerDependencies). */
export const PRISM_RANGE = '^5.14.2';

/** What `wazo-auth-kit proxy` says when Prism is not installed next to the kit. */
export const PRISM_MISSING = `proxy runs Prism, which is not installed (an optional peer dependency of the kit: about 90 MB, so not installed with it). Install it next to the kit with "npm i -D @stoplight/prism-cli@${PRISM_RANGE}", then run the command again`;

/** The path of Prism's command-line script, or undefined when @stoplight/prism-cli is not installed. */
export function prismScript(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
  } catch {
    return undefined;
  }
}

/** Starts Prism on a free internal port and the front on `options.port`; resolves once both serve. */
export async function startPrismProxy(options: PrismProxyOptions): Promise<PrismProxy> {
  const spec = loadSpec(options.releases);
  const prismPort = await freePort();
  const prismBin = prismScript();
  if (!prismBin) throw new Error(PRISM_MISSING);
  // Prism gets the description as it holds for those releases (a header some releases lack is optional).
  const described = join(mkdtempSync(join(tmpdir(), 'wazo-auth-kit-prism-')), 'wazo-auth.json');
  writeFileSync(described, JSON.stringify(spec.document), { mode: 0o600 });
  const args = [prismBin, 'proxy', described, options.target, '--host', '127.0.0.1', '--port', String(prismPort), '--cors=false', `--errors=${options.errors === true}`, '-v', 'error'];
  const env = { ...process.env, ...(options.insecure ? { NODE_TLS_REJECT_UNAUTHORIZED: '0' } : {}) };
  const prism = startChild(process.execPath, args, { env, stdio: 'pipe' });
  const prismOutput = tail(prism);
  const prismOrigin = `http://127.0.0.1:${prismPort}`;
  // Any answer will do: Prism serves once the description is loaded.
  await waitUntilServing(`${prismOrigin}/api/api.yml`, prism, 'prism proxy', prismOutput, options.startTimeoutMs ?? 60_000);

  const dispatcher = new Agent({
    connections: 64,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
    ...(options.insecure ? { connect: { rejectUnauthorized: false } } : {}),
  });
  const targetBase = options.target.replace(/\/+$/, '');
  const exchanges: ProxiedExchange[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const at = target.indexOf('?');
    const path = at < 0 ? target : target.slice(0, at);
    const query = at < 0 ? '' : target.slice(at);
    const forwardPath = stripPrefix(path);
    const operationId = spec.match(forwardPath)?.operations.get(method.toLowerCase() as never)?.operationId;
    let status = 502;
    let violations: Violation[] = [];
    let bypassed: string | undefined;
    const requestContentType = req.headers['content-type'];
    try {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || HOP_BY_HOP.has(name)) continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      bypassed = prismCannotCarry(method, headers['content-type'], body);
      const upstream = bypassed ? `${targetBase}${forwardPath}${query}` : `${prismOrigin}${forwardPath}${query}`;
      const answer = await request(upstream, {
        method: method as never,
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
        dispatcher,
      });
      status = answer.statusCode;
      // Prism 5 answers a 204 with `Content-Length: 2` (it serialises an empty JSON string) and no body:
      // an answer that has no body is taken as such, and its length header dropped below.
      const bodiless = method === 'HEAD' || status === 204 || status === 304;
      const payload = bodiless ? (await answer.body.dump().catch(() => undefined), Buffer.alloc(0)) : Buffer.from(await answer.body.arrayBuffer());
      violations = parseViolations(answer.headers['sl-violations']);
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || name === 'sl-violations' || (HOP_BY_HOP.has(name) && !(name === 'content-length' && method === 'HEAD'))) continue;
        out[name] = value;
      }
      if (method !== 'HEAD' && status !== 204 && status !== 304) out['content-length'] = String(payload.length);
      res.writeHead(status, out);
      res.end(method === 'HEAD' ? undefined : payload);
    } catch (error) {
      status = 502;
      violations = [];
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `[wazo-auth-kit proxy] no answer through prism: ${(error as Error).message}` }));
    }
    const exchange: ProxiedExchange = {
      method,
      path,
      ...(operationId ? { operationId } : {}),
      ...(requestContentType ? { requestContentType } : {}),
      status,
      violations,
      ...(bypassed ? { bypassed } : {}),
      durationMs: Math.round(performance.now() - started),
    };
    exchanges.push(exchange);
    options.onExchange?.(exchange);
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  let closing: Promise<void> | undefined;
  return {
    origin,
    url: `${origin}/0.1`,
    exchanges,
    prism,
    close() {
      closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await dispatcher.close().catch(() => undefined);
        await stopChild(prism);
        rmSync(dirname(described), { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

/** Bypassed exchanges by reason, most frequent first. */
export function bypassReasons(exchanges: ProxiedExchange[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const e of exchanges) if (e.bypassed) counts.set(e.bypassed, (counts.get(e.bypassed) ?? 0) + 1);
  return [...counts.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
}

/** Counts of a set of exchanges, for summaries. */
export interface ViolationTally {
  exchanges: number;
  /** Exchanges with at least one request (response) violation of severity Error. */
  requestViolations: ProxiedExchange[];
  responseViolations: ProxiedExchange[];
  /** Exchanges with only warnings (e.g. a path or method the spec does not describe). */
  warnings: ProxiedExchange[];
  /** Exchanges that went around Prism (see {@link prismCannotCarry}), unvalidated. */
  bypassed: ProxiedExchange[];
}

const errorsOf = (e: ProxiedExchange, side: Violation['side']) => e.violations.filter((v) => v.side === side && v.severity === 'Error');

/** Sorts exchanges by the violations they carry. */
export function tally(exchanges: ProxiedExchange[]): ViolationTally {
  return {
    exchanges: exchanges.length,
    requestViolations: exchanges.filter((e) => errorsOf(e, 'request').length > 0),
    responseViolations: exchanges.filter((e) => errorsOf(e, 'response').length > 0),
    warnings: exchanges.filter((e) => e.violations.length > 0 && e.violations.every((v) => v.severity !== 'Error')),
    bypassed: exchanges.filter((e) => e.bypassed !== undefined),
  };
}

/** One line per exchange with findings: `✖ POST /0.1/token → 400  request body.expiration: must be >= 1`. */
export function describeExchange(e: ProxiedExchange): string {
  const findings = e.violations
    .filter((v) => !/^Request body must (be null|be array|match a schema in anyOf)$/.test(v.message))
    .map((v) => `${v.severity === 'Error' ? '' : `(${v.severity.toLowerCase()}) `}${v.side} ${v.location ? `${v.location}: ` : ''}${v.message}`);
  const mark = e.violations.some((v) => v.severity === 'Error') ? '✖' : '!';
  return `${mark} ${e.method} ${e.path} → ${e.status}${e.operationId ? ` (${e.operationId})` : ''}  ${findings.join('; ') || e.violations.map((v) => v.message).join('; ')}`;
}

/**
 * Groups findings by operation, side and message with their counts (the summary on exit), most
 * frequent first.
 */
export function groupFindings(exchanges: ProxiedExchange[]): { key: string; count: number; statuses: number[] }[] {
  const groups = new Map<string, { count: number; statuses: Set<number> }>();
  for (const e of exchanges) {
    for (const v of e.violations) {
      if (/^Request body must (be null|be array|match a schema in anyOf)$/.test(v.message)) continue;
      const key = `${v.severity === 'Error' ? '' : `(${v.severity.toLowerCase()}) `}${e.operationId ?? `${e.method} ${stripPrefix(e.path)}`} ${v.side} ${v.location ? `${v.location}: ` : ''}${v.message}`;
      const group = groups.get(key) ?? { count: 0, statuses: new Set<number>() };
      group.count += 1;
      group.statuses.add(e.status);
      groups.set(key, group);
    }
  }
  return [...groups.entries()].map(([key, g]) => ({ key, count: g.count, statuses: [...g.statuses].sort() })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

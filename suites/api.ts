/**
 * The suite's client of the target. Every answer goes through `loadSpec().checkResponse` (requirement
 * SPEC-RESPONSES-CONFORM): an answer that contradicts spec/wazo-auth.yaml fails the test with a
 * message naming the operationId, the status and the schema error. Every exchange is kept as redacted
 * evidence for the reports, and everything a call creates (access tokens, refresh tokens, users) is
 * recorded in the test's cleanup registry.
 */
import { randomBytes } from 'node:crypto';
import { expect, type TestInfo } from '@playwright/test';
import { loadSpec, operationBehaviour, type Operation } from '../spec/loader.ts';
import { absentFromGivenRelease, judgedReleases, observeOperation } from './releases.ts';
import { ANNOTATION, declaredSeverity } from './covers.ts';
import type { CleanupRegistry } from './cleanup.ts';
import { send, TransportError } from './http.ts';
import { redactor } from './redact.ts';
import type { Credentials, Target } from './target.ts';

/** JSON as received: tests read fields they then assert on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** How to send one request. */
export interface CallOptions {
  /** Sent as X-Auth-Token. */
  token?: string;
  /** Sent as `Authorization: Basic base64(username:password)`. */
  basic?: Credentials;
  /** Other request headers, sent as given (a raw `authorization` here replaces `basic`). */
  headers?: Record<string, string>;
  /** A JSON body (`null` included), sent with `Content-Type: application/json` unless `contentType` says otherwise. */
  json?: unknown;
  /** A raw body, sent byte for byte. */
  raw?: string;
  /** Content-Type of the body; `null` sends none. Defaults to application/json for `json`, none for `raw`. */
  contentType?: string | null;
  /** Query parameters. */
  query?: Record<string, string>;
}

/** One exchange as the reports show it: redacted, short. */
export interface Evidence {
  request: string;
  requestHeaders?: Record<string, string>;
  requestBody?: string;
  status: number | null;
  responseHeaders?: Record<string, string>;
  body?: string;
  operationId?: string;
  schemaError?: string;
  /** How the answer departs from the description of the release given, while another release fits it. */
  releaseDifference?: string;
  error?: string;
  durationMs?: number;
}

const EXCERPT = 300;
const MAX_EVIDENCE = 150;
/** Response headers worth keeping in evidence. */
const NOTABLE_HEADERS = ['content-type', 'allow', 'wazo-sessions-revoked', 'access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'vary'];

/** What OPTIONS showed of the release-dependent operations, per target and operation (one probe per worker). */
const operationProbes = new Map<string, Promise<{ present: boolean; detail: string }>>();
/** Stands for every parameter of a probed path: a UUID fits `<uuid:...>` routes and plain ones alike. */
const PROBE_PARAMETER = '00000000-0000-4000-8000-00000000c0de';

const excerpt = (text: string) => (text.length > EXCERPT ? `${text.slice(0, EXCERPT)}… [${text.length} chars]` : text);

/** The answer to one call. */
export class Exchange {
  constructor(
    /** `POST /0.1/token?x=y`, redacted. */
    readonly line: string,
    readonly status: number,
    /** Lower-case names. */
    readonly headers: Record<string, string>,
    readonly body: Json,
    readonly text: string,
    readonly operationId: string | undefined,
  ) {}

  /** `body.data` of a token answer. */
  get data(): Json {
    return this.body && typeof this.body === 'object' ? (this.body as { data?: unknown }).data : undefined;
  }

  /** A response header (any case), or undefined. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  /** `POST /0.1/token → 401 {"reason": ...}`, redacted: fit for an assertion message. */
  describe(): string {
    const body = this.body === undefined ? '' : ` ${excerpt(typeof this.body === 'string' ? this.body : JSON.stringify(redactor.value(this.body)))}`;
    return redactor.text(`${this.line} → ${this.status}${body}`);
  }
}

/** Thrown when an answer contradicts the spec; its message starts with the requirement ID. */
export class SpecViolation extends Error {
  override readonly name = 'SpecViolation';
  constructor(message: string) {
    super(message);
    // Point the report's code frame at the test's call, not at this client.
    this.stack = (this.stack ?? '').split('\n').filter((line) => !/[\\/]suites[\\/]api\.ts:/.test(line)).join('\n');
  }
}

/** A client bound to one test: its evidence, its cleanup registry. */
export class ApiClient {
  readonly evidence: Evidence[] = [];
  private dropped = 0;
  private adminTokenValue?: string;
  private readonly basePath: string;

  constructor(
    readonly target: Target,
    private readonly registry: CleanupRegistry,
    private readonly testInfo: TestInfo,
  ) {
    this.basePath = new URL(target.baseURL).pathname.replace(/\/+$/, '');
  }

  /** Calls under way: the fixture waits for them before the cleanup runs (see {@link settle}). */
  private readonly inFlight = new Set<Promise<unknown>>();

  /** Sends a request to `path` (relative to the base URL, e.g. `/token/{t}`) and checks the answer against the spec. */
  call(method: string, path: string, options: CallOptions = {}): Promise<Exchange> {
    const pending = this.exchange(method, path, options);
    this.inFlight.add(pending);
    const forget = () => this.inFlight.delete(pending);
    pending.then(forget, forget);
    return pending;
  }

  /**
   * Waits (at most `ms`) for the calls still under way. A test stopped by a timeout or Ctrl-C leaves
   * its last request in flight; when the answer creates a token, it must reach the cleanup registry
   * before the cleanup runs, or the token would outlive the run.
   */
  async settle(ms = 10_000): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    clearTimeout(timer);
  }

  private async exchange(method: string, path: string, options: CallOptions): Promise<Exchange> {
    const headers: Record<string, string> = { 'user-agent': 'wazo-auth-kit-suite' };
    if (options.basic) {
      redactor.password(options.basic.password, options.basic.username);
      headers.authorization = `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}`;
    }
    if (options.token !== undefined) {
      redactor.token(options.token);
      headers['x-auth-token'] = options.token;
    }
    let body: Buffer | undefined;
    let contentType: string | null = options.contentType === undefined ? null : options.contentType;
    if ('json' in options) {
      body = Buffer.from(JSON.stringify(options.json ?? null));
      if (options.contentType === undefined) contentType = 'application/json';
      const refresh = (options.json as { refresh_token?: unknown } | null)?.refresh_token;
      redactor.token(refresh);
    } else if (options.raw !== undefined) {
      body = Buffer.from(options.raw, 'utf8');
    }
    if (contentType) headers['content-type'] = contentType;
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    const tokenInPath = /^\/token\/([^/?]+)/.exec(path)?.[1];
    // Literal test values such as `not-a-uuid` are no secret; real tokens are UUIDs (36 characters).
    if (tokenInPath && tokenInPath.length >= 16) redactor.token(decodeURIComponent(tokenInPath));
    for (const value of Object.values(options.query ?? {})) if (/^[0-9a-f-]{36}$/i.test(value)) redactor.token(value);

    await this.requireOperation(method, path);
    this.registerIntent(method, path, options);
    const query = options.query && Object.keys(options.query).length > 0 ? `?${new URLSearchParams(options.query).toString()}` : '';
    const url = `${this.target.baseURL}${path}${query}`;
    const line = redactor.text(`${method.toUpperCase()} ${this.basePath}${path}${query}`);
    const match = loadSpec(judgedReleases()).match(path);
    const operation = match?.operations.get(method.toLowerCase() as never);

    const evidence: Evidence = {
      request: line,
      requestHeaders: redactor.headers(Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'user-agent'))),
      status: null,
      operationId: operation?.operationId,
    };
    if (body !== undefined) evidence.requestBody = excerpt(redactor.text(JSON.stringify(redactor.value(safeParse(body.toString('utf8'))))));
    this.record(evidence);

    let response;
    try {
      response = await send({ method: method.toUpperCase(), url, headers, body }, { insecure: this.target.insecure });
    } catch (error) {
      evidence.error = error instanceof TransportError ? error.code : String(error);
      throw new Error(redactor.text(`[wazo-auth-kit] ${line}: no answer (${evidence.error})`));
    }
    evidence.status = response.status;
    evidence.durationMs = response.durationMs;
    evidence.responseHeaders = Object.fromEntries(NOTABLE_HEADERS.filter((h) => response.headers[h] !== undefined).map((h) => [h, response.headers[h]!]));

    // Remember secrets before anything prints the body.
    const received = response.body as { data?: { token?: unknown; refresh_token?: unknown }; token?: unknown; refresh_token?: unknown } | undefined;
    const data = received && typeof received === 'object' ? (received.data ?? received) : undefined;
    if (data && typeof data === 'object') {
      redactor.token(data.token);
      redactor.token(data.refresh_token);
    }
    evidence.body = response.body === undefined ? '' : excerpt(redactor.text(typeof response.body === 'string' ? response.body : JSON.stringify(redactor.value(response.body))));
    this.registerCreated(operation?.operationId, response.status, response.body, options);

    const exchange = new Exchange(line, response.status, response.headers, response.body, response.text, operation?.operationId);
    if (operation) {
      const observed = { status: response.status, headers: response.headers, body: response.body };
      const check = loadSpec(judgedReleases()).checkResponse(operation.operationId, observed);
      // An answer that fits the description of another supported release differs by release only: the
      // requirement that owns that behaviour (spec/releases.yaml) judges it, once, where it is observed;
      // every other test goes on.
      if (!check.ok && this.target.wazoVersion && loadSpec().checkResponse(operation.operationId, observed).ok) {
        evidence.releaseDifference = redactor.text(check.errors.join('; '));
      } else if (!check.ok) {
        evidence.schemaError = redactor.text(check.errors.join('; '));
        // In a test of `should` requirements the answer under test may knowingly be off-spec (the real
        // service's HTML 404 for a non-UUID token, obs. 8c3): there it becomes that test's warning
        // (fixtures.ts `should`), not a failure of SPEC-RESPONSES-CONFORM.
        if (declaredSeverity(this.testInfo.annotations) !== 'should') {
          this.testInfo.annotations.push({ type: ANNOTATION.specViolation, description: `${evidence.schemaError} [${line}]` });
        }
        throw new SpecViolation(`SPEC-RESPONSES-CONFORM: ${evidence.schemaError}\n  exchange: ${exchange.describe()}`);
      }
    }
    return exchange;
  }

  /**
   * Before a call of an operation that not every release has (`x-wazo-behaviour` on the operation):
   * skips the test, naming the release, when the release given has it not; without a given release,
   * asks the host once per worker (OPTIONS on the path: 404, or an `Allow` without the method, means
   * it has it not), records what it saw as an observation of the behaviour, and skips likewise.
   */
  private async requireOperation(method: string, path: string): Promise<void> {
    const operation = loadSpec().match(path.split('?')[0]!)?.operations.get(method.toLowerCase() as never) as Operation | undefined;
    if (!operation || !operationBehaviour(operation)) return;
    const absent = absentFromGivenRelease(operation);
    if (absent) this.testInfo.skip(true, absent);
    if (this.target.wazoVersion) return;
    const key = `${this.target.baseURL} ${operation.method} ${operation.path}`;
    let probe = operationProbes.get(key);
    if (!probe) {
      const probePath = operation.path.replace(/\{[^}]+\}/g, PROBE_PARAMETER);
      probe = this.call('OPTIONS', probePath).then((res) => {
        const allow = (res.header('allow') ?? '').toUpperCase().split(/,\s*/);
        const present = !(res.status === 404 || (res.status === 200 && !allow.includes(operation.method.toUpperCase())));
        return { present, detail: `OPTIONS ${this.basePath}${probePath} → ${res.status}${res.header('allow') !== undefined ? ` Allow: ${res.header('allow')}` : ''}` };
      });
      operationProbes.set(key, probe);
    }
    const { present, detail } = await probe;
    const reason = observeOperation(operation, present, detail);
    if (reason) this.testInfo.skip(true, reason);
  }

  get(path: string, options?: CallOptions) {
    return this.call('GET', path, options);
  }
  head(path: string, options?: CallOptions) {
    return this.call('HEAD', path, options);
  }
  post(path: string, options?: CallOptions) {
    return this.call('POST', path, options);
  }
  put(path: string, options?: CallOptions) {
    return this.call('PUT', path, options);
  }
  delete(path: string, options?: CallOptions) {
    return this.call('DELETE', path, options);
  }
  options(path: string, options?: CallOptions) {
    return this.call('OPTIONS', path, options);
  }

  /** POST /token with Basic credentials (default body: a 10-minute token). */
  login(credentials: Credentials, body: unknown = { expiration: 600 }, headers?: Record<string, string>): Promise<Exchange> {
    return this.post('/token', { basic: credentials, json: body, headers });
  }

  /** POST /token that must answer 200; returns `data`. */
  async loginOk(credentials: Credentials, body: unknown = { expiration: 600 }, headers?: Record<string, string>): Promise<Json> {
    const res = await this.login(credentials, body, headers);
    expect(res.status, `login as ${credentials.username}: ${res.describe()}`).toBe(200);
    expect(typeof res.data?.token, `login as ${credentials.username}: data.token`).toBe('string');
    return res.data;
  }

  /** A token of the configured user; returns `data` (token, metadata.uuid, session_uuid...). */
  userLogin(body: unknown = { expiration: 600 }, headers?: Record<string, string>): Promise<Json> {
    return this.loginOk(this.target.user, body, headers);
  }

  /** The refresh grant: POST /token without credentials. */
  refresh(refreshToken: string, clientId: string, extra: { expiration?: number; headers?: Record<string, string>; basic?: Credentials } = {}): Promise<Exchange> {
    const json: Record<string, unknown> = { client_id: clientId, refresh_token: refreshToken };
    if (extra.expiration !== undefined) json.expiration = extra.expiration;
    return this.post('/token', { json, headers: extra.headers, basic: extra.basic });
  }

  /** An administrator's token, created once per test. */
  async adminToken(): Promise<string> {
    if (!this.target.admin) throw new Error('this test needs admin credentials; guard it with test.skip(!target.hasAdmin, NEEDS_ADMIN)');
    this.adminTokenValue ??= (await this.loginOk(this.target.admin, { expiration: 600 })).token as string;
    return this.adminTokenValue;
  }

  /** Every item of a paginated listing (`items`, `limit`/`offset`), read 100 at a time. */
  async listAll(path: string, token: string): Promise<Json[]> {
    const items: Json[] = [];
    for (let offset = 0; offset < 10_000; offset += 100) {
      const res = await this.get(path, { token, query: { limit: '100', offset: String(offset) } });
      expect(res.status, res.describe()).toBe(200);
      expect(Array.isArray(res.body?.items), `items is a list: ${res.describe()}`).toBe(true);
      items.push(...(res.body.items as Json[]));
      if (res.body.items.length < 100) break;
    }
    return items;
  }

  /** A client_id unique to this run and call: `wak-<run>-<label>-<random>`. */
  clientId(label: string): string {
    return `${this.target.prefix}-${label}-${randomBytes(3).toString('hex')}`;
  }

  private record(entry: Evidence): void {
    if (this.evidence.length < MAX_EVIDENCE) this.evidence.push(entry);
    else this.dropped++;
  }

  /** The evidence as attached to the test (redacted JSON). */
  evidenceJson(): string {
    return JSON.stringify({ exchanges: this.evidence, omitted: this.dropped }, null, 2);
  }

  /** Before an offline login of the configured user, or a user creation: what to look for after a kill (cleanup.ts). */
  private registerIntent(method: string, path: string, options: CallOptions): void {
    const body = options.json as { access_type?: unknown; client_id?: unknown; username?: unknown } | null | undefined;
    if (method.toUpperCase() !== 'POST' || !body || typeof body !== 'object') return;
    if (path === '/users' && typeof body.username === 'string' && body.username.startsWith(this.target.prefix)) {
      this.registry.add({ kind: 'username', username: body.username });
      return;
    }
    if (path !== '/token') return;
    if (body.access_type !== 'offline' || typeof body.client_id !== 'string') return;
    if (options.basic?.username !== this.target.user.username) return;
    this.registry.add({ kind: 'client', clientId: body.client_id, username: this.target.user.username });
  }

  private registerCreated(operationId: string | undefined, status: number, body: unknown, options: CallOptions): void {
    if (status !== 200 || !body || typeof body !== 'object') return;
    if (operationId === 'createToken') {
      // Also without the `data` envelope: a server that breaks TOKEN-DATA-ENVELOPE is cleaned up all the same.
      type TokenFields = { token?: unknown; refresh_token?: unknown };
      const data = (body as { data?: TokenFields }).data ?? (body as TokenFields);
      if (typeof data?.token === 'string') this.registry.add({ kind: 'token', token: data.token });
      const clientId = (options.json as { client_id?: unknown } | null | undefined)?.client_id;
      if (typeof data?.refresh_token === 'string' && typeof clientId === 'string') {
        this.registry.add({ kind: 'refresh', refreshToken: data.refresh_token, clientId });
      }
    } else if (operationId === 'createUser') {
      const uuid = (body as { uuid?: unknown }).uuid;
      const username = (options.json as { username?: unknown } | null | undefined)?.username;
      if (typeof uuid === 'string') this.registry.add({ kind: 'user', uuid, ...(typeof username === 'string' ? { username } : {}) });
    }
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Fixtures of the browser tests (playwright.browser.config.ts):
 *
 * - `mock`     a mock started in-process for the test, HTTP and HTTPS on one free 127.0.0.1 port, with
 *              its log lines kept (tokens already redacted by the mock) and every answer checked
 *              against the spec: a mismatch fails the test at teardown (unless a named fault was on).
 * - `site`     a tiny static server on ANOTHER 127.0.0.1 port: the "frontend app" origin.
 * - `browserProblems` what the page reported that a developer would see in the console: CORS
 *              refusals, other console errors, failed requests, uncaught exceptions.
 *
 * Every test file starts with `test.skip(Boolean(NO_CHROMIUM), NO_CHROMIUM)`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test as base, expect, type Request } from '@playwright/test';
import type { CheckFailure } from '../app.ts';
import { createLogger } from '../log.ts';
import { startMockServer, type MockServer } from '../server.ts';

export { NO_CHROMIUM } from './chromium.ts';

/** A mock running for one test. */
export interface RunningMock {
  server: MockServer;
  /** `127.0.0.1:PORT`: what @wazo/sdk takes as `server`. */
  sdkServer: string;
  /** Request log lines (`[mock] POST /api/auth/0.1/token 200 3.1ms`), tokens redacted. */
  log: string[];
  /** Calls the mock over plain HTTP from the test process (not the browser). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
}

/** One file the static server serves. */
export interface StaticFile {
  type: string;
  body: string | Buffer;
}

/** The static server of a test. */
export interface Site {
  /** Serves `files` (path → file) and answers 404 elsewhere; returns the origin, `http://127.0.0.1:PORT`. */
  serve(files: Record<string, StaticFile>): Promise<string>;
}

/** What the browser reported during a test, tokens redacted. */
export interface BrowserProblems {
  /** Console messages about CORS ("... has been blocked by CORS policy", Access-Control-*). */
  cors: string[];
  /** Other console errors, e.g. `Failed to load resource: the server responded with a status of 404`. */
  consoleErrors: string[];
  /** Requests that got no answer the page could read (CORS refusals end here as net::ERR_FAILED). */
  failedRequests: string[];
  /** Uncaught exceptions of the page. */
  pageErrors: string[];
  /** CORS messages, failed requests and page errors, one line each; `[]` when the page ran cleanly. */
  all(): string[];
}

// Console messages and URLs can quote tokens (GET /token/{token}); the kit shows them by their last 8
// characters only (DEVELOPERS.md).
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const redact = (text: string) => text.replace(UUID, (token) => `…${token.slice(-8)}`);

const listen = (server: http.Server) =>
  new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });

export const test = base.extend<{ mock: RunningMock; site: Site; browserProblems: BrowserProblems }>({
  // eslint-disable-next-line no-empty-pattern
  mock: async ({}, use) => {
    const log: string[] = [];
    const failures: CheckFailure[] = [];
    const server = await startMockServer({
      host: '127.0.0.1',
      port: 0,
      tls: 'auto',
      checkResponses: true,
      // An off-spec answer while a named fault is on is the fault doing its job (mock/README.md, Faults).
      onCheckFailure: (failure) => failure.faults.length === 0 && failures.push(failure),
      logger: createLogger('info', { out: (line) => log.push(line), err: (line) => log.push(line) }),
    });
    await server.tlsReady;
    const call: RunningMock['call'] = async (method, path, body, headers = {}) => {
      const response = await fetch(`${server.origin}${path}`, {
        method,
        headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, json };
    };
    await use({ server, sdkServer: `127.0.0.1:${server.port}`, log, call });
    await server.close();
    expect(failures, 'every answer of the mock matches spec/wazo-auth.yaml').toEqual([]);
  },

  // eslint-disable-next-line no-empty-pattern
  site: async ({}, use) => {
    const servers: http.Server[] = [];
    await use({
      async serve(files) {
        const server = http.createServer((request, response) => {
          const file = files[(request.url ?? '/').split('?')[0]!];
          if (!file) {
            response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
            return;
          }
          response.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-store' }).end(file.body);
        });
        servers.push(server);
        return listen(server);
      },
    });
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  },

  browserProblems: async ({ page }, use) => {
    const problems: BrowserProblems = {
      cors: [],
      consoleErrors: [],
      failedRequests: [],
      pageErrors: [],
      all: () => [...problems.cors.map((m) => `CORS: ${m}`), ...problems.failedRequests.map((m) => `request failed: ${m}`), ...problems.pageErrors.map((m) => `page error: ${m}`)],
    };
    page.on('console', (message) => {
      if (message.type() !== 'error' && message.type() !== 'warning') return;
      const text = redact(message.text());
      if (/CORS|Access-Control-/i.test(text)) problems.cors.push(text);
      else if (message.type() === 'error') problems.consoleErrors.push(text);
    });
    const answered = new WeakSet<Request>();
    page.on('response', (response) => answered.add(response.request()));
    page.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText ?? '?';
      // Chromium ends a HEAD answer with an error status (checkToken of a dead token: 404) as
      // net::ERR_ABORTED after the page has read its status; that request did get its answer.
      if (request.method() === 'HEAD' && reason === 'net::ERR_ABORTED' && answered.has(request)) return;
      problems.failedRequests.push(redact(`${request.method()} ${request.url()}: ${reason}`));
    });
    page.on('pageerror', (error) => problems.pageErrors.push(redact(error.message)));
    await use(problems);
  },
});

export { expect };

/**
 * Shared by the mock's HTTP tests: an in-process server on 127.0.0.1 (free port) whose answers are
 * all checked against the spec (a mismatch fails the test file), and a raw HTTP client that sends
 * exactly the headers and bytes it is given (fetch would add a Content-Type of its own).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { after } from 'node:test';
import type { CheckFailure } from '../app.ts';
import { startMockServer, type MockServer, type MockServerOptions } from '../server.ts';

/** An answer as the tests read it; header names lower-cased. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed JSON body, or undefined. */
  json: any;
}

/** A request; `body` objects are sent as JSON, strings and buffers as they are. */
export interface Call {
  headers?: Record<string, string>;
  body?: unknown;
  https?: boolean;
}

/** A running test server. */
export interface TestServer {
  server: MockServer;
  failures: CheckFailure[];
  /** `path` is relative to the origin, e.g. `/0.1/token`. */
  call(method: string, path: string, options?: Call): Promise<Reply>;
  /** POST /0.1/token with Basic credentials; returns `data`. */
  login(username: string, password: string, body?: Record<string, unknown>, headers?: Record<string, string>): Promise<Record<string, any>>;
}

export const ALICE_UUID = 'a11ce000-0000-4000-8000-000000000001';
export const ADMIN_UUID = 'b44da44a-c14d-4fdb-93c1-d722437e42fb';

/** `Basic base64(user:password)` */
export const basic = (username: string, password: string): string => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** Sends one request with node:http(s), no agent, and reads the whole answer. */
export function rawCall(port: number, method: string, path: string, options: Call = {}): Promise<Reply> {
  const body =
    options.body === undefined ? undefined : Buffer.isBuffer(options.body) || typeof options.body === 'string' ? Buffer.from(options.body as string) : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string | number> = { ...options.headers };
  if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['Content-Length'] = body.length;
  const client = options.https ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      { host: '127.0.0.1', port, method, path, headers, agent: false, rejectUnauthorized: false, timeout: 10_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          const flat: Record<string, string> = {};
          for (const [k, v] of Object.entries(response.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: response.statusCode ?? 0, headers: flat, text, json });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timeout on ${method} ${path}`)));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Starts a mock for one test file and stops it after; the file fails if any answer did not match the
 * spec.
 */
export async function startTestServer(options: MockServerOptions = {}): Promise<TestServer> {
  const failures: CheckFailure[] = [];
  const server = await startMockServer({
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    checkResponses: true,
    onCheckFailure: (f) => failures.push(f),
    // The cases replay the recording of master (../shared/reference); a case about another release
    // says which one it plays.
    wazoVersion: 'master',
    ...options,
  });
  after(async () => {
    await server.close();
    assert.deepEqual(failures, [], 'every answer of the mock matches spec/wazo-auth.yaml');
  });
  const call = (method: string, path: string, callOptions?: Call) => rawCall(server.port, method, path, callOptions);
  return {
    server,
    failures,
    call,
    async login(username, password, body = {}, headers = {}) {
      const reply = await call('POST', '/0.1/token', { headers: { Authorization: basic(username, password), 'Content-Type': 'application/json', ...headers }, body });
      assert.equal(reply.status, 200, `login of ${username}: ${reply.text}`);
      return reply.json.data;
    },
  };
}

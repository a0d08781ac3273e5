/**
 * The mock server: sockets, TLS, body reading and limits, logging, the expiry sweeper. Everything
 * about what to answer lives in `app.ts`.
 *
 * TLS `auto` serves plain HTTP and HTTPS on ONE port: a TCP server peeks at the first byte of each
 * connection (0x16 opens a TLS handshake) and hands the socket to an HTTPS or an HTTP server. So
 * `http://127.0.0.1:9497/0.1` works as the real wazo-auth does, and `https://127.0.0.1:9497/api/auth/0.1`
 * works for @wazo/sdk, which hard-codes https.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { loadSpec } from '../spec/loader.ts';
import { playRelease } from './release.ts';
import { createApp, type CheckFailure, type IncomingRequest } from './app.ts';
import { errors, MockHttpError, toErrorResponse, type MockResponse } from './errors.ts';
import { FaultRegistry, type BehaviourFault } from './faults.ts';
import { createLogger, redactTarget, type Logger, type LogLevel } from './log.ts';
import { collectGarbage, COLLECT_AFTER_SWEEPING } from './memory.ts';
import { corsHeaders } from './cors.ts';
import { MockState } from './state/index.ts';
import type { SeedUser } from './state/seed.ts';
import { cachedCertificate, generateAndCacheCertificate, type TlsMaterial, type TlsMode } from './tls.ts';

export type { TlsMode } from './tls.ts';

/** Options of {@link startMockServer}. Every field has a default. */
export interface MockServerOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 picks a free one. Default 0 (the CLI defaults to 9497). */
  port?: number;
  /** Default `auto`. */
  tls?: TlsMode;
  /** Certificate and key (PEM); default a cached or generated self-signed one. */
  certificate?: { cert: string; key: string };
  /** Users to seed; default admin and alice. */
  users?: readonly SeedUser[];
  /** Live sessions per user before 429. Default 100. */
  maxUserSessions?: number;
  /** Default `info`; ignored when `logger` is given. */
  logLevel?: LogLevel;
  logger?: Logger;
  /** Check every answer against the spec. Default: unless NODE_ENV=production. */
  checkResponses?: boolean;
  /** Called for each answer that does not match the spec (tests make it fail). */
  onCheckFailure?: (failure: CheckFailure) => void;
  /** Largest accepted request body. Default 64 KiB. */
  bodyLimitBytes?: number;
  /** How often expired tokens and their sessions are swept. Default 10 s. */
  sweepIntervalMs?: number;
  /** The wazo-auth release to play (spec/releases.yaml). Default the newest release. */
  wazoVersion?: string;
  /** Named behaviour faults on from the start (`--fault`); `POST /_mock/reset` comes back to them. Default none. */
  behaviourFaults?: Iterable<BehaviourFault>;
  /** Slow-client limits, in milliseconds; defaults: headers 10 s, whole request 30 s, first byte 10 s. */
  timeouts?: { headersMs?: number; requestMs?: number; firstByteMs?: number };
}

/** A running mock. */
export interface MockServer {
  /** Base URL with the real service's prefix: `http://HOST:PORT/0.1` (`https://` when TLS is `on`). */
  url: string;
  /** Base URL for @wazo/sdk: `https://HOST:PORT/api/auth/0.1`, when HTTPS is served. */
  httpsUrl?: string;
  /** `http://HOST:PORT` or `https://HOST:PORT` (no prefix), for `/_mock/` controls. */
  origin: string;
  port: number;
  state: MockState;
  faults: FaultRegistry;
  /** Resolves when HTTPS can be served (immediately unless a certificate is being generated). */
  tlsReady: Promise<TlsMaterial | undefined>;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 64 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;

class BodyTooLarge extends Error {}

/**
 * Reads a request body (callbacks rather than a promise: this is on every POST's path). `done` gets
 * the body (undefined when none was sent), or `BodyTooLarge`, or another error when the client went away.
 */
function readBody(request: http.IncomingMessage, limit: number, done: (error: Error | undefined, body?: Buffer) => void): void {
  const length = request.headers['content-length'];
  // No body announced (GET, HEAD, most DELETEs): nothing to wait for.
  if ((length === undefined || length === '0') && request.headers['transfer-encoding'] === undefined) return done(undefined, undefined);
  const declared = Number(length);
  if (Number.isFinite(declared) && declared > limit) return done(new BodyTooLarge());
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const settle = (error: Error | undefined, body?: Buffer) => {
    if (settled) return;
    settled = true;
    done(error, body);
  };
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      request.removeAllListeners('data');
      request.resume();
      settle(new BodyTooLarge());
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => settle(undefined, chunks.length === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
  // An aborted request emits 'error' (ECONNRESET) once it has a listener, then 'close'.
  request.on('error', (error) => settle(error));
}

/** Writes an answer. `answer.headers` is the answer's own object: it is completed in place. */
function writeResponse(response: http.ServerResponse, method: string, answer: MockResponse): void {
  const headers = answer.headers;
  // A string body goes out in the same write as the head (node joins them); a Buffer would not.
  let payload: string | undefined;
  if (answer.text !== undefined) payload = answer.text;
  else if (answer.body !== undefined) payload = JSON.stringify(answer.body);
  if (answer.status === 204 || answer.status === 304) payload = undefined;
  // HEAD answers carry the length of the body a GET would get (obs. 8c2).
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload, 'utf8'));
  response.writeHead(answer.status, headers);
  if (method === 'HEAD' || payload === undefined) response.end();
  else response.end(payload, 'utf8');
}

/** Starts a mock server; resolves once it listens. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const host = options.host ?? '127.0.0.1';
  const tlsMode = options.tls ?? 'auto';
  const logger = options.logger ?? createLogger(options.logLevel ?? 'info');
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  // Slow or stalled clients are cut off; node checks these every `connectionsCheckingInterval`.
  const headersTimeout = options.timeouts?.headersMs ?? 10_000;
  const HTTP_TIMEOUTS = {
    headersTimeout,
    requestTimeout: Math.max(options.timeouts?.requestMs ?? 30_000, headersTimeout + 1),
    keepAliveTimeout: 5_000,
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    maxHeaderSize: MAX_HEADER_BYTES,
  };
  const firstByteTimeout = options.timeouts?.firstByteMs ?? 10_000;
  const release = playRelease(options.wazoVersion);
  // The description as it holds for that release: the self-check expects exactly its headers and fields.
  const spec = loadSpec([release.name]);
  const faults = new FaultRegistry(options.behaviourFaults);
  const state = new MockState({ users: options.users, maxUserSessions: options.maxUserSessions, faults: faults.behaviour, release });
  const app = createApp({
    spec,
    state,
    faults,
    logger,
    checkResponses: options.checkResponses ?? process.env.NODE_ENV !== 'production',
    onCheckFailure: options.onCheckFailure,
  });

  // The request line is built only when it will be written: at `silent` or `error` it cost about a
  // tenth of a request.
  const logsRequests = logger.level === 'info' || logger.level === 'debug';
  const failed = (method: string, target: string, response: http.ServerResponse, error: unknown) => {
    // app.handle already turns handler bugs into 500s; this is the last guard (e.g. a write failure).
    logger.error(`failed to answer ${method} ${redactTarget(target)}`, error);
    if (!response.headersSent && !response.destroyed) {
      const answer = toErrorResponse(error instanceof MockHttpError ? error : errors.internal(), state.now());
      answer.headers = { 'Content-Type': 'application/json', ...answer.headers };
      writeResponse(response, method, answer);
    } else {
      response.destroy();
    }
  };
  const onRequest = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const method = (request.method ?? 'GET').toUpperCase();
    const target = request.url ?? '/';
    // The state page (GET /_mock/) polls /_mock/state every 2 s: keep that out of the info log.
    const statePoll = method === 'GET' && target.startsWith('/_mock/state');
    if (logsRequests && (!statePoll || logger.level === 'debug')) {
      const started = performance.now();
      response.on('finish', () => {
        const line = `${method} ${redactTarget(target)} ${response.statusCode} ${(performance.now() - started).toFixed(1)}ms`;
        if (statePoll) logger.debug(line);
        else logger.info(line);
      });
    }
    readBody(request, bodyLimit, (error, body) => {
      try {
        if (error instanceof BodyTooLarge) {
          const answer = toErrorResponse(errors.payloadTooLarge(), state.now());
          const origin = request.headers.origin;
          answer.headers = { 'Content-Type': 'application/json', Connection: 'close', ...answer.headers, ...corsHeaders(Array.isArray(origin) ? origin[0] : origin) };
          writeResponse(response, method, answer);
          return;
        }
        if (error) {
          request.destroy();
          return;
        }
        const incoming: IncomingRequest = { method, target, headers: request.headers, body, remoteAddress: request.socket.remoteAddress ?? '' };
        app.handle(incoming).then(
          ({ response: answer }) => {
            try {
              if (!response.destroyed) writeResponse(response, method, answer);
            } catch (writeError) {
              failed(method, target, response, writeError);
            }
          },
          (handleError: unknown) => failed(method, target, response, handleError),
        );
      } catch (unexpected) {
        failed(method, target, response, unexpected);
      }
    });
  };
  const listener = onRequest;
  const onClientError = (error: NodeJS.ErrnoException, socket: net.Socket | import('node:stream').Duplex) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify({ message: status === 400 ? 'The browser (or proxy) sent a request that this server could not understand.' : http.STATUS_CODES[status] });
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n${body}`);
  };

  // The HTTP servers never listen themselves (the front server hands them sockets), but node only
  // starts enforcing headersTimeout/requestTimeout on 'listening': emit it so that slow clients are cut off.
  const armTimeouts = (server: http.Server | https.Server) => {
    server.on('clientError', onClientError);
    server.emit('listening');
  };
  const plain = http.createServer(HTTP_TIMEOUTS, listener);
  armTimeouts(plain);

  // TLS material: given, cached, or generated in the background (plain HTTP answers meanwhile).
  let secure: https.Server | undefined;
  let tlsReady: Promise<TlsMaterial | undefined> = Promise.resolve(undefined);
  const waitingForTls: net.Socket[] = [];
  if (tlsMode !== 'off') {
    const makeSecure = (material: TlsMaterial) => {
      secure = https.createServer({ ...HTTP_TIMEOUTS, cert: material.cert, key: material.key, handshakeTimeout: 10_000 }, listener);
      armTimeouts(secure);
      secure.on('tlsClientError', (_error, socket) => socket.destroy());
      for (const socket of waitingForTls.splice(0)) if (!socket.destroyed) handOver(socket, secure);
      return material;
    };
    const given = options.certificate ? { ...options.certificate, source: 'files' as const } : cachedCertificate();
    if (given) tlsReady = Promise.resolve(makeSecure(given));
    else if (tlsMode === 'on') tlsReady = Promise.resolve(makeSecure(await generateAndCacheCertificate()));
    else {
      tlsReady = generateAndCacheCertificate().then(makeSecure, (error: unknown) => {
        logger.error('could not generate a self-signed certificate; HTTPS is unavailable', error);
        for (const socket of waitingForTls.splice(0)) socket.destroy();
        return undefined;
      });
    }
  }

  const sockets = new Set<net.Socket>();
  function handOver(socket: net.Socket, server: http.Server | https.Server): void {
    server.emit('connection', socket);
    // The HTTP parser reads through the socket's stream: restart it. The TLS layer reads the handle
    // itself and first drains what was peeked (node's `initRead`); resuming here would steal its bytes.
    if (server === plain) socket.resume();
  }
  // noDelay: what http.createServer sets on the sockets it accepts itself (no Nagle delay on answers).
  const front = net.createServer({ pauseOnConnect: false, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(firstByteTimeout, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(chunk);
      const wantsTls = chunk[0] === 0x16;
      if (wantsTls && tlsMode === 'off') return socket.destroy();
      if (!wantsTls && tlsMode === 'on') return socket.destroy();
      if (!wantsTls) return handOver(socket, plain);
      if (secure) return handOver(socket, secure);
      waitingForTls.push(socket);
    });
  });

  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port ?? 0, host, () => {
      front.off('error', reject);
      resolve();
    });
  });
  front.on('error', (error) => logger.error('listener error', error));
  const port = (front.address() as net.AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const httpOrigin = `http://${urlHost}:${port}`;
  const httpsOrigin = `https://${urlHost}:${port}`;

  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    state
      .sweep()
      .then((removed) => {
        if (removed > 0) logger.debug(`swept ${removed} expired token(s)`);
        if (removed >= COLLECT_AFTER_SWEEPING) collectGarbage();
      })
      .catch((error: unknown) => logger.error('expiry sweep failed', error))
      .finally(() => {
        sweeping = false;
      });
  }, options.sweepIntervalMs ?? 10_000);
  sweeper.unref();

  let closing: Promise<void> | undefined;
  return {
    url: tlsMode === 'on' ? `${httpsOrigin}/0.1` : `${httpOrigin}/0.1`,
    httpsUrl: tlsMode === 'off' ? undefined : `${httpsOrigin}/api/auth/0.1`,
    origin: tlsMode === 'on' ? httpsOrigin : httpOrigin,
    port,
    state,
    faults,
    tlsReady,
    close() {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(sweeper);
        front.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        plain.close();
        secure?.close();
      });
      return closing;
    },
  };
}

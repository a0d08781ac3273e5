/**
 * The SDK relay: lets @wazo/sdk, which only talks to `https://HOST[:PORT]/api/auth/0.1`, reach a target
 * reached otherwise — wazo-auth itself on `http://HOST:9497/0.1`, as inside a Wazo stack and in most CI
 * jobs (issue 14). It listens on 127.0.0.1 with the kit's development certificate (mock/tls.ts) and maps
 * `/api/auth/0.1/<rest>` onto `<target base URL>/<rest>`, query string included.
 *
 * It must not hide a difference, so it passes everything through as it comes: method, end-to-end
 * headers (Origin, X-Auth-Token, Authorization, CORS answers...) and bodies byte for byte, and the
 * target's status, errors included. It drops only what belongs to one connection (RFC 9110 §7.6.1:
 * Connection, Keep-Alive, Transfer-Encoding, ...) and sets Host to the target's. What it answers
 * itself is marked with the header `x-wazo-auth-kit-relay`: a path outside /api/auth/0.1 (404) and a
 * target that cannot be reached (502).
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, request, type Dispatcher } from 'undici';
import { cachedCertificate, generateAndCacheCertificate } from '../mock/tls.ts';
import { errorCode } from './http.ts';

/** The path prefix @wazo/sdk puts before every auth URL. */
export const SDK_PREFIX = '/api/auth/0.1';

/** Headers of one connection, never relayed (RFC 9110 §7.6.1), and Host, which names the relay. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authenticate', 'proxy-authorization', 'host']);

/** A running relay. */
export interface SdkRelay {
  /** `127.0.0.1:PORT`, the SDK's `server` option. */
  server: string;
  /** The target base URL it relays to. */
  upstream: string;
  /** One line for the reports: what was relayed where. */
  description: string;
  close(): Promise<void>;
}

/** Starts a relay to `upstream` (a base URL with its version prefix); `insecure` accepts its self-signed certificate. */
export async function startSdkRelay(options: { upstream: string; insecure: boolean; timeoutMs?: number }): Promise<SdkRelay> {
  const upstream = options.upstream.replace(/\/+$/, '');
  const { cert, key } = cachedCertificate() ?? (await generateAndCacheCertificate());
  const timeout = options.timeoutMs ?? 60_000;
  const dispatcher = new Agent({ connect: { rejectUnauthorized: !options.insecure }, headersTimeout: timeout, bodyTimeout: timeout });
  const server: Server = createServer({ cert, key }, (req, res) => {
    relay(req, res, upstream, dispatcher).catch((error: unknown) => answer(res, 502, `the SDK relay could not relay the request: ${errorCode(error)}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server: `127.0.0.1:${port}`,
    upstream,
    description: `https://127.0.0.1:${port}${SDK_PREFIX}/* relayed to ${upstream}/*`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.close();
    },
  };
}

async function relay(req: IncomingMessage, res: ServerResponse, upstream: string, dispatcher: Agent): Promise<void> {
  const url = req.url ?? '/';
  if (url !== SDK_PREFIX && !url.startsWith(`${SDK_PREFIX}/`) && !url.startsWith(`${SDK_PREFIX}?`)) {
    answer(res, 404, `the SDK relay serves ${SDK_PREFIX}/ only, not ${url.split('?')[0]}`);
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const headers: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!HOP_BY_HOP.has(req.rawHeaders[i]!.toLowerCase())) headers.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  let reply: Dispatcher.ResponseData;
  try {
    reply = await request(`${upstream}${url.slice(SDK_PREFIX.length)}`, {
      method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
      headers,
      body: body.length > 0 || !['GET', 'HEAD'].includes(req.method ?? 'GET') ? body : undefined,
      dispatcher,
    });
  } catch (error) {
    answer(res, 502, `the SDK relay could not reach ${upstream}: ${errorCode(error)}`);
    return;
  }
  const payload = Buffer.from(await reply.body.arrayBuffer());
  const out: string[] = [];
  for (const [name, value] of Object.entries(reply.headers)) {
    if (HOP_BY_HOP.has(name) || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push(name, v);
  }
  res.writeHead(reply.statusCode, out);
  res.end(req.method === 'HEAD' ? undefined : payload);
}

/** An answer of the relay itself (never of the target), marked as such. */
function answer(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ message: `wazo-auth-kit: ${message}`, error_id: 'wazo-auth-kit-relay', details: {}, timestamp: Date.now() / 1000 });
  res.writeHead(status, { 'content-type': 'application/json', 'x-wazo-auth-kit-relay': 'error' });
  res.end(body);
}

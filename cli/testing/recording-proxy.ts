/**
 * An HTTP proxy on 127.0.0.1 for end-to-end tests of the kit: it forwards every request to a server
 * (the mock), remembers every secret that crosses it (passwords in Basic headers and bodies, tokens and
 * refresh tokens in bodies, headers and paths), and can break one rule on purpose so that a run has a
 * known failure. Black box: it knows wazo-auth only through its public field names.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A change the proxy makes to an answer, to play a server that breaks a rule. */
export interface Fault {
  /** Which requests it applies to. */
  matches(method: string, path: string): boolean;
  /** The status to answer instead (the body is replaced by an empty one). */
  status: number;
}

/** A running proxy. */
export interface RecordingProxy {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Passwords seen (Basic credentials, `password`, `old_password`, `new_password`). */
  passwords: Set<string>;
  /** Access and refresh tokens seen. */
  tokens: Set<string>;
  /** Access tokens issued by POST /token (`data.token` of a 200). */
  accessTokens: Set<string>;
  /** Basic header values seen (base64 of user:password). */
  basicHeaders: Set<string>;
  requests: number;
  close(): Promise<void>;
}

const TOKEN_KEYS = new Set(['token', 'refresh_token']);
const PASSWORD_KEYS = new Set(['password', 'old_password', 'new_password']);

function collect(value: unknown, into: RecordingProxy): void {
  if (Array.isArray(value)) value.forEach((v) => collect(v, into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && v.length > 0 && TOKEN_KEYS.has(k)) into.tokens.add(v);
      else if (typeof v === 'string' && v.length > 0 && PASSWORD_KEYS.has(k)) into.passwords.add(v);
      else collect(v, into);
    }
  }
}

const parse = (buffer: Buffer): unknown => {
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
};

/** Starts a proxy to `upstream` (an origin such as `http://127.0.0.1:9497`). */
export async function startRecordingProxy(upstream: string, faults: Fault[] = []): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const state: RecordingProxy = {
    origin: '',
    passwords: new Set(),
    tokens: new Set(),
    accessTokens: new Set(),
    basicHeaders: new Set(),
    requests: 0,
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const path = url.split('?')[0]!;
      const auth = req.headers.authorization;
      if (auth?.toLowerCase().startsWith('basic ')) {
        const b64 = auth.slice(6).trim();
        state.basicHeaders.add(b64);
        const decoded = Buffer.from(b64, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon >= 0 && decoded.length > colon + 1) state.passwords.add(decoded.slice(colon + 1));
      }
      const xAuth = req.headers['x-auth-token'];
      if (typeof xAuth === 'string' && xAuth) state.tokens.add(xAuth);
      const inPath = /\/token\/([^/?]+)/.exec(path)?.[1];
      if (inPath) state.tokens.add(decodeURIComponent(inPath));
      collect(parse(body), state);

      const fault = faults.find((f) => f.matches(method, path));
      if (fault) {
        res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': '0' });
        res.end();
        return;
      }
      const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
      const upstreamReq = request(
        { protocol: target.protocol, hostname: target.hostname, port: target.port, method, path: url, headers },
        (upstreamRes) => {
          const out: Buffer[] = [];
          upstreamRes.on('data', (c: Buffer) => out.push(c));
          upstreamRes.on('end', () => {
            const answer = Buffer.concat(out);
            const json = parse(answer);
            collect(json, state);
            const token = (json as { data?: { token?: unknown } } | undefined)?.data?.token;
            if (method === 'POST' && /\/token$/.test(path) && upstreamRes.statusCode === 200 && typeof token === 'string') state.accessTokens.add(token);
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            res.end(answer);
          });
        },
      );
      upstreamReq.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${error.message}`);
      });
      upstreamReq.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/**
 * The mock as a library: `startMock()` starts the same server as `wazo-auth-kit mock`, in the calling
 * process, and hands back its URL, `close()` and the developer controls of `/_mock/` as functions (the
 * shape of msw's `setupServer` → `listen`/`resetHandlers`/`close`). Each control goes through the same
 * code as its HTTP route (dev-controls.ts), so it checks its input and behaves exactly as the route does.
 *
 *   import { startMock } from 'wazo-auth-kit';
 *   const mock = await startMock({ port: 0 });
 *   // ... log in at `${mock.url}/token`, then:
 *   mock.advanceClock(3600);          // every token of the hour expires now
 *   await mock.close();
 *
 * Defaults are the command line's (`wazo-auth-kit mock --help`), except `logLevel`: `error` rather than
 * `info`, so that a test run's output is not one line per request.
 */
import { loadSpec } from '../spec/loader.ts';
import { checkUsers, readUsersFile } from './config.ts';
import { handleDevControl, stateSnapshot } from './dev-controls.ts';
import { MockHttpError } from './errors.ts';
import { isBehaviourFault, unknownFaultMessage, type BehaviourFault, type BehaviourFaultView, type OperationFault } from './faults.ts';
import type { LogLevel } from './log.ts';
import { startMockServer } from './server.ts';
import { DEFAULT_USERS, type UserEntry } from './state/seed.ts';
import type { TlsMode } from './tls.ts';

export type { BehaviourFault, BehaviourFaultView, LogLevel, OperationFault, TlsMode, UserEntry };

/** Options of {@link startMock}; every one has the command line's default. */
export interface StartMockOptions {
  /** Interface to listen on. Default `127.0.0.1` (`--host`). */
  host?: string;
  /** Port; 0 picks a free one (read it back from `port` or `url`). Default 9497, as `--port`. */
  port?: number;
  /**
   * `auto`: HTTP and HTTPS on the same port; `on`: HTTPS only; `off`: HTTP only; or a PEM certificate
   * and key to serve HTTPS with (`--cert`/`--key`, in `auto` mode). Default `auto` with a self-signed
   * certificate for localhost and 127.0.0.1.
   */
  tls?: TlsMode | { cert: string; key: string };
  /** The users to seed, as a users file lists them, or the path of a users file (YAML or JSON). Default alice/alice-pw and admin/admin-secret. */
  users?: readonly UserEntry[] | string;
  /** Behaviour faults on from the start (`--fault`; `wazo-auth-kit mock --list-faults`); `reset()` comes back to them. Default none. */
  faults?: readonly BehaviourFault[];
  /** The wazo-auth release to play (`--wazo-version`): `24.01` … `26.05`, `master`. Default the newest release. */
  wazoVersion?: string;
  /** Live sessions per user before POST /token answers 429 (`--max-sessions`). Default 100. */
  maxSessions?: number;
  /** Check every answer against the description (`--check-responses`). Default on, off when NODE_ENV=production. */
  checkResponses?: boolean;
  /** `silent`, `error`, `info` (one line per request) or `debug`. Default `error`. */
  logLevel?: LogLevel;
}

/** An operation fault to arm, as `POST /_mock/faults` takes it. */
export interface InjectedFault {
  /** The operation to break, e.g. `createToken`, `checkToken` (spec/wazo-auth.yaml operationIds). */
  operationId: string;
  /** Answer with this status instead (100–599). */
  status?: number;
  /** Wait this long before answering (0–60000 ms). */
  latencyMs?: number;
  /** Only the next `times` calls; every call when absent. */
  times?: number;
}

/** A running mock and its controls. */
export interface WazoAuthMock {
  /** Base URL with the real service's prefix: `http://127.0.0.1:PORT/0.1` (`https://` with `tls: 'on'`). */
  url: string;
  /** The HTTPS base URL @wazo/sdk calls, `https://127.0.0.1:PORT/api/auth/0.1`, when HTTPS is served. */
  httpsUrl?: string;
  /** What to give @wazo/sdk as `server` (`127.0.0.1:PORT`), when HTTPS is served. */
  sdkServer?: string;
  /** `http://127.0.0.1:PORT` (no prefix): where the state page `/_mock/` is. */
  origin: string;
  /** The port it listens on (useful with `port: 0`). */
  port: number;
  /** The wazo-auth release it plays. */
  wazoVersion: string;
  /** Resolves once HTTPS can be served (a self-signed certificate is generated on the first start only). */
  ready: Promise<void>;
  /** Moves the mock's clock forward by `seconds` (`POST /_mock/clock`): tokens whose lifetime has passed expire. */
  advanceClock(seconds: number): void;
  /** Makes one access token expire now (`POST /_mock/expire`); throws when no live token has that value. */
  expireToken(token: string): void;
  /** Deletes one refresh token (`POST /_mock/revoke`); throws when there is none with that value. */
  revokeRefreshToken(token: string): void;
  /** Back to the seeded users, no tokens, clock offset 0, the start's faults only (`POST /_mock/reset`). */
  reset(): void;
  /** Switches a behaviour fault on or off (`PUT /_mock/faults/NAME`). */
  setFault(name: BehaviourFault, enabled: boolean): void;
  /** Arms an operation fault: a status or a latency for one operation (`POST /_mock/faults`). */
  injectFault(fault: InjectedFault): void;
  /** Disarms every operation fault and switches every behaviour fault off (`DELETE /_mock/faults`). */
  clearFaults(): void;
  /** The armed operation faults and every behaviour fault with its state (`GET /_mock/faults`). */
  faults(): { faults: OperationFault[]; named: BehaviourFaultView[] };
  /** Users, live tokens, refresh tokens, sessions, clock and faults, as `GET /_mock/state` shows them (no passwords). */
  state(): Record<string, unknown>;
  /** Stops listening and ends open connections; resolves once the port is free. */
  close(): Promise<void>;
}

/** Starts the wazo-auth mock in this process; resolves once it listens. */
export async function startMock(options: StartMockOptions = {}): Promise<WazoAuthMock> {
  const users =
    options.users === undefined
      ? DEFAULT_USERS.map((u) => ({ ...u, acl: [...u.acl] }))
      : typeof options.users === 'string'
        ? readUsersFile(options.users)
        : checkUsers(options.users, 'startMock({ users })');
  for (const name of options.faults ?? []) {
    if (!isBehaviourFault(name)) throw new Error(`startMock({ faults }): ${unknownFaultMessage(name)}`);
  }
  const tls = typeof options.tls === 'object' ? 'auto' : options.tls;
  const server = await startMockServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 9497,
    tls: tls ?? 'auto',
    ...(typeof options.tls === 'object' ? { certificate: { cert: options.tls.cert, key: options.tls.key } } : {}),
    users,
    ...(options.maxSessions !== undefined ? { maxUserSessions: options.maxSessions } : {}),
    ...(options.checkResponses !== undefined ? { checkResponses: options.checkResponses } : {}),
    behaviourFaults: options.faults ?? [],
    ...(options.wazoVersion !== undefined ? { wazoVersion: options.wazoVersion } : {}),
    logLevel: options.logLevel ?? 'error',
  });
  const deps = { spec: loadSpec([server.state.release.name]), state: server.state, faults: server.faults };

  /** One control, through the code of its HTTP route; its error answers become thrown errors. */
  const control = (method: string, path: string, body?: unknown): unknown => {
    try {
      const answer = handleDevControl(deps, method, path, body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
      return answer.body;
    } catch (error) {
      if (error instanceof MockHttpError) {
        const payload = error.payload;
        throw new Error(`wazo-auth-kit mock: ${String('reason' in payload ? payload.reason : payload.message).replace(/^\[mock\] /, '')}`);
      }
      throw error;
    }
  };

  return {
    url: server.url,
    ...(server.httpsUrl ? { httpsUrl: server.httpsUrl, sdkServer: new URL(server.httpsUrl).host } : {}),
    origin: server.origin,
    port: server.port,
    wazoVersion: server.state.release.name,
    ready: server.tlsReady.then(() => undefined),
    advanceClock: (seconds) => void control('POST', '/clock', { advance: seconds }),
    expireToken: (token) => void control('POST', '/expire', { token }),
    revokeRefreshToken: (token) => void control('POST', '/revoke', { refresh_token: token }),
    reset: () => void control('POST', '/reset'),
    setFault: (name, enabled) => void control('PUT', `/faults/${encodeURIComponent(name)}`, { enabled }),
    injectFault: (fault) => void control('POST', '/faults', fault),
    clearFaults: () => void control('DELETE', '/faults'),
    faults: () => control('GET', '/faults') as ReturnType<WazoAuthMock['faults']>,
    state: () => stateSnapshot(server.state, server.faults),
    close: () => server.close(),
  };
}

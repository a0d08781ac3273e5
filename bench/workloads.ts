/**
 * The five workloads, as autocannon options. Every target gets byte-for-byte the same kind of requests;
 * only the values that a stateful server needs to be real (tokens, refresh tokens) come from fixtures.
 *
 * The mock, like wazo-auth, caps a user at 100 live sessions (obs. 13a: the 101st login is a 429), so
 * every workload that creates tokens spreads its logins over many users: each connection cycles
 * through its own slice of the bench users.
 */
import type autocannon from 'autocannon';
import { basic } from './targets.ts';

/** The workload identifiers, in table order. */
export type WorkloadId = 'post-token' | 'refresh' | 'get-token' | 'head-token' | 'mixed';
export const WORKLOAD_IDS: WorkloadId[] = ['post-token', 'refresh', 'get-token', 'head-token', 'mixed'];

/** How each workload is named in the report. */
export const WORKLOAD_LABELS: Record<WorkloadId, string> = {
  'post-token': 'POST /token (Basic)',
  refresh: 'POST /token (refresh grant)',
  'get-token': 'GET /token/{t}',
  'head-token': 'HEAD /token/{t}',
  mixed: 'mixed frontend sequence',
};

/** A user the bench logs in as. */
export interface BenchUser {
  username: string;
  password: string;
}

/** What a workload needs from its target: users to log in with, live tokens, refresh tokens. */
export interface Fixtures {
  users: BenchUser[];
  tokens: string[];
  refreshTokens: { refreshToken: string; clientId: string }[];
  /** Stand-in refresh token for stateless targets whose login answer carries none. */
  fallbackRefreshToken: string;
}

/** The client_id the bench's offline logins use. */
export const BENCH_CLIENT_ID = 'bench';
/** Access tokens live an hour: none expires during a run. */
const EXPIRATION = 3600;
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Splits `items` into `parts` contiguous, non-empty slices (items repeat when there are too few). */
export function slices<T>(items: T[], parts: number): T[][] {
  if (items.length === 0) throw new Error('[bench] no fixtures to share between connections');
  const out: T[][] = [];
  const size = Math.max(1, Math.floor(items.length / parts));
  for (let i = 0; i < parts; i++) {
    const start = (i * size) % items.length;
    out.push(items.slice(start, start + size));
  }
  return out;
}

/** Gives connection i its own request list (called by autocannon once per connection). */
function perConnection(lists: autocannon.Request[][]): (client: autocannon.Client) => void {
  let next = 0;
  return (client) => {
    client.setRequests(lists[next++ % lists.length] ?? []);
  };
}

type Ctx = { token?: string; refreshToken?: string; token2?: string; user?: BenchUser };

const tokenOf = (body: string): { token?: string; refresh_token?: string } => {
  try {
    return ((JSON.parse(body) as { data?: { token?: string; refresh_token?: string } }).data ?? {});
  } catch {
    return {};
  }
};

/**
 * autocannon options for one workload against one target. `origin` is `http://127.0.0.1:PORT`,
 * `prefix` the path in front of `/token`.
 */
export function workloadOptions(
  workload: WorkloadId,
  target: { origin: string; prefix: string; stateful: boolean },
  fixtures: Fixtures,
  { connections, duration }: { connections: number; duration: number },
): autocannon.Options {
  const tokenPath = `${target.prefix}/token`;
  const base = { url: target.origin, connections, duration };
  switch (workload) {
    case 'post-token':
      return {
        ...base,
        setupClient: perConnection(
          slices(fixtures.users, connections).map((users) =>
            users.map((user) => ({
              method: 'POST' as const,
              path: tokenPath,
              headers: { ...JSON_HEADERS, authorization: basic(user) },
              body: JSON.stringify({ expiration: EXPIRATION }),
            })),
          ),
        ),
      };
    case 'refresh':
      return {
        ...base,
        setupClient: perConnection(
          slices(fixtures.refreshTokens, connections).map((grants) =>
            grants.map((grant) => ({
              method: 'POST' as const,
              path: tokenPath,
              headers: JSON_HEADERS,
              body: JSON.stringify({ expiration: EXPIRATION, client_id: grant.clientId, refresh_token: grant.refreshToken }),
            })),
          ),
        ),
      };
    case 'get-token':
    case 'head-token':
      return {
        ...base,
        setupClient: perConnection(
          slices(fixtures.tokens, connections).map((tokens) =>
            tokens.map((token) => ({ method: workload === 'get-token' ? ('GET' as const) : ('HEAD' as const), path: `${tokenPath}/${token}` })),
          ),
        ),
      };
    case 'mixed':
      return { ...base, setupClient: perConnection(slices(fixtures.users, connections).map((users) => mixedSequence(users, tokenPath, target.stateful, fixtures))) };
  }
}

/**
 * What a frontend does through @wazo/sdk in one sitting: log in offline, check the token, refresh,
 * read the new token, log out. The first access token is left to expire, as the SDK does when it
 * swaps tokens. Each connection walks through its own users; autocannon resets the context between
 * two sequences, and a step whose input is missing restarts the sequence (counted as a reset).
 */
function mixedSequence(users: BenchUser[], tokenPath: string, stateful: boolean, fixtures: Fixtures): autocannon.Request[] {
  let next = 0;
  return [
    {
      method: 'POST',
      path: tokenPath,
      body: JSON.stringify({ expiration: EXPIRATION, access_type: 'offline', client_id: BENCH_CLIENT_ID }),
      setupRequest: (request, context) => {
        const user = users[next++ % users.length] as BenchUser;
        (context as Ctx).user = user;
        return { ...request, headers: { ...JSON_HEADERS, authorization: basic(user) } };
      },
      onResponse: (status, body, context) => {
        if (status !== 200) return;
        const data = tokenOf(body);
        (context as Ctx).token = data.token;
        (context as Ctx).refreshToken = data.refresh_token ?? (stateful ? undefined : fixtures.fallbackRefreshToken);
      },
    },
    {
      method: 'HEAD',
      setupRequest: (request, context) => {
        const { token } = context as Ctx;
        return token ? { ...request, path: `${tokenPath}/${token}` } : (undefined as unknown as autocannon.Request);
      },
    },
    {
      method: 'POST',
      path: tokenPath,
      setupRequest: (request, context) => {
        const { refreshToken } = context as Ctx;
        if (!refreshToken) return undefined as unknown as autocannon.Request;
        return {
          ...request,
          headers: JSON_HEADERS,
          body: JSON.stringify({ expiration: EXPIRATION, client_id: BENCH_CLIENT_ID, refresh_token: refreshToken }),
        };
      },
      onResponse: (status, body, context) => {
        if (status === 200) (context as Ctx).token2 = tokenOf(body).token;
      },
    },
    {
      method: 'GET',
      setupRequest: (request, context) => {
        const { token2 } = context as Ctx;
        return token2 ? { ...request, path: `${tokenPath}/${token2}` } : (undefined as unknown as autocannon.Request);
      },
    },
    {
      method: 'DELETE',
      setupRequest: (request, context) => {
        const { token2 } = context as Ctx;
        return token2 ? { ...request, path: `${tokenPath}/${token2}` } : (undefined as unknown as autocannon.Request);
      },
    },
  ];
}

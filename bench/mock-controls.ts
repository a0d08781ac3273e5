/**
 * The mock's developer controls under /_mock/ that the benchmark uses: reset between runs, move the
 * clock to expire tokens, read how many tokens are live.
 */

async function control(origin: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${origin}/_mock/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`[bench] ${method} /_mock/${path}: ${response.status} ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Back to the seeded users, no tokens, clock offset zero (POST /_mock/reset). */
export async function resetMock(origin: string): Promise<void> {
  await control(origin, 'POST', 'reset');
}

/** Moves the mock's clock forward (POST /_mock/clock {"advance": seconds}). */
export async function advanceClock(origin: string, seconds: number): Promise<void> {
  await control(origin, 'POST', 'clock', { advance: seconds });
}

/** How many access tokens the mock holds, expired ones not yet swept included (GET /_mock/state). */
export async function storedTokenCount(origin: string): Promise<number | undefined> {
  const state = (await control(origin, 'GET', 'state')) as Record<string, unknown> | undefined;
  return countIn(state, ['accessTokens', 'access_tokens', 'tokens']);
}

function countIn(state: Record<string, unknown> | undefined, keys: string[]): number | undefined {
  if (!state) return undefined;
  for (const key of keys) {
    const value = state[key];
    if (typeof value === 'number') return value;
    if (Array.isArray(value)) return value.length;
    if (value && typeof value === 'object') {
      const nested = value as Record<string, unknown>;
      for (const inner of ['stored', 'count', 'total', 'size']) if (typeof nested[inner] === 'number') return nested[inner] as number;
    }
  }
  const counts = state.counts as Record<string, unknown> | undefined;
  return counts ? countIn(counts, keys) : undefined;
}

/**
 * Heap per live token, without sockets or load generator in the way: logs `--tokens` tokens in through
 * the mock's own state (`MockState.login`, as POST /token does), spread over 2 000 users, and prints
 * `{"tokens": N, "bytesPerToken": B}`: the growth of the V8 heap, measured after a full collection on
 * each side, divided by N. RSS figures of the memory phase add V8's page-level growth to this.
 *
 * Run as a child process: `node --expose-gc --import tsx bench/token-heap.ts [--tokens 100000]`.
 */
import { parseArgs } from 'node:util';
import { FaultRegistry } from '../mock/faults.ts';
import { MockState } from '../mock/state/index.ts';
import { benchSeedUsers, benchUsers } from './fixtures.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('[token-heap] run with node --expose-gc');
  process.exit(2);
}
const { values } = parseArgs({ options: { tokens: { type: 'string', default: '100000' } } });
const count = Number(values.tokens);

const seeds = benchSeedUsers(benchUsers(2000));
const state = new MockState({ users: seeds, faults: new FaultRegistry().behaviour, maxUserSessions: count });
const users = seeds.map((seed) => state.authenticate(seed.username, seed.password)!);
// The same request fields for every login, as a client that keeps its address and user agent would send.
const request = { expirationSeconds: 3600, mobile: false, remoteAddr: '127.0.0.1', userAgent: 'autocannon' };

gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < count; i++) {
  const result = state.login(users[i % users.length]!, request);
  if (!result.ok) throw new Error(`[token-heap] login ${i} refused: ${result.reason}`);
}
gc();
const after = process.memoryUsage().heapUsed;
if (state.accessTokens.countForUser(users[0]!.uuid, state.now()) === 0) throw new Error('[token-heap] no live token kept');
console.log(JSON.stringify({ tokens: count, bytesPerToken: Math.round((after - before) / count) }));

/**
 * What the mock's request pipeline costs without sockets: `app.handle` (route, validation, state,
 * handler, response self-check) plus `JSON.stringify` of the answer, called in a loop, for a login
 * (`POST /token`, Basic, spread over 2 000 users) and a token read (`GET /token/{t}`), with the
 * response self-check on and off. Set against the per-answer CPU of the throughput phase, it shows how
 * much of a request is the mock's own work and how much the HTTP layer and the kernel (docs/scale.md).
 *
 *   node --import tsx bench/pipeline-cost.ts [--requests 20000]   (medians of 3 interleaved batches)
 */
import { parseArgs } from 'node:util';
import { loadSpec } from '../spec/loader.ts';
import { createApp, type IncomingRequest } from '../mock/app.ts';
import { FaultRegistry } from '../mock/faults.ts';
import { createLogger } from '../mock/log.ts';
import { MockState } from '../mock/state/index.ts';
import { benchSeedUsers, benchUsers } from './fixtures.ts';
import { basic } from './targets.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' } } });
const requests = Number(values.requests);
const spec = loadSpec();
const users = benchUsers(2000);
const seeds = benchSeedUsers(users);
const body = Buffer.from(JSON.stringify({ expiration: 3600 }));

/** One mock pipeline (own state) with its two requests, and a timer for a batch of either. */
async function pipeline(checkResponses: boolean) {
  const faults = new FaultRegistry();
  const state = new MockState({ users: seeds, faults: faults.behaviour, maxUserSessions: requests * 8 });
  const app = createApp({ spec, state, faults, logger: createLogger('silent'), checkResponses, onCheckFailure: (f) => { throw new Error(`[pipeline-cost] ${f.errors.join('; ')}`); } });
  let next = 0;
  const login = (): IncomingRequest => ({
    method: 'POST',
    target: '/0.1/token',
    headers: { authorization: basic(users[next++ % users.length]!), 'content-type': 'application/json', host: '127.0.0.1' },
    body,
    remoteAddress: '127.0.0.1',
  });
  const first = await app.handle(login());
  const token = (first.response.body as { data: { token: string } }).data.token;
  const read = (): IncomingRequest => ({ method: 'GET', target: `/0.1/token/${token}`, headers: { 'x-auth-token': token, host: '127.0.0.1' }, remoteAddress: '127.0.0.1' });
  /** µs per request over `count` requests of one kind. */
  return async (kind: 'post' | 'get', count: number): Promise<number> => {
    const make = kind === 'post' ? login : read;
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const { response } = await app.handle(make());
      if (response.status !== 200) throw new Error(`[pipeline-cost] status ${response.status}`);
      JSON.stringify(response.body);
    }
    return ((performance.now() - started) * 1000) / count;
  };
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const checked = await pipeline(true);
const unchecked = await pipeline(false);
// Both pipelines share the JIT's code: warm both up first, then interleave three batches of each, so
// that neither variant gains from running second.
for (const run of [checked, unchecked]) for (const kind of ['post', 'get'] as const) await run(kind, Math.min(5000, requests));
const times = { post: [[], []] as number[][], get: [[], []] as number[][] };
for (let round = 0; round < 3; round++) {
  for (const kind of ['post', 'get'] as const) {
    times[kind][0]!.push(await checked(kind, requests));
    times[kind][1]!.push(await unchecked(kind, requests));
  }
}
const on = { post: median(times.post[0]!), get: median(times.get[0]!) };
const off = { post: median(times.post[1]!), get: median(times.get[1]!) };
const us = (value: number) => Math.round(value * 10) / 10;
console.log(JSON.stringify({ requests, postUs: us(on.post), getUs: us(on.get), postNoCheckUs: us(off.post), getNoCheckUs: us(off.get) }));

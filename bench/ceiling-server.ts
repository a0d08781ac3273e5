/**
 * The ceiling of the benchmark: a bare `node:http` server that answers every request with one fixed
 * token body (the spec's AliceToken example), HEAD with 204 like HEAD /token/{t}. No routing, no state,
 * no validation: whatever the mock does beyond this costs throughput.
 *
 * Run as a child process: `node --import tsx bench/ceiling-server.ts --port P`.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { loadSpec, type JsonObject } from '../spec/loader.ts';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0) {
  console.error('[ceiling] --port P is required');
  process.exit(2);
}

// The body comes from the description (examples are never restated in TypeScript).
const examples = (loadSpec().document.components as JsonObject).examples as Record<string, { value: unknown }>;
const token = examples.AliceToken?.value;
if (!token) throw new Error('[ceiling] spec has no components.examples.AliceToken');
const body = Buffer.from(JSON.stringify(token));
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const server = createServer((req, res) => {
  // Drain the request body (POST /token sends one) before answering, as any real server must.
  req.resume();
  req.on('end', () => {
    if (req.method === 'HEAD') {
      res.writeHead(204);
      res.end();
      return;
    }
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, values.host, () => {
  console.error(`[ceiling] listening on http://${values.host}:${port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

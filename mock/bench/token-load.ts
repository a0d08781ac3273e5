/**
 * Load benchmark: POST /0.1/token (alice, {"expiration": 60}) for a fixed time against a mock child
 * process on 127.0.0.1, with a bounded number of concurrent connections. Reports requests per second
 * (200s only) and any other status.
 *
 *   node --import tsx mock/bench/token-load.ts [seconds=5] [connections=16] [extra mock options...]
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 16);
const extra = process.argv.slice(4);
if (!(seconds > 0 && seconds <= 60) || !(connections > 0 && connections <= 256)) throw new Error('seconds 1..60, connections 1..256');
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

const port = await new Promise<number>((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port: p } = server.address() as net.AddressInfo;
    server.close(() => resolve(p));
  });
});
// Enough sessions for every token of the run: the default limit (100 per user) would answer 429.
const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', String(port), '--tls', 'off', '--log-level', 'error', '--max-sessions', '100000000', ...extra], { stdio: 'inherit' });
const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining: 1 });
try {
  for (let ready = false, i = 0; !ready; i++) {
    if (i > 3000) throw new Error('the mock did not start');
    ready = await pool.request({ method: 'HEAD', path: '/0.1/status' }).then((r) => (r.body.resume(), r.statusCode === 200), () => false);
    if (!ready) await new Promise((r) => setTimeout(r, 10));
  }
  const request = { method: 'POST' as const, path: '/0.1/token', headers: { authorization: `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`, 'content-type': 'application/json' }, body: '{"expiration": 60}' };
  // Warm-up: compile the validators and let the JIT settle.
  for (let i = 0; i < 200; i++) await pool.request(request).then((r) => r.body.dump());
  const statuses = new Map<number, number>();
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const response = await pool.request(request);
        await response.body.dump();
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const ok = statuses.get(200) ?? 0;
  process.stdout.write(
    `POST /0.1/token: ${(ok / elapsed).toFixed(0)} requests/s (200s: ${ok} in ${elapsed.toFixed(1)} s, ${connections} connections` +
      `${extra.length ? `, mock ${extra.join(' ')}` : ''}); statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`,
  );
} finally {
  await pool.close();
  child.kill('SIGTERM');
}

/**
 * Start-up benchmark: time from spawning `node --import tsx mock/main.ts --port P` to its first
 * successful answer (HEAD /0.1/status → 200), median of N runs (default 5). 127.0.0.1 only.
 *
 *   node --import tsx mock/bench/startup.ts [runs] [extra mock options...]
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 5);
const extra = process.argv.slice(3);
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function head(port: number): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request({ host: '127.0.0.1', port, method: 'HEAD', path: '/0.1/status', agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.end();
  });
}

async function once(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', String(port), '--log-level', 'error', ...extra], { stdio: 'ignore' });
  try {
    while (performance.now() - started < 30_000) {
      if ((await head(port)) === 200) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('the mock did not answer within 30 s');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const times: number[] = [];
for (let i = 0; i < runs; i++) times.push(await once());
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
process.stdout.write(`start-up to first answer over ${runs} runs: median ${median.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}) [${times.map((t) => t.toFixed(0)).join(', ')}]\n`);

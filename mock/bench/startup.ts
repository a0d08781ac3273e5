/**
 * Start-up benchmark: time from spawning `node --import tsx mock/main.ts --port P` to its first
 * successful answer (HEAD /0.1/status → 200), median of N runs (default 5). 127.0.0.1 only.
 *
 *   node --import tsx mock/bench/startup.ts [runs] [extra mock options...]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/**
 * CPU time (user + system, ms) a process has used, from /proc (Linux): unlike wall time it barely
 * depends on what else the machine is doing.
 */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

async function once(): Promise<{ wall: number; cpu: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', String(port), '--log-level', 'error', ...extra], { stdio: 'ignore' });
  try {
    while (performance.now() - started < 30_000) {
      if ((await head(port)) === 200) return { wall: performance.now() - started, cpu: cpuMs(child.pid) };
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('the mock did not answer within 30 s');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const results: { wall: number; cpu: number }[] = [];
for (let i = 0; i < runs; i++) results.push(await once());
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const walls = results.map((r) => r.wall);
const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
process.stdout.write(
  `start-up to first answer over ${runs} runs: median ${median(walls).toFixed(0)} ms wall ` +
    `(min ${Math.min(...walls).toFixed(0)}, max ${Math.max(...walls).toFixed(0)}) [${walls.map((t) => t.toFixed(0)).join(', ')}]; ` +
    `median ${median(results.map((r) => r.cpu)).toFixed(0)} ms CPU in the mock process; load average ${load}\n`,
);

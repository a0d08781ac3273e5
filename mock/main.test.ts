/** The command as a process: banner, an answer, a clean stop on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { main } from './main.ts';
import { rawCall } from './tests/test-support.ts';

test('mock/main.ts starts, prints where it listens and its users (no passwords), answers, stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url)), '--port', '0', '--tls', 'off'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test' },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const waitFor = async (pattern: RegExp) => {
    const deadline = Date.now() + 15_000;
    while (!pattern.test(output) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 25));
  };
  try {
    await waitFor(/Ctrl-C to stop/);
    const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\/0\.1/.exec(output)?.[1]);
    assert.ok(port > 0, output);
    assert.match(output, /\/api\/auth\/0\.1/);
    assert.match(output, /admin \(internal\), alice \(user\)/);
    assert.doesNotMatch(output, /alice-pw|admin-secret/);
    assert.equal((await rawCall(port, 'HEAD', '/0.1/status')).status, 200);
    await rawCall(port, 'POST', '/0.1/token', { headers: { Authorization: `Basic ${Buffer.from('alice:alice-pw').toString('base64')}` }, body: '{}' });
    await waitFor(/POST \/0\.1\/token 200/);
    assert.match(output, /POST \/0\.1\/token 200 [\d.]+ms/, 'one line per request');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.doesNotMatch(output, /alice-pw|YWxpY2U6|Authorization/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('a bad option sets exit status 2 and prints a hint', async () => {
  const write = process.stderr.write.bind(process.stderr);
  let error = '';
  process.stderr.write = ((chunk: string | Uint8Array) => ((error += String(chunk)), true)) as typeof process.stderr.write;
  try {
    await main(['--tls', 'maybe']);
  } finally {
    process.stderr.write = write;
  }
  assert.equal(process.exitCode, 2);
  process.exitCode = 0;
  assert.match(error, /--tls: "maybe" is not one of auto, on, off/);
});

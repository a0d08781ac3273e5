import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/wazo-auth-kit.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 30_000 });

test('--version prints the package version; --help lists the commands', () => {
  const version = run('--version');
  assert.equal(version.status, 0);
  assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
  const help = run('--help');
  assert.equal(help.status, 0);
  for (const command of ['mock', 'test', 'compare', 'proxy']) assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
});

test('an unknown command and a bad mock option exit 2 with one line', () => {
  const unknown = run('bogus');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "bogus"/);
  const badMock = run('mock', '--tls', 'nope');
  assert.equal(badMock.status, 2);
  assert.equal(badMock.stderr.trim().split('\n').length, 1, badMock.stderr);
});

test('wazo-auth-kit mock runs from a cached JavaScript bundle and answers', async () => {
  const { spawn } = await import('node:child_process');
  const { readdirSync } = await import('node:fs');
  const child = spawn(process.execPath, [bin, 'mock', '--port', '0', '--tls', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /(http:\/\/127\.0\.0\.1:\d+)\/0\.1/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const status = await fetch(`${url}/0.1/status`, { method: 'HEAD' });
    assert.equal(status.status, 200);
    const cache = fileURLToPath(new URL('../node_modules/.cache/wazo-auth-kit/', import.meta.url));
    assert.ok(readdirSync(cache).some((f) => /^mock-[0-9a-f]{16}\.mjs$/.test(f)), 'the bundle is cached');
  } finally {
    child.kill('SIGTERM');
  }
});

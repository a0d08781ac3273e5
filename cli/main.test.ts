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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from './errors.ts';
import { resolveFuzzOptions, type FuzzCliOptions } from './fuzz-options.ts';
import { fuzzSettings } from '../fuzz/settings.ts';

const resolve = (argv: string[], env: NodeJS.ProcessEnv = {}) => resolveFuzzOptions(argv, env, () => 123) as FuzzCliOptions;
const fails = (argv: string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}) =>
  assert.throws(() => resolveFuzzOptions(argv, env, () => 1), (e: unknown) => e instanceof UsageError && e.exitCode === 2 && pattern.test(e.message));

test('the embedded mock: 10 000 requests, unpaced, a random seed', () => {
  const o = resolve([]);
  assert.equal(o.url, undefined);
  assert.equal(o.count, 10_000);
  assert.equal(o.rate, 0);
  assert.equal(o.seed, 123);
  assert.equal(o.seedGiven, false);
  assert.equal(o.timeoutMs, 5_000);
});

test('a remote host: few requests, 5 per second; a local one is not paced', () => {
  const remote = resolve(['--url', 'https://wazo.example.com/api/auth/0.1', '--username', 'alice', '--password-env', 'PW'], { PW: 'secret' });
  assert.equal(remote.count, 500);
  assert.equal(remote.rate, 5);
  assert.deepEqual(remote.user, { username: 'alice', password: 'secret' });
  const local = resolve(['--url', 'http://127.0.0.1:9497/0.1'], { WAZO_USERNAME: 'alice', WAZO_PASSWORD: 'x' });
  assert.equal(local.rate, 0);
  assert.equal(resolve(['--url', 'https://wazo.example.com/api/auth/0.1', '--rate', '0'], { WAZO_USERNAME: 'a', WAZO_PASSWORD: 'x' }).notes.length, 1, 'a note about unpaced runs on a shared host');
});

test('seed, count, time budget, timeout, rate and admin from flags and variables', () => {
  const o = resolve(['--seed', '42', '--count', '20', '--time-budget', '30', '--timeout', '2.5', '--rate', '3', '--url', 'http://10.0.0.1/0.1', '--admin-username', 'root', '--admin-password-env', 'APW'], {
    WAZO_USERNAME: 'alice',
    WAZO_PASSWORD: 'pw',
    APW: 'root-pw',
  });
  assert.deepEqual([o.seed, o.seedGiven, o.count, o.timeBudgetMs, o.timeoutMs, o.rate], [42, true, 20, 30_000, 2_500, 3]);
  assert.deepEqual(o.admin, { username: 'root', password: 'root-pw' });
  assert.equal(resolve([], { WAZO_KIT_FUZZ_SEED: '9' }).seed, 9);
});

test('bad values say what to fix', () => {
  fails(['--seed', 'abc'], /--seed takes a whole number/);
  fails(['--seed', String(2 ** 32)], /between 0 and/);
  fails(['--count', '0'], /between 1/);
  fails(['--time-budget=-1'], /seconds/);
  fails(['--time-budget', 'soon'], /seconds/);
  fails(['--url', 'http://h/0.1'], /needs a user account|a target needs a user/);
  fails(['--url', 'h'], /not a URL/);
  fails(['--username', 'alice'], /needs its password/);
  fails(['--password-env', 'NOPE'], /not set/);
  fails(['--bogus'], /Unknown option/);
  assert.equal(resolveFuzzOptions(['--help']), 'help');
});

test('the suite\'s settings: off without WAZO_KIT_FUZZ; the defaults follow the target', () => {
  assert.equal(fuzzSettings({}, { baseURL: 'http://127.0.0.1:1/0.1', embeddedMock: true }), undefined);
  const mock = fuzzSettings({ WAZO_KIT_FUZZ: 'default', WAZO_KIT_FUZZ_SEED: '5' }, { baseURL: 'http://127.0.0.1:1/0.1', embeddedMock: true })!;
  assert.deepEqual([mock.count, mock.seed, mock.rate], [10_000, 5, 0]);
  const remote = fuzzSettings({ WAZO_KIT_FUZZ: '40' }, { baseURL: 'https://wazo.example.com/api/auth/0.1', embeddedMock: false })!;
  assert.deepEqual([remote.count, remote.rate, remote.timeoutMs], [40, 5, 15_000]);
  assert.throws(() => fuzzSettings({ WAZO_KIT_FUZZ: 'x' }, { baseURL: 'http://127.0.0.1:1/0.1', embeddedMock: true }), /must be a number/);
});

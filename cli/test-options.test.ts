import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from './errors.ts';
import { resolveTestOptions, type TestOptions } from './test-options.ts';

const resolve = (argv: string[], env: NodeJS.ProcessEnv = {}) => resolveTestOptions(argv, env, '/work/here') as TestOptions;
const fails = (argv: string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}) =>
  assert.throws(() => resolveTestOptions(argv, env, '/w'), (e: unknown) => e instanceof UsageError && e.exitCode === 2 && pattern.test(e.message));

test('no flag: the embedded mock, reports in ./reports, nothing else set', () => {
  const o = resolve([]);
  assert.equal(o.url, undefined);
  assert.equal(o.urlSource, 'mock');
  assert.equal(o.reportsDir, '/work/here/reports');
  assert.equal(o.env.WAZO_AUTH_URL, undefined);
  assert.equal(o.env.WAZO_KIT_REPORTS_DIR, '/work/here/reports');
  assert.ok('WAZO_KIT_STRICT' in o.env && o.env.WAZO_KIT_STRICT === undefined, 'a strict setting left in the environment is removed');
});

test('flags map onto the suite\'s variables; passwords come from the named variables', () => {
  const o = resolve(
    ['--url', 'https://wazo.example.com/api/auth/0.1/', '--username', 'alice', '--password-env', 'PW', '--admin-username', 'root', '--admin-password-env', 'APW', '--insecure', '--strict', '--grep', 'TOKEN-', '--expect-failures', 'hosts/x.yaml', '--reports', 'out'],
    { PW: 'user-secret', APW: 'admin-secret' },
  );
  assert.deepEqual(o.env, {
    WAZO_AUTH_URL: 'https://wazo.example.com/api/auth/0.1',
    WAZO_USERNAME: 'alice',
    WAZO_PASSWORD: 'user-secret',
    WAZO_ADMIN_USERNAME: 'root',
    WAZO_ADMIN_PASSWORD: 'admin-secret',
    WAZO_INSECURE: '1',
    WAZO_KIT_STRICT: '1',
    WAZO_KIT_REPORTS_DIR: '/work/here/out',
    WAZO_KIT_EXPECT_FAILURES: '/work/here/hosts/x.yaml',
    WAZO_KIT_GREP: 'TOKEN-',
    WAZO_KIT_CALLER_CWD: '/work/here',
  });
  assert.deepEqual(o.user, { username: 'alice', password: 'user-secret' });
  assert.deepEqual(o.admin, { username: 'root', password: 'admin-secret' });
  assert.equal(o.notes.length, 0);
});

test('the environment is used when a flag is absent (a CI job exports the variables)', () => {
  const o = resolve([], { WAZO_AUTH_URL: 'http://10.0.0.5:9497/0.1', WAZO_USERNAME: 'alice', WAZO_PASSWORD: 'pw', WAZO_INSECURE: '1' });
  assert.equal(o.url, 'http://10.0.0.5:9497/0.1');
  assert.equal(o.urlSource, 'environment');
  assert.deepEqual(o.user, { username: 'alice', password: 'pw' });
  assert.equal(o.insecure, true);
});

test('--password works but says it is visible, without repeating it', () => {
  const o = resolve(['--username', 'alice', '--password', 'p4ss']);
  assert.equal(o.env.WAZO_PASSWORD, 'p4ss');
  assert.equal(o.notes.length, 1);
  assert.doesNotMatch(o.notes[0]!, /p4ss/);
});

test('what comes after -- goes to playwright test unchanged', () => {
  assert.deepEqual(resolve(['--', '--workers', '1', '--retries=1']).playwrightArgs, ['--workers', '1', '--retries=1']);
});

test('--help is recognised', () => {
  assert.equal(resolveTestOptions(['-h'], {}), 'help');
});

test('a target without a user account is reported after the reachability check', () => {
  const o = resolve(['--url', 'http://127.0.0.1:1/0.1']);
  assert.match(o.missingUser ?? '', /a target needs a user account: add --username U --password-env VAR/);
});

test('bad flags are usage errors that say what to fix', () => {
  fails(['--urll', 'x'], /Unknown option '--urll'; run "wazo-auth-kit test --help"/);
  fails(['extra'], /Unexpected argument 'extra'/);
  fails(['--url'], /--url/);
  fails(['--url', 'wazo.example.com'], /--url is not a URL/);
  fails(['--url', 'ftp://x/0.1'], /must start with http:\/\/ or https:\/\//);
  fails(['--url', 'https://alice:pw@x/0.1'], /must not carry credentials: pass them with --username and --password-env/);
  fails(['--url', 'https://x'], /has no version prefix/);
  fails([], /WAZO_AUTH_URL has no version prefix/, { WAZO_AUTH_URL: 'http://x:9497' });
  fails(['--username', 'alice', '--password-env', 'NOPE'], /--password-env NOPE: that variable is not set or is empty; export NOPE first/);
  fails(['--username', 'alice', '--password-env', 'hunter2!'], /takes the NAME of a variable/);
  fails(['--username', 'alice', '--password', 'a', '--password-env', 'PW'], /either --password or --password-env/, { PW: 'x' });
  fails(['--username', 'alice'], /--username alice needs its password/);
  fails(['--password', 'x'], /a password was given without a user/);
  fails(['--admin-username', 'root'], /--admin-username root needs its password/);
  fails(['--admin-password-env', 'APW'], /--admin-password-env was given without --admin-username/, { APW: 'x' });
  fails(['--username', 'alice', '--password', 'x', '--admin-username', 'alice', '--admin-password-env', 'APW'], /must be another account/, { APW: 'y' });
  fails(['--grep', ' '], /--grep needs a pattern/);
});

test('--wazo-version (or WAZO_VERSION) is resolved and handed to the suite; an unknown release is a usage error', () => {
  const given = resolveTestOptions(['--wazo-version', 'wazo-25.01'], {}, '/w');
  assert.ok(given !== 'help');
  assert.equal(given.wazoVersion, '25.01');
  assert.equal(given.env.WAZO_VERSION, '25.01');
  const fromEnv = resolveTestOptions([], { WAZO_VERSION: 'master' }, '/w');
  assert.ok(fromEnv !== 'help');
  assert.equal(fromEnv.wazoVersion, 'master');
  const none = resolveTestOptions([], {}, '/w');
  assert.ok(none !== 'help');
  assert.equal(none.wazoVersion, undefined);
  fails(['--wazo-version', '27.01'], /--wazo-version 27\.01 is not a supported wazo-auth release: give one of 24\.01 – master/);
});

test('--fuzz [N]: off by default; on with a count, with the default, or with --fuzz=N; --fuzz-seed replays', () => {
  assert.equal(resolve([]).env.WAZO_KIT_FUZZ, undefined);
  assert.equal(resolve(['--fuzz']).env.WAZO_KIT_FUZZ, 'default');
  assert.equal(resolve(['--fuzz', '2000', '--strict']).env.WAZO_KIT_FUZZ, '2000');
  const o = resolve(['--fuzz', '--strict']);
  assert.equal(o.env.WAZO_KIT_FUZZ, 'default');
  assert.equal(o.strict, true, 'a flag after --fuzz is not taken for its count');
  assert.equal(resolve(['--fuzz=50', '--fuzz-seed', '77']).env.WAZO_KIT_FUZZ_SEED, '77');
  assert.deepEqual(resolve(['--fuzz', '--', '--fuzz']).playwrightArgs, ['--fuzz'], 'after -- it is Playwright\'s');
  fails(['--fuzz=many'], /--fuzz takes a number/);
  fails(['--fuzz', '0'], /at least 1/);
  fails(['--fuzz-seed', '5'], /add --fuzz/);
  fails(['--fuzz', '--fuzz-seed', 'x'], /whole number/);
});

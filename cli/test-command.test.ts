/**
 * End to end: `wazo-auth-kit test` as a user runs it, against the mock behind a recording proxy that
 * sees every password and token crossing the wire (cli/testing/recording-proxy.ts). Checks the exit
 * statuses, the five reports, that a broken rule is named with its evidence, that Ctrl-C still cleans
 * up, and that no secret the proxy saw appears in anything the run wrote or printed.
 *
 * The runs share the mock and run one after another (node:test runs a file's tests in order).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './playwright-run.ts';
import type { ConformanceResult } from './report/model.ts';
import { validateResult } from './report/schema.ts';
import { startMock, type MockProcess } from './testing/mock-process.ts';
import { startRecordingProxy, type RecordingProxy } from './testing/recording-proxy.ts';
import { findSecrets, textsOf, textsUnder, type Secret } from './testing/secret-scan.ts';

const BIN = join(REPO_ROOT, 'bin', 'wazo-auth-kit.js');
const USER_PW = 'alice-pw';
const ADMIN_PW = 'admin-secret';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment of a run: none of the caller's WAZO_* settings, the passwords in two variables. */
function runEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WAZO_')));
  return { ...env, NO_COLOR: '1', T_USER_PW: USER_PW, T_ADMIN_PW: ADMIN_PW, ...extra };
}

/** Runs the CLI; `onStdout` sees the output as it comes (to interrupt at the right time). */
function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; onStdout?: (all: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? runEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    options.onStdout?.(stdout, child);
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) })));
}

const scratch = (name: string) => mkdtempSync(join(tmpdir(), `wak-${name}-`));
const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as ConformanceResult;
const requirement = (r: ConformanceResult, id: string) => r.requirements.find((x) => x.id === id)!;
/** Flags of a run through the proxy, with its own reports, Playwright output and cleanup directories. */
const targetFlags = (proxy: RecordingProxy, dir: string, admin = true) => [
  '--url',
  `${proxy.origin}/0.1`,
  '--username',
  'alice',
  '--password-env',
  'T_USER_PW',
  ...(admin ? ['--admin-username', 'admin', '--admin-password-env', 'T_ADMIN_PW'] : []),
  '--reports',
  join(dir, 'reports'),
];
const isolated = (dir: string) => ['--', '--output', join(dir, 'playwright-output')];

/**
 * Access tokens seen by the proxy that the mock still accepts: what a run left behind. Those expiring
 * within `graceSeconds` are counted apart (`shortLived`): the suite's cleanup obtains 60-second tokens
 * through refresh grants, and one caught by Ctrl-C between the grant and its DELETE expires on its own.
 */
async function leftBehind(mock: MockProcess, tokens: Iterable<string>, graceSeconds = 0): Promise<{ longLived: number; shortLived: number }> {
  const out = { longLived: 0, shortLived: 0 };
  for (const token of tokens) {
    const res = await fetch(`${mock.origin}/0.1/token/${token}`);
    if (res.status !== 200) continue;
    const { data } = (await res.json()) as { data: { utc_expires_at: string } };
    const remaining = (Date.parse(`${data.utc_expires_at}Z`) - Date.now()) / 1000;
    if (remaining <= graceSeconds) out.shortLived++;
    else out.longLived++;
  }
  return out;
}

let mock: MockProcess;
before(async () => {
  mock = await startMock();
});
after(async () => {
  await mock?.stop();
});

test('an unreachable target exits 2 with one line saying what to fix', async () => {
  const run = await cli(['test', '--url', 'http://127.0.0.1:1/0.1']);
  assert.equal(run.code, 2);
  assert.equal(run.stdout, '');
  assert.deepEqual(run.stderr.trim().split('\n'), ['wazo-auth-kit: cannot reach http://127.0.0.1:1/0.1: connection refused; check the host and port of --url and that the server is running']);
});

test('usage errors exit 2 with one line, before anything runs', async () => {
  const cases: [string[], RegExp][] = [
    [['test', '--urll', 'x'], /^wazo-auth-kit: Unknown option '--urll'; run "wazo-auth-kit test --help"/],
    [['test', '--url', 'http://127.0.0.1:1/0.1', '--username', 'alice', '--password-env', 'NOT_SET_ANYWHERE'], /--password-env NOT_SET_ANYWHERE: that variable is not set/],
    [['test', '--url', 'http://127.0.0.1:9497'], /has no version prefix/],
    [['test', '--grep', ''], /--grep needs a pattern/],
    [['compare', 'only-one.json'], /compare takes two conformance.json files/],
    [['nope'], /unknown command "nope"/],
  ];
  const runs = await Promise.all(cases.map(([args]) => cli(args)));
  for (const [i, [args, message]] of cases.entries()) {
    const run = runs[i]!;
    assert.equal(run.code, 2, args.join(' '));
    assert.equal(run.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});

test('--help works on every command', async () => {
  const commands = [['--help'], ['test', '--help'], ['compare', '--help'], ['mock', '--help']];
  const runs = await Promise.all(commands.map((args) => cli(args)));
  for (const [i, run] of runs.entries()) {
    assert.equal(run.code, 0, commands[i]!.join(' '));
    assert.match(run.stdout, /Usage|usage/);
  }
});

test('rejected credentials exit 2 with one line naming the flags to fix', async () => {
  const proxy = await startRecordingProxy(mock.origin);
  try {
    const run = await cli(['test', ...targetFlags(proxy, scratch('creds'), false)], { env: runEnv({ T_USER_PW: 'wrong-password' }) });
    assert.equal(run.code, 2);
    assert.deepEqual(run.stderr.trim().split('\n'), [
      `wazo-auth-kit: ${proxy.origin}/0.1 rejected the credentials of "alice" (401 Authentication Failed); check --username and --password-env`,
    ]);
    assert.doesNotMatch(run.stderr, /wrong-password/);
  } finally {
    await proxy.close();
  }
});

test('an unknown ID in --expect-failures exits 2 naming it', async () => {
  const dir = scratch('xf');
  const file = join(dir, 'host.yaml');
  writeFileSync(file, 'expected-failures:\n  - id: STATUS-HAED\n    reason: typo\n');
  const run = await cli(['test', '--expect-failures', file]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /entry 1: unknown requirement ID "STATUS-HAED" \(did you mean STATUS-HEAD\?\)/);
});

test('a full run exits 0, writes the five reports, and no password or token appears anywhere', async () => {
  const proxy = await startRecordingProxy(mock.origin);
  const dir = scratch('full');
  const cleanupDir = join(dir, 'cleanup');
  let run: Run;
  try {
    run = await cli(['test', ...targetFlags(proxy, dir), ...isolated(dir)], { env: runEnv({ WAZO_KIT_CLEANUP_DIR: cleanupDir }) });
  } finally {
    await proxy.close();
  }
  assert.equal(run.code, 0, `exit 0 expected; last output:\n${run.stdout.slice(-1500)}\n${run.stderr.slice(-800)}`);
  const reports = join(dir, 'reports');
  for (const file of ['conformance.json', 'conformance.md', 'conformance.html', 'junit.xml', 'html/index.html']) {
    assert.ok(existsSync(join(reports, file)), `${file} written`);
  }
  const result = readResult(reports);
  assert.deepEqual(validateResult(result), []);
  assert.equal(result.target.url, `${proxy.origin}/0.1`);
  assert.equal(result.gate.exitCode, 0);
  assert.equal((readFileSync(join(reports, 'junit.xml'), 'utf8').match(/<testcase /g) ?? []).length, result.summary.tests);
  assert.match(run.stdout, /✓ \[\s*\d+\/\d+\] [A-Z]+-[A-Z0-9-]+/, 'progress lines show requirement IDs');
  assert.match(run.stdout, /Gate: PASS/);
  console.log(`# full run through the proxy: ${run.ms} ms wall, ${result.summary.tests} tests, ${proxy.requests} requests`);

  // The scan must be able to fail: the proxy saw the secrets, and the HTML report's embedded data is read.
  const secrets: Secret[] = [
    ...[...proxy.passwords].map((value, i) => ({ label: `password #${i + 1}`, value })),
    // Only Basic values that carry a password: the suite also sends deliberately broken ones ("!!!notbase64").
    ...[...proxy.basicHeaders]
      .filter((b64) => [...proxy.passwords].some((p) => Buffer.from(b64, 'base64').toString('utf8').includes(p)))
      .map((value, i) => ({ label: `Basic credentials #${i + 1}`, value })),
    ...[...proxy.tokens].filter((t) => t.length >= 16).map((value, i) => ({ label: `token #${i + 1} (…${value.slice(-8)})`, value })),
  ];
  assert.ok(proxy.passwords.has(USER_PW) && proxy.passwords.has(ADMIN_PW), 'the configured passwords crossed the proxy');
  assert.ok(proxy.passwords.size >= 3, 'throwaway users\' passwords were seen too');
  assert.ok(proxy.tokens.size >= 50, `many tokens were seen (${proxy.tokens.size})`);
  const texts = [
    ...textsUnder(reports),
    ...textsUnder(cleanupDir),
    ...textsUnder(join(dir, 'playwright-output')),
    ...textsOf('stdout', Buffer.from(run.stdout)),
    ...textsOf('stderr', Buffer.from(run.stderr)),
  ];
  assert.ok(
    texts.some((t) => t.source.includes('index.html!embedded/') && t.text.includes('TOKEN-BASIC-AUTH')),
    'the HTML report\'s embedded data was opened and scanned',
  );
  assert.deepEqual(findSecrets(texts, secrets), []);
  assert.ok(findSecrets([{ source: 'canary', text: `x ${[...proxy.accessTokens][0]} y` }], secrets).length > 0, 'the scanner finds a planted token');

  assert.deepEqual(await leftBehind(mock, proxy.accessTokens), { longLived: 0, shortLived: 0 }, 'every access token the run obtained was deleted');
});

test('against a server that breaks a rule: exit 1, and JSON, JUnit and HTML name it with its evidence', async () => {
  // HEAD /status answered 503 instead of 200 (STATUS-HEAD; obs. 12a).
  const proxy = await startRecordingProxy(mock.origin, [{ matches: (m, p) => m === 'HEAD' && p.endsWith('/status'), status: 503 }]);
  const dir = scratch('broken');
  let run: Run;
  try {
    run = await cli(['test', ...targetFlags(proxy, dir), '--grep', 'STATUS-HEAD', ...isolated(dir)], { env: runEnv({ WAZO_KIT_CLEANUP_DIR: join(dir, 'cleanup') }) });
  } finally {
    await proxy.close();
  }
  assert.equal(run.code, 1, run.stdout.slice(-1500));
  const reports = join(dir, 'reports');
  const result = readResult(reports);
  assert.deepEqual(validateResult(result), []);
  const status = requirement(result, 'STATUS-HEAD');
  assert.equal(status.status, 'failed');
  const evidence = status.findings[0]!.evidence.at(-1)!;
  assert.equal(evidence.status, 503);
  assert.match(String(evidence.request), /^HEAD \/0\.1\/status/);
  assert.match(result.gate.reason, /STATUS-HEAD/);
  const junit = readFileSync(join(reports, 'junit.xml'), 'utf8');
  assert.match(junit, /<failure message="[^"]*HEAD \/0\.1\/status → 503[^"]*" type="STATUS-HEAD">/);
  const html = readFileSync(join(reports, 'conformance.html'), 'utf8');
  assert.match(html, /<a class="cell s-failed sev-must" href="#req-STATUS-HEAD"/);
  assert.match(html, /id="req-STATUS-HEAD"[^>]*open>[^]*?<dt>request<\/dt><dd>HEAD \/0\.1\/status<\/dd><dt>status<\/dt><dd>503<\/dd>/);
  assert.match(readFileSync(join(reports, 'conformance.md'), 'utf8'), /\| `STATUS-HEAD` \| must \|/);
  assert.match(run.stdout, /✗ \[1\/1\] STATUS-HEAD/);
});

test('expected failures: listed ones that fail are reported as such and do not fail the gate', async () => {
  const dir = scratch('expected');
  const file = join(dir, 'host.yaml');
  writeFileSync(file, 'expected-failures:\n  - id: STATUS-HEAD\n    reason: the load balancer answers HEAD itself\n  - id: SPEC-RESPONSES-CONFORM\n    reason: same cause\n');
  const broken = await startRecordingProxy(mock.origin, [{ matches: (m, p) => m === 'HEAD' && p.endsWith('/status'), status: 503 }]);
  let run: Run;
  try {
    run = await cli(['test', ...targetFlags(broken, dir), '--grep', 'STATUS-HEAD', '--expect-failures', file, ...isolated(dir)], {
      env: runEnv({ WAZO_KIT_CLEANUP_DIR: join(dir, 'cleanup') }),
    });
  } finally {
    await broken.close();
  }
  assert.equal(run.code, 0, run.stdout.slice(-1500));
  const result = readResult(join(dir, 'reports'));
  assert.equal(requirement(result, 'STATUS-HEAD').status, 'expected-failure');
  assert.equal(requirement(result, 'STATUS-HEAD').reason, 'the load balancer answers HEAD itself');
  assert.equal(requirement(result, 'STATUS-HEAD').findings[0]?.evidence.at(-1)?.status, 503, 'the evidence is kept');
  assert.match(readFileSync(join(dir, 'reports', 'junit.xml'), 'utf8'), /<skipped message="expected failure: the load balancer answers HEAD itself"\/>/);
  assert.match(run.stdout, /Expected failures:\n {2}STATUS-HEAD \(must\)/);
});

test('the default command targets the embedded mock from any directory; an expected failure that passes is flagged', async () => {
  const dir = scratch('default');
  writeFileSync(join(dir, 'host.yaml'), 'expected-failures:\n  - id: STATUS-HEAD\n    reason: fixed since?\n');
  // Relative paths are taken from the caller's directory, not the kit's.
  const args = ['test', '--grep', 'STATUS-HEAD', '--reports', 'out', '--expect-failures', 'host.yaml'];
  const env = runEnv({ WAZO_KIT_CLEANUP_DIR: join(dir, 'cleanup') });
  let run = await cli(args, { cwd: dir, env });
  assert.equal(run.code, 0, run.stdout.slice(-1500) + run.stderr);
  const result = readResult(join(dir, 'out'));
  assert.equal(result.target.embeddedMock, true);
  assert.match(String(result.target.url), /^http:\/\/127\.0\.0\.1:\d+\/0\.1$/);
  assert.equal(requirement(result, 'STATUS-HEAD').status, 'passed');
  assert.equal(requirement(result, 'STATUS-HEAD').expectedFailure?.nowPasses, true);
  assert.equal(requirement(result, 'USERS-CREATE').reason, 'no test selected by --grep "STATUS-HEAD"');
  assert.ok(existsSync(join(dir, 'out', 'html', 'index.html')));
  assert.match(run.stdout, /Expected to fail but passed — remove them from host\.yaml:\n {2}STATUS-HEAD/);
  assert.match(readFileSync(join(dir, 'out', 'conformance.md'), 'utf8'), /Expected failures that now pass \(remove them from host\.yaml\)/);

  // --strict does not let stale entries pile up.
  run = await cli([...args, '--strict'], { cwd: dir, env });
  assert.equal(run.code, 1);
  assert.match(readResult(join(dir, 'out')).gate.reason, /--strict: .*STATUS-HEAD \(expected to fail, passes\)/);
});

let afterInterrupt: { longLived: number; shortLived: number } | undefined;

test('Ctrl-C stops the run with exit 130; the reporter still writes the (interrupted) reports', async () => {
  const proxy = await startRecordingProxy(mock.origin);
  const dir = scratch('sigint');
  let sent = false;
  let run: Run;
  try {
    run = await cli(['test', ...targetFlags(proxy, dir), ...isolated(dir)], {
      env: runEnv({ WAZO_KIT_CLEANUP_DIR: join(dir, 'cleanup') }),
      onStdout: (all, child) => {
        // Interrupt in the middle of the run, with tests in flight.
        if (!sent && /\[\s*15\/\d+\]/.test(all)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
  } finally {
    await proxy.close();
  }
  assert.ok(sent, 'the run was interrupted mid-way');
  assert.equal(run.code, 130, run.stdout.slice(-1500) + run.stderr);
  assert.match(run.stderr, /interrupted; letting the suite delete what it created/);
  const result = readResult(join(dir, 'reports'));
  assert.equal(result.run.status, 'interrupted');
  assert.equal(result.gate.exitCode, 130);
  assert.ok(proxy.accessTokens.size > 0);
  afterInterrupt = await leftBehind(mock, proxy.accessTokens, 60);
});

test(
  'after Ctrl-C, every access token the run obtained is deleted (or expires within a minute)',
  // A request in flight when the worker stops must still get its token recorded and deleted: the `api`
  // fixture waits for calls under way before the cleanup fixture runs (suites/api.ts `settle`).
  () => {
    assert.ok(afterInterrupt, 'the Ctrl-C run happened');
    assert.equal(afterInterrupt.longLived, 0, `${afterInterrupt.longLived} long-lived access token(s) left on the target`);
  },
);

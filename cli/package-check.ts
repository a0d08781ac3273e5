/**
 * `npm run test:package`: the kit checked as a package, the way a new user gets it (issue 13). It packs
 * the kit (`npm pack`, whose prepack builds dist/), lints the tarball (publint), installs it into an empty
 * project under the temporary directory with nothing in that project's package.json but the tarball (no
 * overrides; npm reaches the registry, or its cache), then runs there:
 *
 *   npx wazo-auth-kit --version            the package's version
 *   npx wazo-auth-kit test                 exit 0 against the embedded mock, reports in that project, nothing
 *                                          written into node_modules/, the @wazo/sdk profile skipped with its reason
 *   npx wazo-auth-kit mock --port 0        answers a login
 *   npx wazo-auth-kit proxy ...            without Prism: exit 2 and the line saying how to install it
 *   npx wazo-auth-kit fuzz --count 300     the fuzz phase (fast-check from the registry) against the embedded
 *                                          mock: exit 0, the seed first and the closing line
 *   node start-mock.mjs                    startMock({ port: 0 }) answers a login, its controls work,
 *                                          close() frees the port; the same file type-checks against the .d.ts
 *   npm i @wazo/sdk (+ the getstats override), then npx wazo-auth-kit test --grep SDK-COMPAT
 *                                          the SDK profile runs and passes once the SDK is installed
 *   npx wazo-auth-kit test --url http://127.0.0.1:PORT/0.1 --grep SDK-COMPAT   (the installed mock, plain HTTP)
 *                                          ... and passes through the kit's TLS relay
 *
 * Any failure ends the run with exit 1 and what failed. `--footprint` packs and installs only, with an
 * empty npm cache (every package from the registry), and prints the figures the README records.
 * `--keep` leaves the temporary project in place.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { publint } from 'publint';
import { PACKAGE_ROOT } from '../spec/package-root.ts';
import { SDK_NOT_INSTALLED } from '../suites/sdk-target.ts';
import type { ConformanceResult } from './report/model.ts';

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  devDependencies: Record<string, string>;
  overrides: Record<string, string>;
};
const footprintOnly = process.argv.includes('--footprint');
const keep = process.argv.includes('--keep');

/** A step failed: its message is the whole story. */
class CheckFailed extends Error {}

/**
 * The environment of every command run in the temporary project: npm's own variables of this script's
 * `npm run` (its local prefix, this package's name and scripts) and the suite's target variables would
 * otherwise make the child npm or the suite act on the clone instead of the new project.
 */
function projectEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_package_|npm_lifecycle_|npm_command$|npm_config_local_prefix$|npm_config_call$|INIT_CWD$|WAZO_)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to its end (bounded by `timeoutMs`) and returns its output. */
function run(command: string, args: string[], cwd: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: options.env ?? projectEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString('utf8')).slice(-200_000)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-200_000)));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const lastLines = (text: string, n = 25) => text.trim().split('\n').slice(-n).join('\n');

function expect(condition: unknown, message: string, output?: Run): asserts condition {
  if (!condition) throw new CheckFailed(output ? `${message}\n--- stdout (end)\n${lastLines(output.stdout)}\n--- stderr (end)\n${lastLines(output.stderr)}` : message);
}

/** Every file below `dir`, relative to it (to see that a run wrote nothing into the installed kit). */
function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

/** `du -sk`, in MB: what the folder takes on disk. */
function diskMb(dir: string): number {
  const du = spawnSync('du', ['-sk', dir], { encoding: 'utf8' });
  return Number(du.stdout.split('\t')[0]) / 1024;
}

function step(name: string, ms: number, note = ''): void {
  console.log(`  ok  ${name} (${(ms / 1000).toFixed(1)} s)${note ? `  ${note}` : ''}`);
}

/** Packs the kit into `dir`; returns the tarball's path and what npm says of it. */
async function pack(dir: string): Promise<{ tarball: string; size: number; unpackedSize: number; files: string[] }> {
  const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], PACKAGE_ROOT, { env: projectEnv(), timeoutMs: 300_000 });
  expect(packed.code === 0, 'npm pack failed (its prepack runs npm run build)', packed);
  // npm prints prepack's output before the JSON on stdout.
  const json = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('\n[') + 1)) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  const info = json[0]!;
  step(`npm pack: ${info.filename}`, packed.ms, `${(info.size / 1024).toFixed(0)} kB, ${info.files.length} files, ${(info.unpackedSize / 1024).toFixed(0)} kB unpacked`);
  return { tarball: join(dir, info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.files.map((f) => f.path) };
}

/** What the tarball must and must not hold. */
function checkFiles(files: string[]): void {
  for (const needed of ['bin/wazo-auth-kit.js', 'dist/index.js', 'dist/index.d.ts', 'dist/mock/start-mock.d.ts', 'dist/cli/main.js', 'dist/mock/main.js', 'dist/playwright.config.js', 'dist/cli/report/reporter.js', 'dist/suites/global-setup.js', 'spec/wazo-auth.yaml', 'spec/requirements.yaml', 'spec/releases.yaml', 'spec/conformance-result.schema.json', 'README.md']) {
    expect(files.includes(needed), `the tarball lacks ${needed}`);
  }
  expect(files.some((f) => f.endsWith('.spec.js')), 'the tarball holds no compiled suite (dist/suites/*.spec.js)');
  const stray = files.filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || /\.test\.|\/tests\/|\/fixtures\/|node_modules\/|^bench\/.*\.ts|^mutation\//.test(f));
  expect(stray.length === 0, `the tarball holds files the package does not need: ${stray.slice(0, 5).join(', ')}`);
}

/** Lints the tarball as the registry would serve it (publint: exports, types, files). */
async function lint(tarball: string): Promise<void> {
  const started = Date.now();
  const data = readFileSync(tarball);
  const { messages } = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer }, level: 'warning' });
  expect(messages.length === 0, `publint: ${messages.map((m) => `${m.type} ${m.code} at ${m.path.join('.')}`).join('; ')}`);
  step('publint: no error or warning', Date.now() - started);
}

/** An empty project with the tarball installed; returns its folder and the install's figures. */
async function install(root: string, tarball: string, cache?: string): Promise<{ app: string; ms: number; mb: number }> {
  const app = join(root, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'wak-package-check', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  const args = ['install', tarball, '--no-audit', '--no-fund', ...(cache ? ['--cache', cache] : ['--prefer-offline'])];
  const installed = await run('npm', args, app, { timeoutMs: 600_000 });
  expect(installed.code === 0, `npm ${args.join(' ')} failed in an empty project`, installed);
  const mb = diskMb(join(app, 'node_modules'));
  step(`npm install <tarball> into an empty project${cache ? ' (empty cache)' : ''}`, installed.ms, `node_modules: ${mb.toFixed(1)} MB`);
  return { app, ms: installed.ms, mb };
}

/** The largest packages of a node_modules folder, for the footprint. */
function largest(nodeModules: string, n: number): string {
  const sizes: [string, number][] = [];
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const path = join(nodeModules, entry);
    if (entry.startsWith('@')) for (const scoped of readdirSync(path)) sizes.push([`${entry}/${scoped}`, diskMb(join(path, scoped))]);
    else sizes.push([entry, diskMb(path)]);
  }
  return sizes
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, mb]) => `${name} ${mb.toFixed(1)} MB`)
    .join(', ');
}

/** Resolves once `port` of 127.0.0.1 can be listened on again. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const basic = `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`;

async function login(url: string): Promise<Response> {
  return fetch(`${url}/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/json' }, body: '{"expiration": 600}' });
}

async function checkVersion(app: string): Promise<void> {
  const version = await run('npx', ['wazo-auth-kit', '--version'], app, { timeoutMs: 60_000 });
  expect(version.code === 0 && version.stdout.trim() === pkg.version, `npx wazo-auth-kit --version should print ${pkg.version}`, version);
  step(`npx wazo-auth-kit --version → ${pkg.version}`, version.ms);
}

async function checkSuite(app: string): Promise<void> {
  const kitDir = join(app, 'node_modules', pkg.name);
  const before = filesBelow(kitDir);
  const suite = await run('npx', ['wazo-auth-kit', 'test'], app, { timeoutMs: 600_000 });
  expect(suite.code === 0, `npx wazo-auth-kit test exited ${suite.code}, not 0`, suite);
  const json = join(app, 'reports', 'conformance.json');
  expect(existsSync(json), 'npx wazo-auth-kit test left no reports/conformance.json in the project', suite);
  for (const file of ['conformance.html', 'conformance.md', 'junit.xml', 'html/index.html']) expect(existsSync(join(app, 'reports', file)), `reports/${file} is missing`);
  const result = JSON.parse(readFileSync(json, 'utf8')) as ConformanceResult;
  expect(result.gate.exitCode === 0, `the gate says ${result.gate.exitCode}: ${result.gate.reason}`);
  const sdk = result.requirements.filter((r) => r.area === 'sdk');
  expect(sdk.length > 0 && sdk.every((r) => r.status === 'skipped' && r.reason === SDK_NOT_INSTALLED), `without @wazo/sdk, the SDK requirements must be skipped with "${SDK_NOT_INSTALLED}": ${sdk.map((r) => `${r.id} ${r.status} ${r.reason ?? ''}`).join('; ')}`);
  const after = filesBelow(kitDir);
  const written = after.filter((f) => !before.includes(f));
  expect(written.length === 0, `the run wrote into node_modules/${pkg.name}: ${written.slice(0, 5).join(', ')}`);
  step('npx wazo-auth-kit test → exit 0', suite.ms, `${result.summary.passed} passed, ${result.summary.skipped} skipped; reports/ in the project, nothing written into node_modules/`);
}

/** Runs `npx wazo-auth-kit mock --port 0 --tls off` in the project for `fn(url)`, then stops it. */
async function withInstalledMock(app: string, fn: (url: string, started: number) => Promise<void>): Promise<void> {
  const started = Date.now();
  const child = spawn('npx', ['wazo-auth-kit', 'mock', '--port', '0', '--tls', 'off'], { cwd: app, env: projectEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    let url: string | undefined;
    for (const deadline = Date.now() + 60_000; !url && Date.now() < deadline; ) {
      url = /http:\/\/127\.0\.0\.1:\d+\/0\.1/.exec(output)?.[0];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(url, `npx wazo-auth-kit mock printed no URL within 60 s:\n${lastLines(output)}`);
    await fn(url, started);
  } finally {
    // Its own process group (npx and the node it runs): SIGTERM stops the mock cleanly.
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
  }
}

async function checkMockCommand(app: string): Promise<void> {
  await withInstalledMock(app, async (url, started) => {
    const answer = await login(url);
    expect(answer.status === 200, `npx wazo-auth-kit mock: POST /token as alice answered ${answer.status}`);
    step('npx wazo-auth-kit mock --port 0 answers a login', Date.now() - started, url);
  });
}

async function checkFuzz(app: string): Promise<void> {
  const fuzz = await run('npx', ['wazo-auth-kit', 'fuzz', '--seed', '7', '--count', '300'], app, { timeoutMs: 180_000 });
  const lines = fuzz.stdout.trim().split('\n');
  expect(fuzz.code === 0 && lines[0] === 'fuzz: seed 7' && /^fuzz: seed 7: 300 requests sent .*: 0 finding\(s\)$/.test(lines.at(-1) ?? ''), 'npx wazo-auth-kit fuzz should print the seed first and end with 300 requests and no finding', fuzz);
  step('npx wazo-auth-kit fuzz --count 300 → exit 0, no finding', fuzz.ms, lines.at(-1));
}

async function checkProxyWithoutPrism(app: string): Promise<void> {
  const proxy = await run('npx', ['wazo-auth-kit', 'proxy', '--target', 'http://127.0.0.1:9/0.1'], app, { timeoutMs: 60_000 });
  expect(proxy.code === 2 && proxy.stderr.includes('npm i -D @stoplight/prism-cli'), 'npx wazo-auth-kit proxy without Prism should exit 2 saying how to install it', proxy);
  step('npx wazo-auth-kit proxy without Prism → exit 2, says how to install it', proxy.ms);
}

/** The JS API from the user's side: a script importing the package by name, and its types. */
async function checkStartMock(app: string): Promise<void> {
  writeFileSync(
    join(app, 'start-mock.mjs'),
    `import { startMock } from 'wazo-auth-kit';
import { startMock as fromSubpath } from 'wazo-auth-kit/mock';
if (fromSubpath !== startMock) throw new Error('wazo-auth-kit/mock exports another startMock');
const mock = await startMock({ port: 0, tls: 'off' });
const login = () => fetch(mock.url + '/token', { method: 'POST', headers: { authorization: '${basic}', 'content-type': 'application/json' }, body: '{"expiration": 600}' });
const first = await login();
if (first.status !== 200) throw new Error('login answered ' + first.status);
const token = (await first.json()).data.token;
mock.advanceClock(601);
const expired = await fetch(mock.url + '/token/' + token);
if (expired.status !== 404) throw new Error('after advanceClock(601), GET /token answered ' + expired.status);
mock.setFault('refresh-tokens-expire', true);
if (!mock.faults().named.find((f) => f.name === 'refresh-tokens-expire').enabled) throw new Error('setFault did not switch the fault on');
mock.reset();
if (mock.state().clock_offset_seconds !== 0) throw new Error('reset() kept the clock offset');
await mock.close();
console.log(JSON.stringify({ port: mock.port, wazoVersion: mock.wazoVersion }));
`,
  );
  const script = await run(process.execPath, ['start-mock.mjs'], app, { timeoutMs: 60_000 });
  expect(script.code === 0, 'the startMock script failed', script);
  const { port, wazoVersion } = JSON.parse(script.stdout.trim().split('\n').pop()!) as { port: number; wazoVersion: string };
  expect(await portIsFree(port), `startMock: port ${port} is still taken after close()`);
  step('startMock({ port: 0 }) answers a login; controls work; close() frees the port', script.ms, `played wazo-auth ${wazoVersion}`);

  // Types, as a strict TypeScript project without @types/node and without skipLibCheck sees them.
  writeFileSync(
    join(app, 'types.ts'),
    `import { startMock, type StartMockOptions, type WazoAuthMock } from 'wazo-auth-kit';
const options: StartMockOptions = { port: 0, tls: 'off', faults: ['refresh-tokens-expire'], users: [{ username: 'carol', password: 'carol-pw' }], wazoVersion: '24.01' };
export const started: Promise<WazoAuthMock> = startMock(options);
// @ts-expect-error not a fault name
export const wrong: StartMockOptions = { faults: ['no-such-fault'] };
`,
  );
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: [] }, files: ['types.ts'] }));
  const tsc = await run(process.execPath, [join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], app, { timeoutMs: 120_000 });
  expect(tsc.code === 0, 'the .d.ts of startMock do not type-check in a strict project', tsc);
  step('the types of startMock check in a strict project (no @types/node, no skipLibCheck)', tsc.ms);
}

/** A user who wants the SDK profile installs @wazo/sdk next to the kit (with the getstats override its git dependency needs). */
async function checkWithSdk(app: string): Promise<void> {
  const file = join(app, 'package.json');
  const project = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  project.overrides = { getstats: pkg.overrides.getstats };
  writeFileSync(file, `${JSON.stringify(project, null, 2)}\n`);
  const sdkVersion = pkg.devDependencies['@wazo/sdk']!;
  const installed = await run('npm', ['install', '-D', `@wazo/sdk@${sdkVersion}`, '--no-audit', '--no-fund', '--prefer-offline'], app, { timeoutMs: 600_000 });
  expect(installed.code === 0, `npm install @wazo/sdk@${sdkVersion} failed`, installed);
  step(`npm install @wazo/sdk@${sdkVersion} (with the getstats override)`, installed.ms);
  const suite = await run('npx', ['wazo-auth-kit', 'test', '--grep', 'SDK-COMPAT', '--reports', 'reports-sdk'], app, { timeoutMs: 600_000 });
  expect(suite.code === 0, `npx wazo-auth-kit test --grep SDK-COMPAT exited ${suite.code}`, suite);
  const result = JSON.parse(readFileSync(join(app, 'reports-sdk', 'conformance.json'), 'utf8')) as ConformanceResult;
  const sdk = result.requirements.filter((r) => r.area === 'sdk');
  expect(sdk.length > 0 && sdk.every((r) => r.status === 'passed'), `with @wazo/sdk installed, every SDK requirement must pass: ${sdk.map((r) => `${r.id} ${r.status}`).join('; ')}`);
  expect(result.sdk?.status === 'compatible', `the SDK verdict is ${result.sdk?.summary}`);
  step(`with @wazo/sdk installed, the SDK profile runs: ${result.sdk!.summary}`, suite.ms);
  // A plain-HTTP target (wazo-auth itself on :9497/0.1): the installed kit's TLS relay carries the SDK.
  await withInstalledMock(app, async (url) => {
    // With the administrator too: a third of the SDK flows (tenants, policies, groups, emails) are administration.
    const args = ['--url', url, '--username', 'alice', '--password-env', 'WAK_PW', '--admin-username', 'admin', '--admin-password-env', 'WAK_APW'];
    const relayed = await run('npx', ['wazo-auth-kit', 'test', ...args, '--grep', 'SDK-COMPAT', '--reports', 'reports-sdk-relay'], app, {
      timeoutMs: 600_000,
      env: { ...projectEnv(), WAK_PW: 'alice-pw', WAK_APW: 'admin-secret' },
    });
    expect(relayed.code === 0, `npx wazo-auth-kit test --url ${url} --grep SDK-COMPAT exited ${relayed.code}`, relayed);
    const viaRelay = JSON.parse(readFileSync(join(app, 'reports-sdk-relay', 'conformance.json'), 'utf8')) as ConformanceResult;
    expect(viaRelay.sdk?.status === 'compatible' && viaRelay.sdk.relay !== undefined, `through the relay, the SDK verdict is ${viaRelay.sdk?.summary} (relay: ${viaRelay.sdk?.relay})`);
    step(`against a plain-HTTP target (${url}), through the kit's TLS relay: ${viaRelay.sdk!.summary}`, relayed.ms);
  });
}

async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'wak-package-'));
  console.log(`wazo-auth-kit ${pkg.version} as a package (in ${root}):`);
  try {
    const packed = await pack(root);
    if (footprintOnly) {
      const { app, ms, mb } = await install(root, packed.tarball, join(root, 'empty-cache'));
      console.log(`\nFootprint: tarball ${(packed.size / 1024).toFixed(0)} kB (${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked);`);
      console.log(`npm install of the tarball into an empty project, empty cache: ${(ms / 1000).toFixed(1)} s, node_modules ${mb.toFixed(1)} MB`);
      console.log(`largest: ${largest(join(app, 'node_modules'), 6)}`);
      return 0;
    }
    checkFiles(packed.files);
    await lint(packed.tarball);
    const { app } = await install(root, packed.tarball);
    await checkVersion(app);
    await checkSuite(app);
    await checkMockCommand(app);
    await checkProxyWithoutPrism(app);
    await checkFuzz(app);
    await checkStartMock(app);
    await checkWithSdk(app);
    console.log('package check: PASS');
    return 0;
  } catch (error) {
    console.error(`package check: FAIL — ${error instanceof CheckFailed ? error.message : ((error as Error).stack ?? String(error))}`);
    return 1;
  } finally {
    if (keep) console.log(`kept ${root}`);
    else if (statSync(root, { throwIfNoEntry: false })) rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = await main();

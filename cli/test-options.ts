/**
 * The flags of `wazo-auth-kit test`, resolved once into the environment of the suite (STYLE.md §5):
 * flag first, then the variable already in the environment, then the suite's default (the embedded
 * mock and its users). Pure: takes argv and an environment, returns a complete object or throws a
 * UsageError whose message says what to fix.
 */
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadReleases } from '../spec/releases.ts';
import { UsageError } from './errors.ts';

/** `wazo-auth-kit test --help`. */
export const TEST_USAGE = `Usage: wazo-auth-kit test [options] [-- <playwright options>]

Runs the conformance suite against a wazo-auth server (default: the embedded mock) and writes the
reports. Exit status: 0 every must requirement passed (skips allowed); 1 a must requirement failed
(or, with --strict, a should); 2 usage error, unreachable target or rejected credentials; 130 interrupted.

Target (each flag overrides the variable in brackets; without --url or WAZO_AUTH_URL the suite
starts the embedded mock and logs in as its users alice and admin):
  --url URL                  base URL with the version prefix, e.g. https://wazo.example.com/api/auth/0.1
                             or http://127.0.0.1:9497/0.1                                  [WAZO_AUTH_URL]
  --username U               a plain user account                                          [WAZO_USERNAME]
  --password-env VAR         name of the variable holding its password                     [WAZO_PASSWORD]
  --password P               its password on the command line (visible in ps and shell history;
                             prefer --password-env)
  --admin-username U         an administrator: unlocks the user-management, password-change and
                             session tests (without it they are skipped)             [WAZO_ADMIN_USERNAME]
  --admin-password-env VAR   name of the variable holding the administrator's password [WAZO_ADMIN_PASSWORD]
  --insecure                 accept a self-signed TLS certificate                         [WAZO_INSECURE=1]
  --wazo-version X           the wazo-auth release the host runs (24.01 … 26.05, master): judge it by
                             that release's rules. Without it the kit infers the releases the host's
                             answers fit and reports them; on the embedded mock, the release it plays
                                                                                           [WAZO_VERSION]

Run:
  --grep PATTERN             only the tests whose title or requirement tag matches (e.g. TOKEN-EXPIRATION,
                             "@REFRESH-")
  --strict                   should requirements (warnings) fail the gate too, as do expected failures
                             that now pass                                              [WAZO_KIT_STRICT=1]
  --expect-failures FILE     YAML listing requirement IDs this host is known to fail, each with a reason
                             (see docs/ci-gate.md); they do not fail the gate      [WAZO_KIT_EXPECT_FAILURES]
  --reports DIR              where the reports go (default ./reports)                 [WAZO_KIT_REPORTS_DIR]
  --fuzz [N]                 add the fuzz phase (off by default): N requests generated from the description
                             (default 10000 on the embedded mock, 500 on a URL), judged as the ROBUST-*
                             requirements, findings with curl lines in the reports; without it those
                             requirements are skipped ("fuzz phase not requested")          [WAZO_KIT_FUZZ]
  --fuzz-seed S              replay the fuzz phase of seed S (printed by each run)     [WAZO_KIT_FUZZ_SEED]
  -h, --help                 this help

Reports: DIR/conformance.html (requirement matrix), conformance.json (described by
spec/conformance-result.schema.json), conformance.md (CI job summary), junit.xml, html/ (Playwright).

Examples:
  wazo-auth-kit test
  wazo-auth-kit test --fuzz 2000
  WAZO_PW=... wazo-auth-kit test --url https://wazo.example.com/api/auth/0.1 --username alice --password-env WAZO_PW
  wazo-auth-kit test --url https://10.0.0.5/api/auth/0.1 --insecure --username alice --password-env WAZO_PW \\
      --admin-username root --admin-password-env WAZO_ADMIN_PW --expect-failures hosts/lab.yaml --strict`;

/** Everything the `test` command needs, resolved. */
export interface TestOptions {
  /** The server under test; undefined means the embedded mock. */
  url?: string;
  urlSource: 'flag' | 'environment' | 'mock';
  user?: { username: string; password: string };
  admin?: { username: string; password: string };
  insecure: boolean;
  /** The release given with --wazo-version (or WAZO_VERSION), resolved; undefined = inferred. */
  wazoVersion?: string;
  strict: boolean;
  grep?: string;
  /** Absolute path. */
  expectFailures?: string;
  /** Absolute path. */
  reportsDir: string;
  /** Given after `--`, passed to `playwright test` as is. */
  playwrightArgs: string[];
  /** Variables to set (string) or remove (undefined) in the suite's environment. */
  env: Record<string, string | undefined>;
  /** Notes for stderr (never containing a secret). */
  notes: string[];
  /** Set when a target is given without a user account: the usage error to raise once it answers. */
  missingUser?: string;
}

const truthy = (v: string | undefined) => ['1', 'true', 'yes'].includes((v ?? '').toLowerCase());

/** Checks a target URL and returns it without a trailing slash; throws a UsageError saying what to fix. */
export function checkUrl(raw: string, from: string): string {
  const example = 'e.g. https://wazo.example.com/api/auth/0.1 or http://127.0.0.1:9497/0.1';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${from} is not a URL: give the base URL of wazo-auth with its version prefix, ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${from} must start with http:// or https:// (${example})`);
  if (url.username || url.password) {
    throw new UsageError(`${from} must not carry credentials: pass them with --username and --password-env`);
  }
  if (url.pathname === '/' || url.pathname === '') {
    throw new UsageError(`${from} has no version prefix: wazo-auth answers under /0.1 (or /api/auth/0.1 behind nginx), ${example}`);
  }
  return raw.replace(/\/+$/, '');
}

/** A password from a flag or from the variable named by `--...-password-env`; throws a UsageError saying what to fix. */
export function password(flagValue: string | undefined, envName: string | undefined, env: NodeJS.ProcessEnv, flag: string, envFlag: string): string | undefined {
  if (flagValue !== undefined && envName !== undefined) throw new UsageError(`give either ${flag} or ${envFlag}, not both`);
  if (envName !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envName)) throw new UsageError(`${envFlag} takes the NAME of a variable (e.g. ${envFlag} WAZO_PW), not a password`);
    const value = env[envName];
    if (value === undefined || value === '') throw new UsageError(`${envFlag} ${envName}: that variable is not set or is empty; export ${envName} first`);
    return value;
  }
  return flagValue;
}

/** The flags naming the target and its accounts, shared by `test` and `fuzz` (node:util parseArgs specs). */
export const TARGET_FLAGS = {
  url: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'password-env': { type: 'string' },
  'admin-username': { type: 'string' },
  'admin-password-env': { type: 'string' },
  insecure: { type: 'boolean' },
} as const;

/** What {@link TARGET_FLAGS} parse to. */
type TargetFlagValues = { url?: string; username?: string; password?: string; 'password-env'?: string; 'admin-username'?: string; 'admin-password-env'?: string; insecure?: boolean };

/**
 * The target and its accounts, from the flags and then the environment, with the same checks for every
 * command. `childEnv` holds what the flags set, for a child process that reads the environment (the
 * suite); `missingUser` is reported by the caller when it sees fit (after the reachability check).
 */
export function resolveTargetFlags(values: TargetFlagValues, env: NodeJS.ProcessEnv) {
  const notes: string[] = [];
  const childEnv: Record<string, string | undefined> = {};

  let url: string | undefined;
  let urlSource: 'flag' | 'environment' | 'mock' = 'mock';
  if (values.url !== undefined) {
    url = checkUrl(values.url, '--url');
    urlSource = 'flag';
    childEnv.WAZO_AUTH_URL = url;
  } else if (env.WAZO_AUTH_URL?.trim()) {
    url = checkUrl(env.WAZO_AUTH_URL.trim(), 'WAZO_AUTH_URL');
    urlSource = 'environment';
  }

  const userPassword = password(values.password, values['password-env'], env, '--password', '--password-env');
  if (values.password !== undefined) notes.push('note: --password is visible to other users of this machine (ps, shell history); prefer --password-env');
  if (userPassword !== undefined && values.username === undefined && env.WAZO_USERNAME === undefined) {
    throw new UsageError('a password was given without a user: add --username');
  }
  if (values.username !== undefined && userPassword === undefined && env.WAZO_PASSWORD === undefined) {
    throw new UsageError(`--username ${values.username} needs its password: add --password-env VAR (the variable holding it)`);
  }
  if (values.username !== undefined) childEnv.WAZO_USERNAME = values.username;
  if (userPassword !== undefined) childEnv.WAZO_PASSWORD = userPassword;
  const username = values.username ?? env.WAZO_USERNAME;
  const userPw = userPassword ?? env.WAZO_PASSWORD;
  // Reported after the reachability check: an unreachable URL is the first thing to fix.
  const missingUser =
    url && (!username || userPw === undefined)
      ? 'a target needs a user account: add --username U --password-env VAR (or set WAZO_USERNAME and WAZO_PASSWORD)'
      : undefined;

  const adminPassword = password(undefined, values['admin-password-env'], env, '--admin-password', '--admin-password-env');
  if (values['admin-username'] !== undefined && adminPassword === undefined && env.WAZO_ADMIN_PASSWORD === undefined) {
    throw new UsageError(`--admin-username ${values['admin-username']} needs its password: add --admin-password-env VAR`);
  }
  if (adminPassword !== undefined && values['admin-username'] === undefined && env.WAZO_ADMIN_USERNAME === undefined) {
    throw new UsageError('--admin-password-env was given without --admin-username');
  }
  if (values['admin-username'] !== undefined) childEnv.WAZO_ADMIN_USERNAME = values['admin-username'];
  if (adminPassword !== undefined) childEnv.WAZO_ADMIN_PASSWORD = adminPassword;
  const adminName = values['admin-username'] ?? env.WAZO_ADMIN_USERNAME;
  const adminPw = adminPassword ?? env.WAZO_ADMIN_PASSWORD;
  if (adminName && username && adminName === username) {
    throw new UsageError('the administrator must be another account than --username (the suite checks that a plain user is refused what an administrator may do; the fuzz phase writes only as a throwaway user)');
  }

  const insecure = values.insecure === true || truthy(env.WAZO_INSECURE);
  if (values.insecure) childEnv.WAZO_INSECURE = '1';
  return { url, urlSource, username, userPw, adminName, adminPw, missingUser, insecure, notes, childEnv };
}

/** Parses the flags of `wazo-auth-kit test` against an environment and a working directory. */
export function resolveTestOptions(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): TestOptions | 'help' {
  const split = argv.indexOf('--');
  const playwrightArgs = split === -1 ? [] : argv.slice(split + 1);
  // `--fuzz [N]`: node's parseArgs has no optional values, so the count is taken out here.
  let fuzzCount: string | undefined;
  const own: string[] = [];
  const mine = split === -1 ? argv : argv.slice(0, split);
  for (let i = 0; i < mine.length; i++) {
    const arg = mine[i]!;
    if (arg === '--fuzz') {
      const next = mine[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) {
        fuzzCount = next;
        i++;
      } else fuzzCount = 'default';
    } else if (arg.startsWith('--fuzz=')) {
      fuzzCount = arg.slice('--fuzz='.length);
      if (!/^\d+$/.test(fuzzCount) || Number(fuzzCount) < 1) throw new UsageError(`--fuzz takes a number of requests (e.g. --fuzz 2000), got "${fuzzCount}"`);
    } else own.push(arg);
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: own,
      strict: true,
      allowPositionals: false,
      options: {
        ...TARGET_FLAGS,
        'wazo-version': { type: 'string' },
        grep: { type: 'string' },
        strict: { type: 'boolean' },
        'expect-failures': { type: 'string' },
        reports: { type: 'string' },
        'fuzz-seed': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // node's messages name the flag ("Unknown option '--urll'"); keep the first sentence and point to help.
    const message = (error as Error).message.split('. ')[0]!.replace(/\.$/, '');
    throw new UsageError(`${message}; run "wazo-auth-kit test --help" for the flags`);
  }
  if (values.help) return 'help';

  const { url, urlSource, username, userPw, adminName, adminPw, missingUser, insecure, notes, childEnv } = resolveTargetFlags(values, env);
  let wazoVersion: string | undefined;
  const versionText = values['wazo-version'] ?? (env.WAZO_VERSION?.trim() || undefined);
  if (versionText !== undefined) {
    const releases = loadReleases();
    wazoVersion = releases.resolve(versionText);
    const from = values['wazo-version'] !== undefined ? '--wazo-version' : 'WAZO_VERSION';
    if (!wazoVersion) throw new UsageError(`${from} ${versionText} is not a supported wazo-auth release: give one of ${releases.label(releases.releases)}, or leave it out to infer it`);
    childEnv.WAZO_VERSION = wazoVersion;
  }
  const strict = values.strict === true || truthy(env.WAZO_KIT_STRICT);
  childEnv.WAZO_KIT_STRICT = strict ? '1' : undefined;

  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const reportsDir = abs(values.reports ?? env.WAZO_KIT_REPORTS_DIR ?? 'reports');
  childEnv.WAZO_KIT_REPORTS_DIR = reportsDir;
  const expectFile = values['expect-failures'] ?? (env.WAZO_KIT_EXPECT_FAILURES || undefined);
  const expectFailures = expectFile ? abs(expectFile) : undefined;
  childEnv.WAZO_KIT_EXPECT_FAILURES = expectFailures;

  if (fuzzCount === '0') throw new UsageError('--fuzz takes a number of requests of at least 1 (leave --fuzz out for no fuzz phase)');
  if (fuzzCount !== undefined) childEnv.WAZO_KIT_FUZZ = fuzzCount;
  if (values['fuzz-seed'] !== undefined) {
    if (fuzzCount === undefined && !env.WAZO_KIT_FUZZ) throw new UsageError('--fuzz-seed replays a fuzz phase: add --fuzz [N]');
    if (!/^\d+$/.test(values['fuzz-seed']) || Number(values['fuzz-seed']) >= 2 ** 32) throw new UsageError(`--fuzz-seed takes a whole number below 2^32 (the seed a fuzz phase printed), got "${values['fuzz-seed']}"`);
    childEnv.WAZO_KIT_FUZZ_SEED = values['fuzz-seed'];
  }
  if (values.grep !== undefined && values.grep.trim() === '') throw new UsageError('--grep needs a pattern (a requirement ID or words of a test title)');
  childEnv.WAZO_KIT_GREP = values.grep;
  // Playwright runs from the kit's directory; the reporter shows paths relative to the user's.
  childEnv.WAZO_KIT_CALLER_CWD = cwd;

  return {
    url,
    urlSource,
    ...(url && username && userPw !== undefined ? { user: { username, password: userPw } } : {}),
    ...(url && adminName && adminPw !== undefined ? { admin: { username: adminName, password: adminPw } } : {}),
    insecure,
    ...(wazoVersion ? { wazoVersion } : {}),
    strict,
    ...(values.grep !== undefined ? { grep: values.grep } : {}),
    ...(expectFailures ? { expectFailures } : {}),
    reportsDir,
    playwrightArgs,
    env: childEnv,
    notes,
    ...(missingUser ? { missingUser } : {}),
  };
}

/**
 * The mock's configuration, resolved once at the edge: command-line option, then environment
 * variable, then default. The result is complete and validated; nothing deeper reads `process.env`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { loadSpec } from '../spec/loader.ts';
import { loadReleases } from '../spec/releases.ts';
import { BEHAVIOUR_FAULTS, FAULT_NAMES, isBehaviourFault, unknownFaultMessage, type BehaviourFault } from './faults.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';
import { DEFAULT_MAX_USER_SESSIONS, DEFAULT_TENANT_UUID, DEFAULT_USERS, type SeedUser, type UserEntry } from './state/seed.ts';

export type { UserEntry };
import { readTlsFiles, type TlsMode } from './tls.ts';

/** A configuration mistake, with what to do about it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Everything `main` needs to start the mock. */
export interface MockConfig {
  help: boolean;
  /** Default `127.0.0.1` (WAZO_MOCK_HOST). */
  host: string;
  /** Default 9497; 0 picks a free port (WAZO_MOCK_PORT). */
  port: number;
  /** Default `auto`: HTTP and HTTPS on the same port (WAZO_MOCK_TLS). */
  tls: TlsMode;
  /** PEM material from --cert/--key; undefined = self-signed. */
  certificate?: { cert: string; key: string };
  /** The users file, when one replaced the defaults (WAZO_MOCK_USERS). */
  usersFile?: string;
  users: SeedUser[];
  /** Default `info` (WAZO_MOCK_LOG_LEVEL). */
  logLevel: LogLevel;
  /** Default 100 (WAZO_MOCK_MAX_SESSIONS). */
  maxUserSessions: number;
  /** Default on, off when NODE_ENV=production (WAZO_MOCK_CHECK_RESPONSES). */
  checkResponses: boolean;
  /** Behaviour faults on from the start (`--fault`, repeatable; WAZO_MOCK_FAULTS, comma-separated). Default none. */
  faults: BehaviourFault[];
  /** `--list-faults`: print the fault table and exit. */
  listFaults: boolean;
  /** The wazo-auth release the mock plays (`--wazo-version`; WAZO_VERSION). Default the newest release. */
  wazoVersion: string;
}

/** The `--help` text: each option with its environment variable and default. */
export const HELP = `Usage: wazo-auth-kit mock [options]     (or: npx tsx mock/main.ts [options])

A stateful mock of wazo-auth, answering under /0.1/... and /api/auth/0.1/... as the real service does
(errors included), with developer controls under /_mock/. Stop it with Ctrl-C.

Options (each falls back to an environment variable, then to its default):
  --host HOST             interface to listen on        WAZO_MOCK_HOST          default 127.0.0.1
  --port PORT             port, 0 for any free port      WAZO_MOCK_PORT          default 9497
  --users FILE            YAML (or JSON) users file      WAZO_MOCK_USERS         default admin/admin-secret,
                          replacing the default users                            alice/alice-pw
  --tls auto|on|off       auto: HTTP and HTTPS on the    WAZO_MOCK_TLS           default auto
                          same port; on: HTTPS only;
                          off: HTTP only
  --cert FILE             PEM certificate for HTTPS      WAZO_MOCK_CERT          default: a self-signed
  --key FILE              PEM private key for HTTPS      WAZO_MOCK_KEY           certificate for localhost
                                                                                 and 127.0.0.1, cached in
                                                                                 the temporary directory
  --log-level LEVEL       silent|error|info|debug        WAZO_MOCK_LOG_LEVEL     default info
  --max-sessions N        live sessions per user before  WAZO_MOCK_MAX_SESSIONS  default 100
                          POST /token answers 429
  --check-responses on|off  check every answer against   WAZO_MOCK_CHECK_RESPONSES
                          spec/wazo-auth.yaml            default on (off when NODE_ENV=production)
  --wazo-version X        the wazo-auth release to play, WAZO_VERSION            default ${loadReleases().newest}, the newest
                          ${loadReleases().label(loadReleases().releases).padEnd(14)} answers as it does                      release
  --fault NAME            break one rule on purpose      WAZO_MOCK_FAULTS        default none
                          (repeatable; the variable      (comma-separated)
                          takes a comma-separated list)
  --list-faults           list the fault names, what each breaks, and exit
  -h, --help              show this help

Users file (YAML), either a list or {users: [...]}; only username and password are required:
  users:
    - username: carol
      password: carol-pw
      uuid: 0c0ffee0-0000-4000-8000-000000000003   # default: random
      firstname: Carol
      lastname: Example
      email: carol@example.com
      purpose: user            # user | internal | external_api (default user)
      acl: ["confd.users.me.#"] # granted on top of the default user policy
      tenant_uuid: ${DEFAULT_TENANT_UUID}

Developer controls (see mock/README.md):
  GET /_mock/state   POST /_mock/reset   POST /_mock/clock {"advance": 7200}
  POST /_mock/expire {"token": "..."}    POST|GET|DELETE /_mock/faults
  PUT /_mock/faults/NAME {"enabled": true|false}   (GET /_mock/faults lists the named faults)
`;

/** The `--list-faults` text: every behaviour fault with the requirements it breaks. */
export function faultList(): string {
  const width = Math.max(...FAULT_NAMES.map((n) => n.length));
  const lines = FAULT_NAMES.map((name) => {
    const { description, requirements } = BEHAVIOUR_FAULTS[name];
    return `  ${name.padEnd(width)}  ${description}\n  ${' '.repeat(width)}  breaks ${requirements.join(', ')}`;
  });
  return `Behaviour faults (wazo-auth-kit mock --fault NAME; each breaks exactly one rule):\n${lines.join('\n')}\n`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Option value, then environment variable, then default (Playwright's `takeFirst`). */
function takeFirst<T>(...values: (T | undefined)[]): T | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

function parsePort(text: string, origin: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) throw new ConfigError(`${origin}: "${text}" is not a port; give a number from 0 to 65535 (0 = any free port).`);
  return port;
}

function oneOf<T extends string>(value: string, choices: readonly T[], origin: string): T {
  if (!(choices as readonly string[]).includes(value)) throw new ConfigError(`${origin}: "${value}" is not one of ${choices.join(', ')}.`);
  return value as T;
}

const NOT_JSON = Symbol('not JSON');

/** Reads and checks a users file (YAML, or JSON). */
export function readUsersFile(path: string): SeedUser[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`--users ${path}: cannot read the file (${(error as Error).message}).`);
  }
  let document: unknown = NOT_JSON;
  // JSON is YAML too, but JSON.parse reads a large file about 50 times faster than the YAML parser,
  // and leaves almost no garbage behind (100 000 users: well under a second instead of ~6 s).
  if (/^\s*[[{]/.test(text)) {
    try {
      document = JSON.parse(text) as unknown;
    } catch {
      document = NOT_JSON; // YAML flow style, or a mistake: the YAML parser says which
    }
  }
  if (document === NOT_JSON) {
    try {
      // Loaded here only: most starts have no users file, and `yaml` takes ~60 ms to load.
      const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
      document = parse(text);
    } catch (error) {
      throw new ConfigError(`--users ${path}: not valid YAML (${(error as Error).message}).`);
    }
  }
  const list = Array.isArray(document) ? document : (document as { users?: unknown } | null)?.users;
  if (!Array.isArray(list) || list.length === 0) throw new ConfigError(`--users ${path}: expected a non-empty list of users, or {users: [...]}; see --help.`);
  return checkUsers(list, `--users ${path}`);
}

/** Checks the entries of a users file (or of `startMock({ users })`); `origin` starts each error message. */
export function checkUsers(list: readonly unknown[], origin: string): SeedUser[] {
  const purposes = ((loadSpec().document.components as { schemas: Record<string, { enum?: string[] }> }).schemas.Purpose?.enum ?? ['user']) as SeedUser['purpose'][];
  const seen = new Set<string>();
  return list.map((entry: unknown, index: number) => {
    const where = `${origin}: user #${index + 1}`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new ConfigError(`${where} must be a mapping with at least username and password.`);
    const u = entry as Record<string, unknown>;
    const text = (key: string, required = false): string | null => {
      const value = u[key];
      if (value === undefined || value === null) {
        if (required) throw new ConfigError(`${where}: "${key}" is required.`);
        return null;
      }
      if (typeof value !== 'string' && typeof value !== 'number') throw new ConfigError(`${where}: "${key}" must be a string.`);
      return String(value);
    };
    const username = text('username', true)!;
    if (username === '') throw new ConfigError(`${where}: "username" must not be empty.`);
    if (seen.has(username)) throw new ConfigError(`${where}: username "${username}" appears twice.`);
    seen.add(username);
    const uuid = text('uuid') ?? randomUUID();
    if (!UUID.test(uuid)) throw new ConfigError(`${where}: "uuid" must be a UUID such as ${randomUUID()}.`);
    const tenant = text('tenant_uuid') ?? DEFAULT_TENANT_UUID;
    if (!UUID.test(tenant)) throw new ConfigError(`${where}: "tenant_uuid" must be a UUID.`);
    const purpose = text('purpose') ?? 'user';
    if (!(purposes as string[]).includes(purpose)) throw new ConfigError(`${where}: "purpose" must be one of ${purposes.join(', ')}.`);
    const acl = u.acl ?? [];
    if (!Array.isArray(acl) || acl.some((a) => typeof a !== 'string')) throw new ConfigError(`${where}: "acl" must be a list of strings such as ["confd.users.me.#"].`);
    return {
      username,
      password: text('password', true)!,
      uuid: uuid.toLowerCase(),
      firstname: text('firstname'),
      lastname: text('lastname'),
      email: text('email'),
      purpose: purpose as SeedUser['purpose'],
      acl: acl as string[],
      tenant_uuid: tenant.toLowerCase(),
      authentication_method: text('authentication_method') ?? 'default',
    };
  });
}

/** Resolves the configuration from command-line arguments and the environment. */
export function resolveConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): MockConfig {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        users: { type: 'string' },
        tls: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        'log-level': { type: 'string' },
        'max-sessions': { type: 'string' },
        'check-responses': { type: 'string' },
        fault: { type: 'string', multiple: true },
        'list-faults': { type: 'boolean' },
        'wazo-version': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run with --help for the options.`);
  }
  const opt = (name: string) => values[name] as string | undefined;
  const host = takeFirst(opt('host'), env.WAZO_MOCK_HOST) ?? '127.0.0.1';
  const portText = takeFirst(opt('port'), env.WAZO_MOCK_PORT);
  const port = portText === undefined ? 9497 : parsePort(portText, opt('port') !== undefined ? '--port' : 'WAZO_MOCK_PORT');
  const tls = oneOf(takeFirst(opt('tls'), env.WAZO_MOCK_TLS) ?? 'auto', ['auto', 'on', 'off'] as const, '--tls');
  const logLevel = oneOf(takeFirst(opt('log-level'), env.WAZO_MOCK_LOG_LEVEL) ?? 'info', LOG_LEVELS, '--log-level');
  const sessionsText = takeFirst(opt('max-sessions'), env.WAZO_MOCK_MAX_SESSIONS);
  const maxUserSessions = sessionsText === undefined ? DEFAULT_MAX_USER_SESSIONS : Number(sessionsText);
  if (!Number.isInteger(maxUserSessions) || maxUserSessions < 1) throw new ConfigError(`--max-sessions: "${sessionsText}" must be a whole number of at least 1.`);
  const checkText = takeFirst(opt('check-responses'), env.WAZO_MOCK_CHECK_RESPONSES);
  const checkResponses = checkText === undefined ? env.NODE_ENV !== 'production' : oneOf(checkText, ['on', 'off'] as const, '--check-responses') === 'on';

  const certFile = takeFirst(opt('cert'), env.WAZO_MOCK_CERT);
  const keyFile = takeFirst(opt('key'), env.WAZO_MOCK_KEY);
  if ((certFile === undefined) !== (keyFile === undefined)) throw new ConfigError('--cert and --key go together: give both, or neither for a self-signed certificate.');
  let certificate: MockConfig['certificate'];
  if (certFile && keyFile) {
    if (tls === 'off') throw new ConfigError('--cert/--key given with --tls off: drop them, or use --tls auto or on.');
    try {
      const { cert, key } = readTlsFiles(certFile, keyFile);
      certificate = { cert, key };
    } catch (error) {
      throw new ConfigError(`--cert/--key: cannot read the PEM files (${(error as Error).message}).`);
    }
  }
  // --fault replaces WAZO_MOCK_FAULTS (flag first, then variable), as every other option does.
  const faultFlags = values.fault as string[] | undefined;
  const faultOrigin = faultFlags ? '--fault' : 'WAZO_MOCK_FAULTS';
  const faultNames = (faultFlags ?? (env.WAZO_MOCK_FAULTS ?? '').split(',')).map((n) => n.trim()).filter((n) => n !== '');
  for (const name of faultNames) if (!isBehaviourFault(name)) throw new ConfigError(`${faultOrigin}: ${unknownFaultMessage(name)}.`);
  const faults = [...new Set(faultNames)] as BehaviourFault[];
  const usersFile = takeFirst(opt('users'), env.WAZO_MOCK_USERS);
  const users = usersFile ? readUsersFile(usersFile) : DEFAULT_USERS.map((u) => ({ ...u, acl: [...u.acl] }));
  const versionText = takeFirst(opt('wazo-version'), env.WAZO_VERSION?.trim());
  const releases = loadReleases();
  const wazoVersion = versionText === undefined ? releases.newest : releases.resolve(versionText);
  if (!wazoVersion) {
    throw new ConfigError(`${opt('wazo-version') !== undefined ? '--wazo-version' : 'WAZO_VERSION'}: "${versionText}" is not a supported wazo-auth release; give one of ${releases.label(releases.releases)}.`);
  }
  return {
    help: values.help === true,
    host,
    port,
    tls,
    certificate,
    usersFile,
    users,
    logLevel,
    maxUserSessions,
    checkResponses,
    faults,
    listFaults: values['list-faults'] === true,
    wazoVersion,
  };
}

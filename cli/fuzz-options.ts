/**
 * The flags of `wazo-auth-kit fuzz` (and the `--fuzz [N]` of `test`), resolved once (STYLE.md §5):
 * flag, then environment, then a default that depends on the target (the embedded mock takes 10 000
 * requests as fast as it answers; a real host gets far fewer, paced). Pure: argv and an environment in,
 * a complete object or a UsageError out.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';
import { defaultCount, isLocalUrl } from '../fuzz/settings.ts';
import { resolveTargetFlags, TARGET_FLAGS } from './test-options.ts';

/** `wazo-auth-kit fuzz --help`. */
export const FUZZ_USAGE = `Usage: wazo-auth-kit fuzz [options]

Sends requests generated from spec/wazo-auth.yaml to a wazo-auth server (default: the embedded mock):
valid ones, and ones that break exactly one constraint (type, range, length, required field, enum,
format), carry odd credentials (malformed Basic, odd X-Auth-Token), malformed JSON, odd Content-Types or
odd header values. Each answer must be no 5xx, no hang, no dropped connection (ROBUST-NO-5XX), declared
in the description (ROBUST-DECLARED-ANSWERS), a 4xx for a broken request and no 400 for a valid one
(ROBUST-REFUSES-INVALID); afterwards the server must still log in and answer HEAD /status, and nothing
the run created may be left (ROBUST-STAYS-UP). Each finding is shrunk to a minimal request and printed
as a curl line, credentials as variables ($WAZO_PASSWORD, $WAZO_TOKEN, ...), never in clear.
Exit status: 0 no finding; 1 findings; 2 usage error, unreachable target or rejected credentials.

Target (as for "wazo-auth-kit test"; without --url the embedded mock is started):
  --url URL                  base URL with the version prefix                             [WAZO_AUTH_URL]
  --username U               a plain user account                                          [WAZO_USERNAME]
  --password-env VAR         name of the variable holding its password                     [WAZO_PASSWORD]
  --admin-username U         an administrator: adds a throwaway user and the admin operations
                                                                                     [WAZO_ADMIN_USERNAME]
  --admin-password-env VAR   name of the variable holding its password               [WAZO_ADMIN_PASSWORD]
  --insecure                 accept a self-signed TLS certificate                         [WAZO_INSECURE=1]

Run:
  --seed S                   replay: the same seed sends the same requests (default: random, printed first)
                                                                                     [WAZO_KIT_FUZZ_SEED]
  --count N                  requests to generate (default 10000 on the embedded mock, 500 on a URL)
  --time-budget SECONDS      stop generating after this long (default 300 on the mock, 600 on a URL)
  --timeout SECONDS          per-request timeout; a slower answer is a finding (default 5 on the mock, 15)
  --rate N                   requests per second, all requests counted; 0 = unlimited (default: unlimited
                             on the embedded mock and on 127.0.0.1/localhost, 5 on any other host)
  --report FILE              also write the run's findings and figures as JSON
  -h, --help                 this help

Safety on a real host: it never locks, deletes or changes the password of the configured user or the
administrator (writes go to a throwaway user it creates, or to unknown identifiers; wrong passwords are
tried only on the throwaway user or a user that does not exist), deletes at once what a request created
and everything else at the end, and says what it will do before it starts.

Examples:
  wazo-auth-kit fuzz
  wazo-auth-kit fuzz --seed 1234 --count 20000
  WAZO_PW=... wazo-auth-kit fuzz --url https://wazo.example.com/api/auth/0.1 --username alice --password-env WAZO_PW --count 200`;

/** Everything the `fuzz` command needs, resolved. */
export interface FuzzCliOptions {
  /** Undefined: the embedded mock. */
  url?: string;
  user?: { username: string; password: string };
  admin?: { username: string; password: string };
  insecure: boolean;
  seed: number;
  seedGiven: boolean;
  count: number;
  timeBudgetMs: number;
  timeoutMs: number;
  /** Requests per second; 0 = unlimited. */
  rate: number;
  report?: string;
  notes: string[];
}



/** A whole number in [min, max], from a flag or variable; throws a UsageError naming it. */
export function wholeNumber(text: string, from: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${from} takes a whole number, got "${text}"`);
  const n = Number(text.trim());
  if (n < min || n > max) throw new UsageError(`${from} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** A positive number of seconds (decimals allowed). */
function seconds(text: string, from: string): number {
  const n = Number(text.trim().replace(/s$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${from} takes a number of seconds, e.g. ${from} 60`);
  return n;
}

/** Parses the flags of `wazo-auth-kit fuzz`; `random` supplies the seed when none is given. */
export function resolveFuzzOptions(argv: string[], env: NodeJS.ProcessEnv = process.env, random: () => number = () => Math.floor(Math.random() * 2 ** 32)): FuzzCliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...TARGET_FLAGS,
        seed: { type: 'string' },
        count: { type: 'string' },
        'time-budget': { type: 'string' },
        timeout: { type: 'string' },
        rate: { type: 'string' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    const message = (error as Error).message.split('. ')[0]!.replace(/\.$/, '');
    throw new UsageError(`${message}; run "wazo-auth-kit fuzz --help" for the flags`);
  }
  if (values.help) return 'help';
  const { url, username, userPw, adminName, adminPw, missingUser, insecure, notes } = resolveTargetFlags(values, env);
  if (missingUser) throw new UsageError(missingUser);

  const seedText = values.seed ?? (env.WAZO_KIT_FUZZ_SEED?.trim() || undefined);
  const seed = seedText !== undefined ? wholeNumber(seedText, values.seed !== undefined ? '--seed' : 'WAZO_KIT_FUZZ_SEED', 0, 2 ** 32 - 1) : random() >>> 0;
  const mock = url === undefined;
  const count = values.count !== undefined ? wholeNumber(values.count, '--count', 1, 10_000_000) : defaultCount(mock);
  const timeBudgetMs = 1000 * (values['time-budget'] !== undefined ? seconds(values['time-budget'], '--time-budget') : mock ? 300 : 600);
  const timeoutMs = 1000 * (values.timeout !== undefined ? seconds(values.timeout, '--timeout') : mock ? 5 : 15);
  const rate = values.rate !== undefined ? wholeNumber(values.rate, '--rate', 0, 100_000) : mock || isLocalUrl(url!) ? 0 : 5;
  if (!mock && !isLocalUrl(url!) && rate === 0) notes.push('note: --rate 0 sends as fast as the server answers; on a shared host prefer a few requests per second');
  return {
    ...(url ? { url } : {}),
    ...(url && username && userPw !== undefined ? { user: { username, password: userPw } } : {}),
    ...(url && adminName && adminPw !== undefined ? { admin: { username: adminName, password: adminPw } } : {}),
    insecure,
    seed,
    seedGiven: seedText !== undefined,
    count,
    timeBudgetMs,
    timeoutMs,
    rate,
    ...(values.report !== undefined ? { report: values.report } : {}),
    notes,
  };
}

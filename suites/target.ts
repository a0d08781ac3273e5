/**
 * The suite's target, resolved once from the environment (STYLE.md §5: environment first, then
 * defaults, validated, passed inward as one object).
 *
 * | variable              | meaning                                            | default                          |
 * |-----------------------|----------------------------------------------------|----------------------------------|
 * | WAZO_AUTH_URL         | base URL including the version prefix              | unset: the embedded mock         |
 * | WAZO_USERNAME         | a plain user account                               | `alice` on the mock, else needed |
 * | WAZO_PASSWORD         | its password                                       | `alice-pw` on the mock           |
 * | WAZO_ADMIN_USERNAME   | an administrator (unlocks the admin tests); empty  | `admin` on the mock, else none   |
 * |                       | string = none                                      |                                  |
 * | WAZO_ADMIN_PASSWORD   | its password                                       | `admin-secret` on the mock       |
 * | WAZO_INSECURE         | `1`: accept a self-signed certificate              | off                              |
 * | WAZO_VERSION          | the wazo-auth release the host runs (`26.05`,      | unset: inferred from the answers |
 * |                       | `master`): judge it by that release's rules        |                                  |
 *
 * When WAZO_AUTH_URL is unset, playwright.config.ts starts the mock on a free port picked here in the
 * main process and pinned in `WAZO_KIT_MOCK_PORT`, so that every worker (which re-reads this module)
 * resolves the same URL. The run id is pinned the same way in `WAZO_KIT_RUN_ID`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadReleases } from '../spec/releases.ts';

/** A username and its password. */
export interface Credentials {
  username: string;
  password: string;
}

/** Everything the suite needs to know about the server under test. */
export interface Target {
  /** Base URL with the version prefix and no trailing slash, e.g. `http://127.0.0.1:9497/0.1`. */
  baseURL: string;
  /** True when the suite starts and targets its own mock. */
  embeddedMock: boolean;
  /** Port of the embedded mock (only when `embeddedMock`). */
  mockPort?: number;
  user: Credentials;
  admin?: Credentials;
  hasAdmin: boolean;
  insecure: boolean;
  /** The release the host is said to run (WAZO_VERSION), or null: the suite infers it (spec/releases.yaml). */
  wazoVersion: string | null;
  /** Short id of this run; every client_id and username the suite creates starts with `prefix`. */
  runId: string;
  /** `wak-<runId>`: the per-run prefix of client_ids and throwaway usernames. */
  prefix: string;
  /** Configuration problems that must stop the run before any test (one line each). */
  problems: string[];
  /**
   * Where the suite reads the mails the target sends (confirmation, password reset), or undefined: a JSON
   * outbox in the shape of the mock's `GET /_mock/mails` (`{"mails": [{to, template, token, user_uuid,
   * email_uuid?, link, ...}]}`). The embedded mock's own; otherwise WAZO_MAILBOX_URL. A real wazo-auth
   * sends its mails by SMTP: without a mailbox, the tests that need a mail's token are skipped.
   */
  mailboxURL?: string;
}

/** Prefix of every line the kit prints about its configuration. */
export const KIT = '[wazo-auth-kit]';

/** The embedded mock's default accounts (mock/ seeds them; see README "Mock default users"). */
const MOCK_USER: Credentials = { username: 'alice', password: 'alice-pw' };
const MOCK_ADMIN: Credentials = { username: 'admin', password: 'admin-secret' };

/** Picks a free TCP port on 127.0.0.1 synchronously (the config is evaluated synchronously). */
function pickFreePort(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
  const port = Number(out.trim());
  if (!Number.isInteger(port) || port <= 0) throw new Error(`${KIT} could not pick a free port for the mock`);
  return port;
}

/** Reads a variable; `undefined` when unset (an empty string stays an empty string). */
const env = (name: string): string | undefined => process.env[name];

/** Resolves the target from `process.env`, pinning the mock port and run id for the workers. */
export function resolveTarget(): Target {
  const problems: string[] = [];
  let runId = env('WAZO_KIT_RUN_ID');
  if (!runId) {
    runId = randomBytes(3).toString('hex');
    process.env.WAZO_KIT_RUN_ID = runId;
  }
  const insecure = ['1', 'true', 'yes'].includes((env('WAZO_INSECURE') ?? '').toLowerCase());
  const rawUrl = (env('WAZO_AUTH_URL') ?? '').trim();

  let baseURL: string;
  let embeddedMock = false;
  let mockPort: number | undefined;
  if (rawUrl) {
    baseURL = rawUrl.replace(/\/+$/, '');
    let parsed: URL | undefined;
    try {
      parsed = new URL(baseURL);
    } catch {
      problems.push(`${KIT} WAZO_AUTH_URL is not a URL (${baseURL}) — give the base URL with its version prefix, e.g. https://wazo.example.com/api/auth/0.1`);
    }
    if (parsed && !/^https?:$/.test(parsed.protocol)) {
      problems.push(`${KIT} WAZO_AUTH_URL must be http:// or https:// (got ${parsed.protocol})`);
    }
    if (parsed && (parsed.username || parsed.password)) {
      problems.push(`${KIT} WAZO_AUTH_URL must not carry credentials — use WAZO_USERNAME/WAZO_PASSWORD`);
      parsed.username = '';
      parsed.password = '';
      baseURL = parsed.toString().replace(/\/+$/, '');
    }
  } else {
    embeddedMock = true;
    const pinned = Number(env('WAZO_KIT_MOCK_PORT'));
    mockPort = Number.isInteger(pinned) && pinned > 0 ? pinned : pickFreePort();
    process.env.WAZO_KIT_MOCK_PORT = String(mockPort);
    baseURL = `http://127.0.0.1:${mockPort}/0.1`;
  }

  const username = env('WAZO_USERNAME') ?? (embeddedMock ? MOCK_USER.username : undefined);
  const password = env('WAZO_PASSWORD') ?? (embeddedMock ? MOCK_USER.password : undefined);
  if (!username || password === undefined) {
    problems.push(`${KIT} WAZO_USERNAME and WAZO_PASSWORD are required with WAZO_AUTH_URL (a plain user account the suite may log in as)`);
  }
  const adminName = env('WAZO_ADMIN_USERNAME') ?? (embeddedMock ? MOCK_ADMIN.username : undefined);
  const adminPassword = env('WAZO_ADMIN_PASSWORD') ?? (embeddedMock && adminName === MOCK_ADMIN.username ? MOCK_ADMIN.password : undefined);
  let admin: Credentials | undefined;
  if (adminName) {
    if (adminPassword === undefined) problems.push(`${KIT} WAZO_ADMIN_USERNAME is set but WAZO_ADMIN_PASSWORD is not`);
    else admin = { username: adminName, password: adminPassword };
  }
  if (admin && username && admin.username === username) {
    problems.push(`${KIT} WAZO_ADMIN_USERNAME must differ from WAZO_USERNAME (the suite checks that a plain user is refused what an administrator may do)`);
  }

  let wazoVersion: string | null = null;
  const versionText = (env('WAZO_VERSION') ?? '').trim();
  if (versionText) {
    const releases = loadReleases();
    const resolved = releases.resolve(versionText);
    if (resolved) wazoVersion = resolved;
    else problems.push(`${KIT} WAZO_VERSION ${versionText} is not a supported wazo-auth release: give one of ${releases.label(releases.releases)} (or leave it unset to infer it)`);
  }

  return {
    baseURL,
    embeddedMock,
    mockPort,
    user: { username: username ?? '', password: password ?? '' },
    admin,
    hasAdmin: admin !== undefined,
    insecure,
    wazoVersion,
    runId,
    prefix: `wak-${runId}`,
    problems,
    mailboxURL: embeddedMock ? `http://127.0.0.1:${mockPort}/_mock/mails` : (env('WAZO_MAILBOX_URL') ?? '').trim() || undefined,
  };
}

let cached: Target | undefined;

/** The target of this process, resolved on first use. */
export function target(): Target {
  cached ??= resolveTarget();
  return cached;
}

/** The skip reason of every test that needs an administrator. */
export const NEEDS_ADMIN = 'needs admin credentials (WAZO_ADMIN_USERNAME/WAZO_ADMIN_PASSWORD)';

/**
 * `wazo-auth-kit fuzz`: prints the seed and what it will do, runs the fuzz phase (fuzz/run.ts) against
 * the target or the embedded mock, prints each finding with its curl line, and ends with one line:
 * requests sent and findings. Exit 0 without findings, 1 with, 2 when the run could not happen.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FuzzSetupError, runFuzz, type FuzzReport } from '../fuzz/run.ts';
import { CliError, EXIT, TargetError } from './errors.ts';
import { resolveFuzzOptions, FUZZ_USAGE, type FuzzCliOptions } from './fuzz-options.ts';
import { preflight } from './preflight.ts';
import { redact } from './redact.ts';

/** The mock's seeded accounts (mock/state/seed.ts), used when no URL is given. */
const MOCK_USER = { username: 'alice', password: 'alice-pw' };
const MOCK_ADMIN = { username: 'admin', password: 'admin-secret' };

/** One line saying what the run will do (printed before it starts). */
export function plan(o: FuzzCliOptions, url: string): string {
  const pace = o.rate > 0 ? `at most ${o.rate} requests/s` : 'unpaced';
  return `fuzz: target ${url}${o.url ? '' : ' (embedded mock)'}; up to ${o.count} requests, ${pace}, stop after ${o.timeBudgetMs / 1000} s, ${o.timeoutMs / 1000} s timeout per request; as ${o.user?.username ?? MOCK_USER.username}${o.admin || !o.url ? ` and administrator ${o.admin?.username ?? MOCK_ADMIN.username} (with a throwaway user)` : ' (no administrator: admin operations are tried with the user\'s token only)'}; everything created is deleted`;
}

/** The findings of a report, for a terminal (curl lines as they are: they hold no secret). */
export function describeFindings(report: FuzzReport): string[] {
  const lines: string[] = [];
  for (const f of report.findings) {
    lines.push(`  ${f.requirement} ${f.operation} (${f.operationId}): ${f.detail} — ${f.count} request(s); inputs: ${f.inputs.join('; ')}`);
    lines.push(`    ${f.curl}`);
  }
  return lines;
}

/** The closing line. */
export function summaryLine(report: FuzzReport): string {
  const total = report.sent.fuzz + report.sent.shrink + report.sent.housekeeping;
  const stop = report.stoppedBy === 'time' ? ' (time budget reached)' : report.stoppedBy === 'target-down' ? ' (the target stopped answering)' : '';
  return `fuzz: seed ${report.seed}: ${report.sent.fuzz} requests sent${stop} (+${report.sent.shrink} shrinking, +${report.sent.housekeeping} set-up/clean-up; ${total} in all) in ${(report.durationMs / 1000).toFixed(1)} s: ${report.findings.length} finding(s)`;
}

/** Runs the `fuzz` command; resolves to its exit status. */
export async function fuzzCommand(argv: string[]): Promise<number> {
  const options = resolveFuzzOptions(argv);
  if (options === 'help') {
    console.log(FUZZ_USAGE);
    return EXIT.ok;
  }
  for (const note of options.notes) console.error(`wazo-auth-kit: ${note}`);
  const passwords = [options.user?.password, options.admin?.password].filter((p): p is string => !!p);
  console.log(`fuzz: seed ${options.seed}${options.seedGiven ? '' : ' (replay with --seed ' + options.seed + ')'}`);
  let mock: { url: string; close(): Promise<void> } | undefined;
  let url = options.url;
  if (!url) {
    const { startMock } = await import('../mock/start-mock.ts');
    mock = await startMock({ port: 0, host: '127.0.0.1', tls: 'off' });
    url = mock.url;
  } else {
    await preflight({ url, insecure: options.insecure, user: options.user, admin: options.admin });
  }
  console.log(plan(options, url));
  let report: FuzzReport;
  try {
    report = await runFuzz({
      baseURL: url,
      user: options.user ?? MOCK_USER,
      ...(options.admin ? { admin: options.admin } : options.url ? {} : { admin: MOCK_ADMIN }),
      insecure: options.insecure,
      seed: options.seed,
      count: options.count,
      timeBudgetMs: options.timeBudgetMs,
      timeoutMs: options.timeoutMs,
      rate: options.rate,
      shrinkBudget: options.url && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(options.url) ? 100 : 1000,
      log: (line) => console.log(redact(line, passwords)),
    });
  } catch (error) {
    if (error instanceof FuzzSetupError) throw new TargetError(error.message, EXIT.usage, { cause: error });
    throw error;
  } finally {
    await mock?.close();
  }
  if (report.findings.length > 0) {
    console.log(`fuzz: ${report.findings.length} finding(s), each with a minimal request (set WAZO_AUTH_URL-side variables: WAZO_USERNAME, WAZO_PASSWORD, WAZO_TOKEN, ... to replay):`);
    for (const line of describeFindings(report)) console.log(line);
  }
  if (options.report) {
    const file = resolve(options.report);
    try {
      writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    } catch (error) {
      throw new CliError(`cannot write ${file}: ${(error as Error).message}`, EXIT.usage, { cause: error });
    }
  }
  console.log(summaryLine(report));
  return report.findings.length > 0 ? EXIT.failed : EXIT.ok;
}

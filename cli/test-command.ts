/**
 * `wazo-auth-kit test`: resolve the flags, check the target, run the suite, and exit with the gate's
 * verdict as the reporter wrote it in conformance.json.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadRequirements } from '../spec/requirements.ts';
import { CliError, EXIT, UsageError } from './errors.ts';
import { loadExpectedFailures } from './expected-failures.ts';
import { runPlaywright } from './playwright-run.ts';
import { preflight } from './preflight.ts';
import { REPORT_FILES } from './report/write-reports.ts';
import type { ConformanceResult } from './report/model.ts';
import { resolveTestOptions, TEST_USAGE } from './test-options.ts';

/** Runs the `test` command; resolves to its exit status. */
export async function testCommand(argv: string[]): Promise<number> {
  const options = resolveTestOptions(argv);
  if (options === 'help') {
    console.log(TEST_USAGE);
    return EXIT.ok;
  }
  for (const note of options.notes) console.error(`wazo-auth-kit: ${note}`);
  // A bad expected-failures file is the user's to fix before anything runs.
  if (options.expectFailures) loadExpectedFailures(options.expectFailures, loadRequirements());
  if (options.url) {
    await preflight({ url: options.url, insecure: options.insecure, user: options.user, admin: options.admin });
    if (options.missingUser) throw new UsageError(options.missingUser);
  }

  const json = join(options.reportsDir, REPORT_FILES.json);
  // Removed first, so that a conformance.json after the run is this run's.
  rmSync(json, { force: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(options.env)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const args = [...(options.grep ? ['--grep', options.grep] : []), ...options.playwrightArgs];
  const exit = await runPlaywright(args, env, {
    onInterrupt: (n) =>
      console.error(
        n === 1
          ? '\nwazo-auth-kit: interrupted; letting the suite delete what it created (Ctrl-C again to stop at once)'
          : '\nwazo-auth-kit: stopping now; what the suite created may be left on the target (the next run sweeps it)',
      ),
  });

  if (!existsSync(json)) {
    if (exit.interrupts > 0) return EXIT.interrupted;
    throw new CliError(
      `the suite did not run (playwright exited with ${exit.signal ?? exit.code}); see the messages above`,
      EXIT.usage,
    );
  }
  let result: ConformanceResult;
  try {
    result = JSON.parse(readFileSync(json, 'utf8')) as ConformanceResult;
  } catch (error) {
    throw new CliError(`cannot read ${json}: ${(error as Error).message}`, EXIT.usage, { cause: error });
  }
  if (exit.interrupts > 0) return EXIT.interrupted;
  if (result.gate.exitCode === EXIT.usage) {
    // The reporter printed the details; this is the one line that says what to fix.
    throw new UsageError(result.gate.reason);
  }
  return result.gate.exitCode;
}

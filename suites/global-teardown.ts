/**
 * Runs once after the last test, even after failures or Ctrl-C: removes whatever this run's tests
 * could not remove in their own teardown (suites/cleanup.ts).
 */
import { sweep } from './cleanup.ts';
import { redactor } from './redact.ts';
import { KIT, target } from './target.ts';

export default async function globalTeardown(): Promise<void> {
  const t = target();
  if (t.problems.length > 0) return;
  const { problems } = await sweep(t, t.runId);
  if (problems.length > 0) {
    process.stderr.write(`${KIT} cleanup: ${problems.length} item(s) could not be removed from ${t.baseURL}: ${redactor.text(problems.slice(0, 5).join('; '))}\n`);
  }
}

/**
 * Robustness: the fuzz phase (fuzz/run.ts) against the target, one test per requirement of the area
 * `robustness`. Off by default: `wazo-auth-kit test --fuzz [N]` (WAZO_KIT_FUZZ=N) turns it on; without
 * it the four requirements are skipped with the reason "fuzz phase not requested: --fuzz", never passed.
 *
 * The phase runs once (beforeAll of this serial group) with its own HTTP client and clean-up; each test
 * then reports its requirement's findings, one per finding, each with a curl line that reproduces it,
 * credentials as shell variables: as warnings for a `should` requirement, as the test's failure for a
 * `must` one (ROBUST-STAYS-UP).
 */
import { loadRequirements } from '../spec/requirements.ts';
import { ROBUST, type RobustRequirement } from '../fuzz/checks.ts';
import { runFuzz, type FuzzFinding, type FuzzReport } from '../fuzz/run.ts';
import { fuzzSettings, NOT_REQUESTED } from '../fuzz/settings.ts';
import { ANNOTATION, covers } from './covers.ts';
import { expect, test } from './fixtures.ts';
import { target as resolvedTarget } from './target.ts';

test.describe.configure({ mode: 'serial' });

const settings = fuzzSettings(process.env, resolvedTarget());
let report: FuzzReport | undefined;

test.beforeAll(async ({ target }) => {
  if (!settings) return;
  // The phase's own budget, its shrinking and clean-up, and a margin.
  test.setTimeout(settings.timeBudgetMs + 5 * settings.timeoutMs + 180_000);
  console.log(`fuzz: seed ${settings.seed} (replay with --fuzz-seed ${settings.seed}); up to ${settings.count} requests${settings.rate > 0 ? `, at most ${settings.rate}/s` : ''}`);
  report = await runFuzz({
    baseURL: target.baseURL,
    user: target.user,
    ...(target.admin ? { admin: target.admin } : {}),
    insecure: target.insecure,
    seed: settings.seed,
    count: settings.count,
    timeBudgetMs: settings.timeBudgetMs,
    timeoutMs: settings.timeoutMs,
    rate: settings.rate,
    shrinkBudget: settings.rate > 0 ? 100 : 1000,
  });
  const total = report.sent.fuzz + report.sent.shrink + report.sent.housekeeping;
  console.log(`fuzz: seed ${report.seed}: ${report.sent.fuzz} requests sent (${total} in all) in ${(report.durationMs / 1000).toFixed(1)} s: ${report.findings.length} finding(s)`);
});

/** One warning line per finding: what, where, how often, and the curl line (recognised by the reporter). */
function warningOf(f: FuzzFinding): string {
  return `${f.requirement}: ${f.operation} (${f.operationId}): ${f.detail}; ${f.count} request(s): ${f.inputs.join('; ')}\nreproduce: ${f.curl}`;
}

const TITLES: Record<RobustRequirement, string> = {
  [ROBUST.noServerError]: 'fuzz: no 5xx, no hang, no dropped connection',
  [ROBUST.declared]: 'fuzz: every answer is declared in the description',
  [ROBUST.refusesInvalid]: 'fuzz: invalid input refused with a 4xx, valid input never refused',
  [ROBUST.staysUp]: 'fuzz: the server still answers afterwards and nothing is left behind',
};

for (const id of Object.values(ROBUST)) {
  test(TITLES[id], covers(id), async ({}, testInfo) => {
    test.skip(!settings, NOT_REQUESTED);
    expect(report, 'the fuzz phase ran (see the beforeAll hook)').toBeDefined();
    const findings = report!.findings.filter((f) => f.requirement === id);
    if (id === ROBUST.staysUp) {
      testInfo.annotations.push({
        type: ANNOTATION.fuzz,
        description: JSON.stringify({
          seed: report!.seed,
          requests: report!.sent.fuzz,
          shrinkRequests: report!.sent.shrink,
          housekeepingRequests: report!.sent.housekeeping,
          durationMs: report!.durationMs,
          findings: report!.findings.length,
          stoppedBy: report!.stoppedBy,
        }),
      });
    }
    if (findings.length === 0) return;
    const exchanges = findings.map((f) => ({ request: f.operation, status: f.status, ...(f.body ? { body: f.body } : {}), finding: f.detail, curl: f.curl }));
    await testInfo.attach('evidence', { body: JSON.stringify({ exchanges }), contentType: 'application/json' });
    const messages = findings.map(warningOf);
    if (loadRequirements().get(id).severity === 'must') throw new Error(messages.join('\n'));
    for (const message of messages) testInfo.annotations.push({ type: ANNOTATION.warning, description: message });
  });
}

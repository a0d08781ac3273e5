/**
 * The release check (`npm run test:releases`): the whole conformance suite against the mock playing each
 * representative release of spec/releases.yaml (one release per combination of behaviours, and every
 * recorded one), twice: told the release (WAZO_VERSION) and not told. It passes when
 * - told: the run passes (exit 0) and the release verdict is `consistent`;
 * - not told: the run passes and the releases it infers contain the one the mock plays;
 * - told a wrong release (the mock plays the oldest release, the suite is told the newest): the run
 *   fails (exit 1): every release-dependent requirement that differs and ran fails, and nothing else does
 *   between the two (an answer that fits another release's description is judged by those alone).
 *
 *   npm run test:releases                           # every representative release
 *   npm run test:releases -- --wazo-version 24.01   # one (repeatable)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSpec, operationBehaviour } from '../spec/loader.ts';
import { loadReleases } from '../spec/releases.ts';
import { loadRequirements } from '../spec/requirements.ts';
import { runSuite, startMockChild, stopAllChildren, stopChildrenOnSignals } from './child-processes.ts';

interface Row {
  release: string;
  mode: 'told' | 'inferred' | 'told wrong';
  ok: boolean;
  detail: string;
  durationMs: number;
}

async function run(release: string, told: string | undefined, root: string): Promise<{ result: Awaited<ReturnType<typeof runSuite>>['result']; durationMs: number }> {
  const started = Date.now();
  const mock = await startMockChild(['--wazo-version', release]);
  try {
    const dir = mkdtempSync(join(root, `${release}-`));
    const suite = await runSuite({ url: mock.url, dir, timeoutMs: 300_000, mailbox: `${mock.origin}/_mock/mails`, ...(told ? { wazoVersion: told } : {}) });
    return { result: suite.result, durationMs: Date.now() - started };
  } finally {
    await mock.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'wazo-version': { type: 'string', multiple: true }, jobs: { type: 'string' } } });
  const table = loadReleases();
  const releases = (values['wazo-version'] ?? table.representatives()).map((r) => {
    const resolved = table.resolve(r);
    if (!resolved) throw new Error(`${r} is not a supported release (${table.label(table.releases)})`);
    return resolved;
  });
  const jobs = Number(values.jobs ?? 2);
  stopChildrenOnSignals();
  const root = mkdtempSync(join(tmpdir(), 'wazo-auth-kit-releases-'));
  const started = Date.now();
  console.log(`release check: the suite against the mock playing ${releases.join(', ')}, told and not told the release; then told a wrong one`);

  const oldest = table.releases[0]!;
  const wrong = table.newest;
  const differing = loadRequirements()
    .requirements.filter((r) => r.behaviour && table.holds(r.behaviour, oldest) !== table.holds(r.behaviour, wrong))
    .map((r) => r.id)
    .sort();
  // Requirements of operations one release has and the other lacks (x-wazo-behaviour on an operation):
  // told the wrong release, their tests expect the operation and may fail; and every answer is judged
  // against the wrong release's description (SPEC-RESPONSES-CONFORM).
  const operationBound = loadSpec()
    .operations.filter((op) => {
      const behaviour = operationBehaviour(op);
      return behaviour !== undefined && table.holds(behaviour, oldest) !== table.holds(behaviour, wrong);
    })
    .flatMap((op) => (op.extensions['x-requirements'] as string[] | undefined) ?? []);
  const mayFail = new Set([...differing, ...operationBound, 'SPEC-RESPONSES-CONFORM']);
  const tasks: (() => Promise<Row>)[] = [];
  for (const release of releases) {
    tasks.push(async () => {
      const { result, durationMs } = await run(release, release, root);
      const ok = result?.gate.exitCode === 0 && result.release.status === 'consistent';
      return { release, mode: 'told', ok, detail: result ? `exit ${result.gate.exitCode}; ${result.release.summary}${ok ? '' : `; ${result.gate.reason}`}` : 'no result', durationMs };
    });
    tasks.push(async () => {
      const { result, durationMs } = await run(release, undefined, root);
      const ok = result?.gate.exitCode === 0 && result.release.candidates.includes(release);
      return { release, mode: 'inferred', ok, detail: result ? `exit ${result.gate.exitCode}; ${result.release.summary}${ok ? '' : `; ${result.gate.reason}`}` : 'no result', durationMs };
    });
  }
  tasks.push(async () => {
    const { result, durationMs } = await run(oldest, wrong, root);
    // A `should` requirement that fails is a warning; a test that cannot reach its check on this server
    // (its operation absent, a field the release lacks) is skipped and proves nothing either way.
    const requirements = result?.requirements ?? [];
    const failed = requirements.filter((r) => r.status === 'failed' || r.status === 'warning').map((r) => r.id).sort();
    const skipped = new Set(requirements.filter((r) => r.status === 'skipped').map((r) => r.id));
    const ok =
      result?.gate.exitCode === 1 &&
      failed.every((id) => mayFail.has(id)) &&
      differing.every((id) => skipped.has(id) || failed.includes(id));
    return {
      release: `${oldest} told ${wrong}`,
      mode: 'told wrong',
      ok,
      detail: result ? `exit ${result.gate.exitCode}; failed ${failed.join(', ') || 'nothing'}${ok ? '' : ` (expected every one of ${differing.join(', ')} that ran, and no other than ${[...mayFail].sort().join(', ')})`}` : 'no result',
      durationMs,
    };
  });

  const rows: Row[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const row = await tasks[next++]!();
      rows.push(row);
      console.log(`  ${row.ok ? 'ok  ' : 'FAIL'} ${row.release.padEnd(18)} ${row.mode.padEnd(10)} ${row.detail} (${(row.durationMs / 1000).toFixed(1)} s)`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  } finally {
    await stopAllChildren();
  }
  const failed = rows.filter((r) => !r.ok);
  console.log(`release check: ${rows.length - failed.length}/${rows.length} runs as expected in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failed.length === 0) rmSync(root, { recursive: true, force: true });
  else console.log(`run directories (each with its conformance.json): ${root}`);
  return failed.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    await stopAllChildren();
    console.error(`release check: ${(error as Error).message}`);
    process.exitCode = 2;
  },
);

/**
 * The Prism check (`npm run prism:check`): the whole conformance suite against the mock THROUGH Prism's
 * proxy (cli/proxy.ts), so that a validator we did not write judges every request the suite sends and
 * every answer the mock gives against spec/wazo-auth.yaml.
 *
 * Passes when:
 * - no answer has a response violation (severity Error);
 * - every request violation is a request the suite sends off-spec on purpose: either one the mock
 *   refused with a 4xx (the negative tests: `expiration: 0`, a missing client_id, ...), or one of the
 *   leniencies of the real service listed in {@link DELIBERATE_LENIENCY}, each a `should` requirement;
 *   any other violating request the mock accepted means that the spec and the mock disagree;
 * - the suite itself passes through the proxy.
 * The few requests Prism cannot carry unchanged go around it (cli/proxy.ts `prismCannotCarry`) and are
 * counted, not validated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, runSuite, startMockChild, stopAllChildren, stopChildrenOnSignals } from './child-processes.ts';
import { bypassReasons, describeExchange, groupFindings, startPrismProxy, tally, type ProxiedExchange } from './proxy.ts';

/**
 * Requests outside the spec that the real service accepts and that `should` tests send on purpose:
 * the spec describes what a client must send; these leniencies are rules of their own (catalogue
 * `should` requirements), not something the request schema can say without weakening it.
 */
export const DELIBERATE_LENIENCY: { requirement: string; reason: string; matches(e: ProxiedExchange): boolean }[] = [
  {
    requirement: 'TOKEN-EXPIRATION-LENIENT',
    reason:
      'a fractional `expiration` is truncated and a numeric string parsed (obs. 7k, 7k2); the spec keeps `type: integer` and marks the leniency `x-wazo-lenient-integer`, which Prism does not read',
    matches: (e) => e.operationId === 'createToken' && requestErrors(e).every((v) => v.location === 'body.expiration' && v.code === 'type'),
  },
  {
    requirement: 'TOKEN-CONTENT-TYPE-OPTIONAL',
    reason: 'a JSON body sent without Content-Type is still read (obs. 1e); Prism validates such a body as text',
    matches: (e) => e.operationId === 'createToken' && e.requestContentType === undefined && requestErrors(e).every((v) => v.location === 'body'),
  },
];

/** The request violations of severity Error, without the anyOf branches' echoes. */
function requestErrors(e: ProxiedExchange) {
  return e.violations.filter((v) => v.side === 'request' && v.severity === 'Error' && !/^Request body must (be null|be array|match a schema in anyOf)$/.test(v.message));
}

/** The check's verdict over the exchanges the proxy saw. */
export function judgeExchanges(exchanges: ProxiedExchange[]): {
  responseViolations: ProxiedExchange[];
  acceptedInvalid: ProxiedExchange[];
  lenient: { requirement: string; reason: string; count: number }[];
  refusedInvalid: ProxiedExchange[];
  warnings: ProxiedExchange[];
} {
  const t = tally(exchanges);
  const accepted = t.requestViolations.filter((e) => e.status < 400 || e.status >= 500);
  const lenient = DELIBERATE_LENIENCY.map((l) => ({ requirement: l.requirement, reason: l.reason, count: accepted.filter((e) => l.matches(e)).length }));
  return {
    responseViolations: t.responseViolations,
    // A request the spec forbids, answered 2xx/3xx/5xx, and not a listed leniency: spec and mock disagree.
    acceptedInvalid: accepted.filter((e) => !DELIBERATE_LENIENCY.some((l) => l.matches(e))),
    lenient,
    refusedInvalid: t.requestViolations.filter((e) => e.status >= 400 && e.status < 500),
    warnings: t.warnings,
  };
}

async function main(): Promise<number> {
  stopChildrenOnSignals();
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'wazo-auth-kit-prism-'));
  const mock = await startMockChild();
  let proxy;
  try {
    proxy = await startPrismProxy({ target: mock.url, port: await freePort() });
    console.log(`prism check: the suite → ${proxy.url} → prism proxy spec/wazo-auth.yaml ${mock.url}`);
    const run = await runSuite({ url: proxy.url, dir, timeoutMs: 900_000 });
    const verdict = judgeExchanges(proxy.exchanges);
    const groups = groupFindings(proxy.exchanges);
    const s = run.result?.summary;
    console.log(`\n${proxy.exchanges.length} exchanges through Prism; suite: ${s ? `${s.passed}/${s.requirements} requirements passed, ${s.failed} failed, ${s.tests} tests` : `did not report (exit ${run.exitCode})`}`);
    console.log(`Response violations: ${verdict.responseViolations.length}`);
    for (const e of verdict.responseViolations.slice(0, 50)) console.log(`  ${describeExchange(e)}`);
    console.log(`Request violations refused by the mock with a 4xx (negative tests, on purpose): ${verdict.refusedInvalid.length}`);
    console.log('Request violations the mock accepted as the real service does (should requirements, on purpose):');
    for (const l of verdict.lenient) console.log(`  ${String(l.count).padStart(4)}  ${l.requirement}: ${l.reason}`);
    console.log(`Other request violations the mock accepted: ${verdict.acceptedInvalid.length}`);
    for (const e of verdict.acceptedInvalid.slice(0, 50)) console.log(`  ${describeExchange(e)}`);
    console.log(`Exchanges with warnings only (paths or methods the spec does not describe): ${verdict.warnings.length}`);
    const bypassed = bypassReasons(proxy.exchanges);
    console.log(`Exchanges sent around Prism, unvalidated (Prism cannot carry them unchanged): ${bypassed.reduce((n, b) => n + b.count, 0)}`);
    for (const b of bypassed) console.log(`  ${String(b.count).padStart(4)}  ${b.reason}`);
    console.log('\nFindings by operation (count, statuses):');
    for (const g of groups) console.log(`  ${String(g.count).padStart(4)}  ${g.key}  [${g.statuses.join(', ')}]`);
    const suitePassed = run.result?.gate.exitCode === 0;
    const ok = suitePassed && verdict.responseViolations.length === 0 && verdict.acceptedInvalid.length === 0;
    if (!suitePassed) console.log(`\nThe suite did not pass through Prism: ${run.result?.gate.reason ?? run.output.trim().split('\n').slice(-5).join('\n')}`);
    console.log(`\nPrism check: ${ok ? 'PASS' : 'FAIL'} · ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (ok) rmSync(dir, { recursive: true, force: true });
    else console.log(`Suite reports: ${dir}`);
    return ok ? 0 : 1;
  } finally {
    await proxy?.close();
    await mock.stop();
    await stopAllChildren();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    async (error: unknown) => {
      await stopAllChildren();
      console.error(`prism check: internal error: ${(error as Error).stack ?? String(error)}`);
      process.exitCode = 2;
    },
  );
}

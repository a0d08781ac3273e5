/**
 * The kit's Playwright reporter: prints progress with requirement IDs and a closing summary, then
 * writes conformance.json/.md/.html and junit.xml (see write-reports.ts). Listed in
 * playwright.config.ts, so `wazo-auth-kit test`, `npm test` and a plain `npx playwright test` leave the
 * same reports. It also turns the gate's verdict into Playwright's exit status, so expected failures and
 * --strict mean the same thing whichever way the suite is started.
 *
 * Settings, resolved once in `onBegin` (environment first, then reporter options, then defaults):
 * | variable                 | option           | meaning                                   | default               |
 * |--------------------------|------------------|-------------------------------------------|-----------------------|
 * | WAZO_KIT_REPORTS_DIR     | `outputDir`      | where the reports go                      | `reports/` by the config |
 * | WAZO_KIT_STRICT=1        | `strict`         | should requirements fail the gate too     | off                   |
 * | WAZO_KIT_EXPECT_FAILURES | `expectFailures` | expected-failures YAML file               | none                  |
 * | WAZO_KIT_GREP            | —                | the --grep pattern, to explain skips      | none                  |
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parse } from 'yaml';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import { SPEC_PATH } from '../../spec/loader.ts';
import { PACKAGE_ROOT } from '../../spec/package-root.ts';
import { loadReleases } from '../../spec/releases.ts';
import { loadRequirements, type Catalogue } from '../../spec/requirements.ts';
import { loadExpectedFailures, type ExpectedFailures } from '../expected-failures.ts';
import { passwordsFromEnv, redact, redactDeep, safeUrl } from '../redact.ts';
import { aggregate } from './aggregate.ts';
import { installedSdkVersion } from './sdk-compat.ts';
import type { ConformanceResult, Evidence, FuzzFigures, TestRecord } from './model.ts';
import { callerDirectory, displayPath, paint, printSummary, progressLine } from './terminal.ts';
import { writeReports } from './write-reports.ts';

/** Options accepted in playwright.config.ts: `['./cli/report/reporter.ts', { outputDir: 'reports' }]`. */
export interface KitReporterOptions {
  outputDir?: string;
  strict?: boolean;
  expectFailures?: string;
}

const REPO = PACKAGE_ROOT;
const MAX_MESSAGE = 1200;
const MAX_EVIDENCE = 5;

const truthy = (v: string | undefined) => ['1', 'true', 'yes'].includes((v ?? '').toLowerCase());
// Playwright's messages carry terminal colours; reports must not.
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** Playwright reporter writing the conformance reports; see the module comment. */
export default class KitReporter implements Reporter {
  private readonly options: KitReporterOptions;
  private outputDir = resolve(callerDirectory(), 'reports');
  private strict = false;
  private grep: string | null = null;
  private expectFile: string | null = null;
  private expected: ExpectedFailures = new Map();
  private catalogue!: Catalogue;
  private startedAt = new Date();
  private total = 0;
  private done = 0;
  private readonly records = new Map<string, TestRecord>();
  private readonly runErrors: string[] = [];
  private readonly passwords = passwordsFromEnv();
  private readonly out = (line: string) => process.stdout.write(`${line}\n`);

  constructor(options: KitReporterOptions = {}) {
    this.options = options;
  }

  printsToStdio(): boolean {
    return true;
  }

  /** Resolves the settings (see the module comment); Playwright calls it once, before any test. */
  onBegin(_config: FullConfig, suite: Suite): void {
    // A relative directory is the caller's: reports never land inside the kit (node_modules/ when installed).
    const dir = process.env.WAZO_KIT_REPORTS_DIR || this.options.outputDir;
    this.outputDir = resolve(callerDirectory(), dir || 'reports');
    this.strict = truthy(process.env.WAZO_KIT_STRICT) || this.options.strict === true;
    this.grep = process.env.WAZO_KIT_GREP || null;
    const file = process.env.WAZO_KIT_EXPECT_FAILURES || this.options.expectFailures;
    this.expectFile = file ? resolve(callerDirectory(), file) : null;
    this.catalogue = loadRequirements();
    if (this.expectFile) {
      try {
        this.expected = loadExpectedFailures(this.expectFile, this.catalogue);
      } catch (error) {
        this.runErrors.push((error as Error).message);
      }
    }
    this.startedAt = new Date();
    this.total = suite.allTests().length;
    const t = this.target();
    this.out(
      `${paint.bold('wazo-auth-kit')} · ${t.url ?? 'unknown target'}${t.embeddedMock ? ' (embedded mock)' : ''} · ${this.total} tests over ${this.catalogue.requirements.length} requirements`,
    );
  }

  onError(error: TestError): void {
    const message = this.clean(error.message ?? error.value ?? 'unknown error');
    this.runErrors.push(message);
    this.out(paint.red(`error: ${message}`));
  }

  onStdOut(chunk: string | Buffer, test?: TestCase): void {
    // Output of the global setup and of the tests, redacted like everything else the kit prints.
    process.stdout.write(test ? this.clean(chunk.toString()).replace(/^/gm, '    │ ') : redact(chunk.toString(), this.passwords));
  }

  onStdErr(chunk: string | Buffer, test?: TestCase): void {
    process.stderr.write(test ? this.clean(chunk.toString()).replace(/^/gm, '    │ ') : redact(chunk.toString(), this.passwords));
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const record = this.record(test, result);
    const last = result.retry >= test.retries || result.status === 'passed' || result.status === 'skipped';
    this.records.set(test.id, record);
    if (last) this.done++;
    this.out(progressLine(record, this.done, this.total, !last));
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] }> {
    // Playwright swallows a reporter's exceptions silently; a broken report must not look like a pass.
    try {
      return await this.finish(result);
    } catch (error) {
      this.out(paint.red(`wazo-auth-kit: internal error while writing the reports: ${(error as Error).stack ?? String(error)}`));
      return { status: 'failed' };
    }
  }

  private async finish(result: FullResult): Promise<{ status?: FullResult['status'] }> {
    const finishedAt = new Date();
    const tests = [...this.records.values()];
    const started = performance.now();
    const conformance = aggregate(this.catalogue, tests, {
      kitVersion: kitVersion(),
      specVersion: specVersion(),
      target: this.target(),
      startedAt: this.startedAt,
      finishedAt,
      strict: this.strict,
      grep: this.grep,
      expectFailuresFile: this.expectFile ? displayPath(this.expectFile) : null,
      expected: this.expected,
      runStatus: result.status,
      runErrors: this.runErrors,
      sdkVersion: installedSdkVersion(),
      wazoVersion: loadReleases().resolve(process.env.WAZO_VERSION ?? '') ?? null,
    });
    let files: string[] = [];
    try {
      files = writeReports(this.outputDir, conformance, tests, this.catalogue.areas);
    } catch (error) {
      this.out(paint.red(`wazo-auth-kit: could not write the reports to ${this.outputDir}: ${(error as Error).message}`));
      return { status: 'failed' };
    }
    printSummary(this.out, conformance, files, this.outputDir, performance.now() - started);
    if (result.status === 'interrupted') return { status: 'interrupted' };
    return { status: conformance.gate.exitCode === 0 ? 'passed' : 'failed' };
  }

  /** The server under test, without credentials: WAZO_AUTH_URL, or the mock the config started. */
  private target(): ConformanceResult['target'] {
    const url = process.env.WAZO_AUTH_URL?.trim();
    if (url) return { url: safeUrl(url), embeddedMock: false };
    // suites/target.ts pins the embedded mock's port in WAZO_KIT_MOCK_PORT for the workers.
    const port = process.env.WAZO_KIT_MOCK_PORT;
    return { url: port ? `http://127.0.0.1:${port}/0.1` : null, embeddedMock: true };
  }

  private clean(text: string): string {
    return redact(stripAnsi(text), this.passwords);
  }

  private record(test: TestCase, result: TestResult): TestRecord {
    const annotations = [...test.annotations, ...(result.annotations ?? [])];
    const seen = new Set<string>();
    const unique = annotations.filter((a) => {
      const key = `${a.type}\u0000${a.description ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const of = (type: string) => unique.filter((a) => a.type === type).map((a) => a.description ?? '');
    const severity = of('severity')[0];
    const error = result.errors[0];
    const message = error ? this.clean(error.message ?? error.value ?? 'error').slice(0, MAX_MESSAGE) : undefined;
    return {
      title: this.clean(test.titlePath().slice(3).join(' › ')),
      file: relative(REPO, test.location.file),
      line: test.location.line,
      project: test.parent.project()?.name ?? '',
      status: result.status,
      flaky: test.outcome() === 'flaky',
      durationMs: Math.max(0, Math.round(result.duration)),
      requirements: [...new Set(of('requirement').flatMap((d) => d.split(/[\s,]+/)).filter(Boolean))],
      ...(severity === 'must' || severity === 'should' ? { severity } : {}),
      warnings: of('warning').map((w) => this.clean(w)),
      ...(result.status === 'skipped' ? { skipReason: this.clean([...of('skip'), ...of('fixme')].find(Boolean) ?? 'skipped') } : {}),
      ...(message !== undefined && (result.status === 'failed' || result.status === 'timedOut') ? { error: message } : {}),
      evidence: this.evidence(result),
      specViolations: of('spec-violation').map((v) => this.clean(v)),
      cleanupProblems: of('cleanup').map((c) => this.clean(c)),
      proofs: of('proof').map((p) => this.clean(p)),
      ...(of('sdk-relay')[0] ? { sdkRelay: this.clean(of('sdk-relay')[0]!) } : {}),
      ...fuzzFigures(of('fuzz')[0]),
      observations: of('release-behaviour').flatMap((text) => {
        try {
          const o = JSON.parse(text) as { behaviour?: unknown; present?: unknown; detail?: unknown };
          if (typeof o.behaviour !== 'string' || typeof o.present !== 'boolean') return [];
          return [{ behaviour: o.behaviour, present: o.present, ...(typeof o.detail === 'string' ? { detail: this.clean(o.detail) } : {}) }];
        } catch {
          return [];
        }
      }),
    };
  }

  private evidence(result: TestResult): Evidence[] {
    const out: Evidence[] = [];
    for (const a of result.attachments) {
      if (a.name !== 'evidence') continue;
      let text: string | undefined;
      try {
        text = a.body ? a.body.toString('utf8') : a.path ? readFileSync(a.path, 'utf8') : undefined;
      } catch {
        continue;
      }
      if (text === undefined) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = { note: text.slice(0, 500) };
      }
      // suites/fixtures.ts attaches {exchanges: [...], omitted: n}; a bare array or object is accepted too.
      const exchanges = value && typeof value === 'object' && Array.isArray((value as { exchanges?: unknown }).exchanges) ? (value as { exchanges: unknown[] }).exchanges : value;
      for (const item of Array.isArray(exchanges) ? exchanges : [exchanges]) {
        if (item && typeof item === 'object') out.push(redactDeep(item as Evidence, this.passwords));
      }
    }
    return out.slice(-MAX_EVIDENCE);
  }
}

/** The fuzz phase's figures from its annotation (suites/robustness.spec.ts), if any. */
function fuzzFigures(text: string | undefined): { fuzz?: FuzzFigures } {
  if (!text) return {};
  try {
    const f = JSON.parse(text) as Partial<FuzzFigures>;
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    return { fuzz: { seed: n(f.seed), requests: n(f.requests), shrinkRequests: n(f.shrinkRequests), housekeepingRequests: n(f.housekeepingRequests), durationMs: n(f.durationMs), findings: n(f.findings), stoppedBy: String(f.stoppedBy ?? 'count') } };
  } catch {
    return {};
  }
}

let version: string | undefined;
function kitVersion(): string {
  version ??= (JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

function specVersion(): string {
  // Only info.version is needed: parse the YAML rather than compile every validator of the loader.
  const doc = parse(readFileSync(SPEC_PATH, 'utf8')) as { info?: { version?: unknown } };
  return String(doc.info?.version ?? 'unknown');
}

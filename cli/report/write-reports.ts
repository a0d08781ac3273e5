/**
 * Writes the kit's own reports into one directory: conformance.json (checked against its schema first),
 * conformance.md, conformance.html and junit.xml. Playwright's HTML report is written by Playwright
 * itself, into `html/` of the same directory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { ConformanceResult, TestRecord } from './model.ts';
import { validateResult } from './schema.ts';

/** File names inside the reports directory. */
export const REPORT_FILES = {
  json: 'conformance.json',
  markdown: 'conformance.md',
  html: 'conformance.html',
  junit: 'junit.xml',
  playwrightHtml: join('html', 'index.html'),
} as const;

/**
 * Writes the four files and returns their paths. A result that breaks its own schema is a kit bug: it
 * is still written (to be looked at), with the problem added to the run errors and the gate failed.
 */
export function writeReports(dir: string, result: ConformanceResult, tests: TestRecord[], areaTitles: ReadonlyMap<string, string>): string[] {
  const problems = validateResult(result);
  if (problems.length > 0) {
    result.run.errors.push(`internal: conformance.json does not match spec/conformance-result.schema.json: ${problems.slice(0, 3).join('; ')}`);
    if (result.gate.exitCode === 0) result.gate = { exitCode: 1, verdict: 'fail', reason: result.run.errors.at(-1)! };
  }
  mkdirSync(dir, { recursive: true });
  const written: [string, string][] = [
    [REPORT_FILES.json, `${JSON.stringify(result, null, 2)}\n`],
    [REPORT_FILES.markdown, renderMarkdown(result)],
    [REPORT_FILES.html, renderHtml(result, areaTitles)],
    [REPORT_FILES.junit, renderJunit(tests, result)],
  ];
  for (const [name, content] of written) writeFileSync(join(dir, name), content);
  return written.map(([name]) => join(dir, name));
}

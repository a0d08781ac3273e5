import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRequirements } from '../../spec/requirements.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { syntheticRun } from './synthetic.ts';

const catalogue = loadRequirements();

test('conformance.md names the verdict, the failed requirement with its evidence, and the skips', () => {
  const { result, plan } = syntheticRun(catalogue);
  const md = renderMarkdown(result);
  assert.match(md, /^## wazo-auth conformance: ❌ FAIL/);
  assert.match(md, new RegExp(`\\| \`${plan.failed}\` \\| must \\|.*POST /0\\.1/token → 200`));
  assert.match(md, new RegExp(`\`${plan.noTest}\` \\| must \\| no test`));
  assert.match(md, new RegExp(`Expected failures that now pass[^\\n]*\\n[^]*\`${plan.expectedNowPasses}\``));
  for (const area of catalogue.areas.keys()) assert.match(md, new RegExp(`^\\| ${area} \\|`, 'm'));
});

test('conformance.md keeps table cells on one line (first line of a message) and escapes pipes', () => {
  const { result, plan } = syntheticRun(catalogue);
  result.requirements.find((r) => r.id === plan.failed)!.findings[0]!.message = '\na | b\nsecond line';
  result.requirements.find((r) => r.id === plan.failed)!.title = 'x\ny';
  const md = renderMarkdown(result);
  assert.match(md, /→ 200: a \\\| b \(spec: /);
  assert.doesNotMatch(md, /second line/);
  assert.match(md, /\| x y \|/);
});

test('conformance.html has one matrix cell per catalogue requirement, coloured by status', () => {
  const { result, plan } = syntheticRun(catalogue);
  const html = renderHtml(result, catalogue.areas);
  const cells = html.match(/<a class="cell /g) ?? [];
  assert.equal(cells.length, catalogue.requirements.length);
  assert.match(html, new RegExp(`class="cell s-failed sev-must" href="#req-${plan.failed}"`));
  assert.match(html, new RegExp(`class="cell s-expected-failure sev-must" href="#req-${plan.expectedFailure}"`));
  assert.match(html, new RegExp(`class="cell s-passed sev-must now-passes" href="#req-${plan.expectedNowPasses}"`));
  assert.match(html, new RegExp(`id="req-${plan.failed}" data-requirement="${plan.failed}" data-status="failed"[^>]* open>`));
});

test('conformance.html is self-contained: no script, no external resource', () => {
  const html = renderHtml(syntheticRun(catalogue).result, catalogue.areas);
  assert.doesNotMatch(html, /<script|<link|<img|src=|@import|url\(/i);
  assert.doesNotMatch(html, /https?:\/\/(?!127\.0\.0\.1)/);
});

test('conformance.html escapes what the server sent', () => {
  const { result, plan } = syntheticRun(catalogue);
  result.requirements.find((r) => r.id === plan.failed)!.findings[0]!.evidence = [{ body: '<script>alert(1)</script>' }];
  const html = renderHtml(result);
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('junit.xml has one testcase per test, requirement IDs in names and properties, failures with evidence', () => {
  const { result, tests, plan } = syntheticRun(catalogue);
  const xml = renderJunit(tests, result);
  assert.equal((xml.match(/<testcase /g) ?? []).length, tests.length);
  assert.match(xml, new RegExp(`<testcase name="\\[${plan.failed}\\] [^"]*"`));
  assert.match(xml, new RegExp(`<property name="requirement" value="${plan.failed}"/>`));
  const failure = /<failure message="([^"]*)" type="([^"]*)">([^<]*)<\/failure>/.exec(xml);
  assert.ok(failure, 'a failure element');
  assert.equal(failure[2], plan.failed);
  assert.match(failure[1]!, /POST \/0\.1\/token → 200/);
  assert.match(failure[3]!, /utc_expires_at/);
  assert.equal((xml.match(/<failure /g) ?? []).length, 1, 'the expected failure is not a JUnit failure');
  assert.match(xml, /<skipped message="expected failure: known defect of this host"\/>/);
  assert.match(xml, /<skipped message="needs admin credentials/);
  assert.match(xml, /<testsuites [^>]*tests="\d+" failures="1" errors="0"/);
});

test('junit.xml escapes XML and drops control characters', () => {
  const { result, tests } = syntheticRun(catalogue);
  tests[0]!.title = 'a <b> & "c" \u0001';
  const xml = renderJunit(tests, result);
  assert.match(xml, /a &lt;b&gt; &amp; &quot;c&quot; "/);
});

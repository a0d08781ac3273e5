/**
 * Opens conformance.html in a real Chromium and checks what a reader sees: the matrix with one cell per
 * requirement, failures in red and expanded with their evidence, nothing fetched from elsewhere.
 *
 * Needs Debian's chromium at /usr/bin/chromium (`apt-get install -y chromium`); without it the tests
 * are skipped with that reason (node:test prints it), never passed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import { loadRequirements } from '../../spec/requirements.ts';
import { renderHtml } from './html.ts';
import { syntheticRun } from './synthetic.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser check`;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const catalogue = loadRequirements();
const { result, plan } = syntheticRun(catalogue);
let browser: Browser | undefined;
let page: Page;
const requests: string[] = [];

before(async () => {
  if (skip) return;
  const dir = mkdtempSync(join(tmpdir(), 'wak-html-'));
  const file = join(dir, 'conformance.html');
  writeFileSync(file, renderHtml(result, catalogue.areas));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
});

after(async () => {
  await browser?.close();
});

test('the matrix shows one cell per catalogue requirement, one row per area', { skip }, async () => {
  assert.equal(await page.locator('table.matrix a.cell').count(), catalogue.requirements.length);
  assert.equal(await page.locator('table.matrix tr[data-area]').count(), catalogue.areas.size);
  for (const area of catalogue.areas.keys()) {
    const expected = catalogue.requirements.filter((r) => r.area === area).length;
    assert.equal(await page.locator(`tr[data-area="${area}"] a.cell`).count(), expected, `cells of area ${area}`);
  }
  // Every cell is actually laid out (not collapsed to nothing by the CSS).
  const sizes = await page.locator('a.cell').evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect()).map((r) => r.width * r.height));
  assert.ok(sizes.every((s) => s > 100), 'every cell has a visible area');
});

test('cells are coloured by status', { skip }, async () => {
  const colour = (id: string) => page.locator(`a.cell[data-requirement="${id}"]`).evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(await colour(plan.failed), 'rgb(207, 34, 46)');
  assert.equal(await colour(plan.expectedFailure), 'rgb(130, 80, 223)');
  const passed = result.requirements.find((r) => r.status === 'passed' && !r.expectedFailure)!.id;
  assert.equal(await colour(passed), 'rgb(26, 127, 55)');
  assert.notEqual(await colour(plan.warning), await colour(passed));
});

test('a failed requirement is expanded with its evidence, visible without a click', { skip }, async () => {
  const block = page.locator(`details#req-${plan.failed}`);
  assert.equal(await block.getAttribute('open'), '');
  const evidence = block.locator('dl.evidence').first();
  assert.ok(await evidence.isVisible(), 'the evidence is displayed');
  const text = await evidence.innerText();
  assert.match(text, /POST \/0\.1\/token/);
  assert.match(text, /utc_expires_at/);
  assert.match(await block.locator('.finding .msg').first().innerText(), /Expected: 400/);
});

test('clicking a cell leads to its requirement', { skip }, async () => {
  await page.locator(`a.cell[data-requirement="${plan.noTest}"]`).click();
  assert.ok(page.url().endsWith(`#req-${plan.noTest}`));
  assert.match(await page.locator(`details#req-${plan.noTest} summary`).innerText(), /skipped/);
});

test('the verdict is the first thing on the page, and nothing is fetched from elsewhere', { skip }, async () => {
  assert.match(await page.locator('header h1').innerText(), /FAIL/);
  assert.deepEqual(
    requests.filter((u) => !u.startsWith('file://')),
    [],
  );
});

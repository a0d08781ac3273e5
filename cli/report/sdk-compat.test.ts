import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadRequirements } from '../../spec/requirements.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import type { RequirementResult } from './model.ts';
import { validateResult } from './schema.ts';
import { installedSdkVersion, SDK_AREA, sdkCompatibility } from './sdk-compat.ts';
import { syntheticRun } from './synthetic.ts';
import { printSummary } from './terminal.ts';

const catalogue = loadRequirements();
const req = (id: string, status: RequirementResult['status'], reason?: string, area = SDK_AREA): RequirementResult => ({
  id,
  title: id,
  area,
  severity: 'must',
  source: 'sdk',
  status,
  ...(reason ? { reason } : {}),
  tests: [],
  findings: [],
});

test('the catalogue has the sdk area with must requirements SDK-COMPAT-*', () => {
  const profile = catalogue.requirements.filter((r) => r.area === SDK_AREA);
  assert.ok(profile.length >= 9, 'the nine flows of the profile');
  for (const r of profile) {
    assert.match(r.id, /^SDK-COMPAT-/);
    assert.equal(r.severity, 'must');
  }
});

test('the installed @wazo/sdk version is the one package.json pins', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const pinned = pkg.dependencies?.['@wazo/sdk'] ?? pkg.devDependencies?.['@wazo/sdk'];
  assert.match(pinned, /^\d+\.\d+\.\d+$/, 'an exact pin, so that the reports name what was checked');
  assert.equal(installedSdkVersion(), pinned);
});

test('compatible, incompatible, partial, not checked', () => {
  const others = [req('TOKEN-BASIC-AUTH', 'failed', undefined, 'token-creation')];
  assert.equal(sdkCompatibility(others, '1.2.3'), undefined, 'no sdk area: no line');
  const all = sdkCompatibility([...others, req('SDK-COMPAT-A', 'passed'), req('SDK-COMPAT-B', 'warning')], '1.2.3')!;
  assert.deepEqual([all.status, all.summary, all.passed, all.requirements], ['compatible', 'compatible with @wazo/sdk 1.2.3', 2, 2]);
  const broken = sdkCompatibility([req('SDK-COMPAT-A', 'failed'), req('SDK-COMPAT-B', 'expected-failure'), req('SDK-COMPAT-C', 'passed')], '1.2.3')!;
  assert.equal(broken.status, 'incompatible');
  assert.deepEqual(broken.failed, ['SDK-COMPAT-A', 'SDK-COMPAT-B']);
  assert.equal(broken.summary, 'not compatible with @wazo/sdk 1.2.3: SDK-COMPAT-A, SDK-COMPAT-B fail');
  const partial = sdkCompatibility([req('SDK-COMPAT-A', 'passed'), req('SDK-COMPAT-B', 'skipped', 'no test selected by --grep "x"')], '1.2.3')!;
  assert.equal(partial.summary, 'compatible with @wazo/sdk 1.2.3 as far as checked: 1 of 2 flows passed, 1 skipped');
  const skipped = sdkCompatibility([req('SDK-COMPAT-A', 'skipped', '@wazo/sdk only talks to https://HOST[:PORT]/api/auth/0.1'), req('SDK-COMPAT-B', 'skipped')], null)!;
  assert.equal(skipped.status, 'not-checked');
  assert.equal(skipped.summary, 'compatibility with @wazo/sdk (version unknown) not checked: @wazo/sdk only talks to https://HOST[:PORT]/api/auth/0.1');
});

test("through the kit's TLS relay: the line says so and conformance.json names the route", () => {
  const how = "through the kit's local TLS relay (https://127.0.0.1:4000/api/auth/0.1/* relayed to http://127.0.0.1:9497/0.1/*)";
  const relayed = sdkCompatibility([req('SDK-COMPAT-A', 'passed')], '1.2.3', how)!;
  assert.equal(relayed.summary, "compatible with @wazo/sdk 1.2.3 (through the kit's TLS relay)");
  assert.equal(relayed.relay, how);
  const failing = sdkCompatibility([req('SDK-COMPAT-A', 'failed')], '1.2.3', how)!;
  assert.equal(failing.summary, "not compatible with @wazo/sdk 1.2.3 (through the kit's TLS relay): SDK-COMPAT-A fails");
  const { result } = syntheticRun(catalogue, { sdkVersion: '0.44.7' });
  assert.deepEqual(validateResult({ ...result, sdk: { ...result.sdk!, relay: how } }), [], 'the schema knows `relay`');
  assert.equal(sdkCompatibility([req('SDK-COMPAT-A', 'passed')], '1.2.3')!.relay, undefined, 'direct: no relay field');
});

test('conformance.json, .md, .html and the terminal summary carry the line', () => {
  const { result } = syntheticRun(catalogue, { sdkVersion: '0.44.7' });
  assert.equal(result.sdk?.summary, 'compatible with @wazo/sdk 0.44.7');
  assert.deepEqual(validateResult(result), [], 'conformance.json with `sdk` matches its schema');
  assert.deepEqual(validateResult({ ...result, sdk: { ...result.sdk, status: 'maybe' } }).length > 0, true, 'the schema checks the status');
  assert.match(renderMarkdown(result), /^✅ compatible with @wazo\/sdk 0\.44\.7$/m);
  assert.match(renderHtml(result, catalogue.areas), /<p class="sdk" id="sdk" data-sdk="compatible">✔ compatible with @wazo\/sdk 0\.44\.7<\/p>/);
  const lines: string[] = [];
  printSummary((l) => lines.push(l), result, [], 'reports', 1);
  assert.ok(lines.some((l) => /SDK:.*compatible with @wazo\/sdk 0\.44\.7/.test(l)), lines.join('\n'));
});

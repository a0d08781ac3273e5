import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadSpec, operationBehaviour } from './loader.ts';
import { buildReleaseTable, loadReleases, operationKey, RELEASES_PATH } from './releases.ts';
import { loadRequirements } from './requirements.ts';

const table = loadReleases();

test('the table lists every supported release from 24.01 to master, oldest first, and the newest release', () => {
  assert.equal(table.releases[0], '24.01');
  assert.equal(table.releases.at(-1), 'master');
  assert.equal(table.newest, '26.05');
  assert.deepEqual(table.recorded, ['24.01', '25.01', '26.05', 'master']);
  assert.ok(table.releases.includes('24.17') && table.releases.includes('25.09'));
});

test('resolve accepts the forms users type and refuses unknown releases', () => {
  assert.equal(table.resolve('26.05'), '26.05');
  assert.equal(table.resolve('wazo-26.05'), '26.05');
  assert.equal(table.resolve(' MASTER '), 'master');
  assert.equal(table.resolve('27.01'), undefined);
  assert.equal(table.resolve('26.5'), undefined);
});

test('holds follows since/until by position, master after every tag', () => {
  assert.equal(table.holds('sessions-revoked-header', 'master'), true);
  assert.equal(table.holds('sessions-revoked-header', '26.05'), false);
  assert.equal(table.holds('session-limit', '24.08'), false);
  assert.equal(table.holds('session-limit', '24.09'), true);
  assert.equal(table.holds('session-limit', 'master'), true);
  assert.throws(() => table.holds('no-such-behaviour', '24.01'), /unknown behaviour/);
});

test('labels join contiguous releases into ranges', () => {
  assert.equal(table.label(['26.05', 'master']), '26.05 – master');
  assert.equal(table.label(['24.01', '24.02', '26.05']), '24.01 – 24.02, 26.05');
  assert.equal(table.label([]), 'no supported release');
  assert.equal(table.rangeLabel('mobile-refresh-token-rotation'), '26.05 – master');
  assert.equal(table.rangeLabel('mobile-refresh-token-rotation', false), '24.01 – 26.04');
});

test('inference narrows the candidates to the releases every observation agrees with', () => {
  const v = table.infer([
    { behaviour: 'sessions-revoked-header', present: false },
    { behaviour: 'mobile-refresh-token-rotation', present: true },
  ]);
  assert.deepEqual(v.candidates, ['26.05']);
  assert.equal(v.label, '26.05');
  assert.deepEqual(v.contradictions, []);
  assert.equal(table.infer([{ behaviour: 'session-limit', present: true }, { behaviour: 'refresh-token-metadata', present: false }]).label, '24.09 – 25.08');
});

test('observations that exclude each other are both reported, with the releases each points to', () => {
  const v = table.infer([
    { behaviour: 'sessions-revoked-header', present: true },
    { behaviour: 'refresh-token-metadata', present: false },
    { behaviour: 'session-limit', present: true },
  ]);
  assert.deepEqual(v.candidates, []);
  assert.deepEqual(
    v.contradictions.map((c) => [c.behaviour, c.holdsIn]),
    [
      ['sessions-revoked-header', 'master'],
      ['refresh-token-metadata', '24.01 – 25.08'],
    ],
  );
});

test('a given release keeps only the observations that disagree with it', () => {
  const v = table.infer([{ behaviour: 'mobile-refresh-token-rotation', present: true }, { behaviour: 'session-limit', present: true }], '24.01');
  assert.deepEqual(v.candidates, []);
  assert.deepEqual(v.contradictions.map((c) => c.behaviour).sort(), ['mobile-refresh-token-rotation', 'session-limit']);
  assert.deepEqual(table.infer([{ behaviour: 'session-limit', present: true }], '25.01').candidates, ['25.01']);
});

test('representatives cover every combination of behaviours, the recorded releases included', () => {
  const chosen = table.representatives();
  for (const r of table.recorded) assert.ok(chosen.includes(r), r);
  const key = (r: string) => [...table.behaviours.keys()].map((b) => table.holds(b, r)).join();
  assert.deepEqual(new Set(chosen.map(key)), new Set(table.releases.map(key)));
});

test('the table refuses unknown releases, ranges its observations contradict, and behaviours without a range', () => {
  const source = readFileSync(RELEASES_PATH, 'utf8');
  assert.throws(() => buildReleaseTable(source.replace("since: '24.09'", "since: '24.99'")), /24\.99/);
  assert.throws(() => buildReleaseTable(source.replace("since: '24.09'", "since: '25.02'")), /observed on 25\.01/);
  assert.throws(() => buildReleaseTable(source.replace("    since: '24.09'\n", '')), /holds everywhere/);
});

test('every release-dependent requirement names a behaviour of the table, and every behaviour has a requirement or brings operations', () => {
  const named = loadRequirements().requirements.filter((r) => r.behaviour).map((r) => r.behaviour!);
  for (const b of named) assert.ok(table.behaviours.has(b), b);
  assert.deepEqual([...table.behaviours.values()].filter((b) => !named.includes(b.name) && b.operations.length === 0).map((b) => b.name), []);
});

test('an operation marked x-wazo-behaviour is listed under that behaviour, and a listed operation the description has is marked with it', () => {
  const spec = loadSpec();
  const listedUnder = new Map<string, string>();
  for (const b of table.behaviours.values()) {
    for (const key of b.operations) {
      assert.ok(!listedUnder.has(key), `${key} is listed under ${listedUnder.get(key)} and ${b.name}`);
      listedUnder.set(key, b.name);
    }
  }
  for (const op of spec.operations) {
    const key = operationKey(op.method, op.path);
    const marked = operationBehaviour(op);
    if (marked !== undefined) assert.equal(listedUnder.get(key), marked.replace(/^!/, ''), `${key} (${op.operationId}) is marked ${marked}: list it under that behaviour's operations`);
    else assert.equal(listedUnder.get(key), undefined, `${key} (${op.operationId}) is listed under ${listedUnder.get(key)}: mark it x-wazo-behaviour: ${listedUnder.get(key)}`);
  }
});

test('operations are given as METHOD /path and compared whatever their parameters are named', () => {
  assert.equal(operationKey('put', '/tenants/{tenant_uuid}/parent/{parent_uuid}'), 'PUT /tenants/{}/parent/{}');
  assert.deepEqual(table.behaviours.get('tenant-parent-change')?.operations, ['PUT /tenants/{}/parent/{}']);
  const source = readFileSync(RELEASES_PATH, 'utf8');
  assert.throws(() => buildReleaseTable(source.replace("operations: ['GET /tenants/{}/domains']", "operations: ['/tenants/{}/domains']")), /tenant-domains-listing\.operations: \/tenants\/\{\}\/domains is not `METHOD \/path`/);
});

test('docs/releases.md is the current rendering of the release table', async () => {
  const { renderReleases } = await import('./releases-doc.ts');
  const committed = readFileSync(new URL('../docs/releases.md', import.meta.url), 'utf8');
  assert.equal(committed, renderReleases(table, loadRequirements()), 'run: npx tsx spec/releases-doc.ts > docs/releases.md');
});

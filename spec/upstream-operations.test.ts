/**
 * The description covers upstream: every operation upstream wazo-auth's `api.yml` files declare at each
 * release the kit runs (spec/fixtures/upstream-operations.json, listed from the upstream repository by
 * spec/fixtures/upstream-operations.ts) is described, and the description built for that release has
 * exactly those (an operation a release lacks carries `x-wazo-behaviour`), plus the kit's own extras.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadSpec } from './loader.ts';

const upstream = JSON.parse(readFileSync(new URL('./fixtures/upstream-operations.json', import.meta.url), 'utf8')) as { releases: Record<string, string[]> };

/** Described by the kit but not by upstream's plugin files: the self-description the service serves. */
const KIT_EXTRAS = ['GET /api/api.yml'];

/** `METHOD /path` with parameter names dropped: `{user_uuid}` and `{user_uuid_or_me}` are one route. */
const route = (key: string) => key.replace(/\{[^}]+\}/g, '{}');
const described = (releases?: readonly string[]) => loadSpec(releases).operations.map((o) => route(`${o.method.toUpperCase()} ${o.path}`));

test('every operation of upstream’s api.yml files is described', (t) => {
  const all = new Set(Object.values(upstream.releases).flat().map(route));
  const ours = new Set(described());
  const missing = [...all].filter((key) => !ours.has(key));
  assert.deepEqual(missing, [], 'upstream operations the description lacks');
  const extra = [...ours].filter((key) => !all.has(key));
  assert.deepEqual(extra.sort(), KIT_EXTRAS.map(route).sort(), 'operations described that upstream does not declare');
  t.diagnostic(`described: ${all.size} of ${all.size} upstream operations (+ ${KIT_EXTRAS.length} of the kit's own: ${KIT_EXTRAS.join(', ')})`);
});

for (const [release, operations] of Object.entries(upstream.releases)) {
  test(`the description built for ${release} has exactly ${release}'s operations`, (t) => {
    const ours = described([release]).sort();
    const expected = [...operations.map(route), ...KIT_EXTRAS.map(route)].sort();
    assert.deepEqual(ours, expected);
    t.diagnostic(`${release}: ${operations.length} upstream operations, all described`);
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRequirements } from '../spec/requirements.ts';
import { UsageError } from './errors.ts';
import { closest, loadExpectedFailures, parseExpectedFailures } from './expected-failures.ts';

const catalogue = loadRequirements();
const [first, second] = catalogue.requirements.map((r) => r.id);

test('a valid file maps each requirement ID to its reason', () => {
  const parsed = parseExpectedFailures(`expected-failures:\n  - id: ${first}\n    reason: ' known defect '\n  - id: ${second}\n    reason: other\n`, catalogue);
  assert.deepEqual([...parsed], [
    [first, 'known defect'],
    [second, 'other'],
  ]);
});

test('an empty list is allowed', () => {
  assert.equal(parseExpectedFailures('expected-failures:\n', catalogue).size, 0);
});

const rejects = (source: string, pattern: RegExp) =>
  assert.throws(() => parseExpectedFailures(source, catalogue, 'hosts/x.yaml'), (e: unknown) => e instanceof UsageError && e.exitCode === 2 && pattern.test(e.message));

test('an unknown ID is named, with the nearest known one when it looks like a typo', () => {
  rejects('expected-failures:\n  - id: TOKEN-BASIC-AUHT\n    reason: x\n', /hosts\/x\.yaml, entry 1: unknown requirement ID "TOKEN-BASIC-AUHT" \(did you mean TOKEN-BASIC-AUTH\?\)/);
  rejects('expected-failures:\n  - id: NOTHING-LIKE-IT-AT-ALL\n    reason: x\n', /unknown requirement ID "NOTHING-LIKE-IT-AT-ALL"; IDs are listed in spec\/requirements.yaml/);
});

test('every entry needs a reason', () => {
  rejects(`expected-failures:\n  - id: ${first}\n`, /entry 1 \(.+\): "reason" must say why/);
  rejects(`expected-failures:\n  - id: ${first}\n    reason: "  "\n`, /"reason" must say why/);
});

test('duplicates, unknown keys, wrong shapes and bad YAML are refused', () => {
  rejects(`expected-failures:\n  - {id: ${first}, reason: a}\n  - {id: ${first}, reason: b}\n`, /entry 2: .* listed twice/);
  rejects(`expected-failures:\n  - {id: ${first}, reason: a, until: 2027}\n`, /unknown key "until"/);
  rejects(`- ${first}\n`, /top-level "expected-failures:" list/);
  rejects(`expected_failures: []\n`, /unknown key "expected_failures"/);
  rejects(`expected-failures: {${first}: a}\n`, /top-level/);
  rejects(`expected-failures:\n  - ${first}\n`, /entry 1: expected \{id, reason\}/);
  rejects('expected-failures: [\n', /not valid YAML/);
});

test('a missing file is a usage error naming it', () => {
  assert.throws(() => loadExpectedFailures('/nonexistent/x.yaml', catalogue), /cannot read the expected-failures file \/nonexistent\/x\.yaml: ENOENT/);
});

test('a file on disk loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wak-xf-'));
  const file = join(dir, 'x.yaml');
  writeFileSync(file, `expected-failures:\n  - id: ${first}\n    reason: r\n`);
  assert.equal(loadExpectedFailures(file, catalogue).get(first!), 'r');
});

test('closest only suggests near misses', () => {
  assert.equal(closest('token-basic-auth', ['TOKEN-BASIC-AUTH', 'X']), 'TOKEN-BASIC-AUTH');
  assert.equal(closest('ZZZ', ['TOKEN-BASIC-AUTH']), undefined);
});

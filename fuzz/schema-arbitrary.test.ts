/** Unit tests of the schema-driven arbitraries: valid values validate, each break is refused. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadSpec, type JsonObject } from '../spec/loader.ts';
import { breaks, filler, valid } from './schema-arbitrary.ts';

const spec = loadSpec();
/** Every property schema of every request body of the description. */
const fields = spec.operations.flatMap((op) =>
  Object.entries(((op.requestBody?.object.properties ?? {}) as Record<string, JsonObject | boolean>)).flatMap(([name, s]) => (typeof s === 'object' ? [{ where: `${op.operationId}.${name}`, schema: s }] : [])),
);

test('valid() gives values the schema accepts', () => {
  assert.ok(fields.length > 15);
  for (const { where, schema } of fields) {
    const validate = spec.compile(schema);
    for (const value of fc.sample(valid(schema), { seed: 3, numRuns: 30 })) assert.ok(validate(value), `${where}: ${JSON.stringify(value)}`);
  }
});

test('breaks() gives values the schema refuses, at least one per constrained field', () => {
  for (const { where, schema } of fields) {
    const validate = spec.compile(schema);
    const broken = breaks(schema);
    if (schema.type !== undefined) assert.ok(broken.length > 0, `${where} has breaks`);
    for (const b of broken) assert.equal(validate(b.value), false, `${where}: ${b.note} (${JSON.stringify(b.value).slice(0, 40)}) is refused`);
  }
});

test('x-wazo-lenient-integer: floats and digit strings are not taken for type breaks', () => {
  const expiration = fields.find((f) => f.where === 'createToken.expiration')!.schema;
  for (const b of breaks(expiration).filter((x) => x.kind === 'type')) {
    assert.notEqual(typeof b.value, 'number');
    assert.ok(!(typeof b.value === 'string' && /^\d+$/.test(b.value)));
  }
});

test('lengths: one past each bound, and an oversized value only when asked', () => {
  const clientId = fields.find((f) => f.where === 'createToken.client_id')!.schema;
  const lengths = breaks(clientId).filter((b) => b.kind === 'length').map((b) => (b.value as string).length);
  assert.deepEqual(lengths, [0, 1025, 16384]);
  assert.deepEqual(breaks(clientId, { oversized: false }).filter((b) => b.kind === 'length').map((b) => (b.value as string).length), [0, 1025]);
  assert.equal(filler(10), 'wak.wak.wa');
});

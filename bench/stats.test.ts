import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentile } from './load.ts';
import { median, ratio } from './stats.ts';
import { slices } from './workloads.ts';

test('median takes the middle value, or the mean of the two middle ones, and ignores NaN', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([Number.NaN, 5]), 5);
  assert.ok(Number.isNaN(median([])));
});

test('ratio is NaN rather than Infinity when the divisor is 0', () => {
  assert.equal(ratio(10, 4), 2.5);
  assert.ok(Number.isNaN(ratio(1, 0)));
});

test('percentile uses the nearest rank of sorted values', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 0.5), 50);
  assert.equal(percentile(values, 0.99), 99);
  assert.equal(percentile([7], 0.99), 7);
  assert.ok(Number.isNaN(percentile([], 0.5)));
});

test('slices gives each connection its own contiguous share, and reuses items when there are too few', () => {
  const parts = slices([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3);
  assert.deepEqual(parts, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  assert.deepEqual(slices(['a', 'b'], 3), [['a'], ['b'], ['a']]);
  assert.throws(() => slices([], 2));
});

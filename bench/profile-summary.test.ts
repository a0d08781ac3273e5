import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarise } from './profile-summary.ts';

test('summarise adds self time per function and inclusive time up the stack, idle apart', () => {
  const frame = (functionName: string, url = 'file:///x/mock/app.ts') => ({ functionName, url, lineNumber: 0 });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 4] },
      { id: 2, callFrame: frame('handle'), children: [3] },
      { id: 3, callFrame: frame('writev', '') },
      { id: 4, callFrame: frame('(idle)', '') },
    ],
    samples: [3, 3, 2, 4],
    timeDeltas: [10, 10, 5, 100],
    startTime: 0,
    endTime: 125,
  };
  const s = summarise(profile);
  assert.equal(s.totalUs, 125);
  assert.equal(s.idleUs, 100);
  assert.equal(s.byFunction[0]?.name, 'writev (native)');
  assert.equal(s.byFunction[0]?.us, 20);
  assert.equal(s.inclusive.find((f) => f.name.startsWith('handle'))?.us, 25);
});

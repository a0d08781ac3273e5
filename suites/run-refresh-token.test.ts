/** The run's refresh token handed from the global setup to the workers (run-refresh-token.ts). */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { age, grantAge, runRefreshToken, shareRunRefreshToken } from './run-refresh-token.ts';

test('what the setup shares is what a worker reads; a problem travels the same way', () => {
  const env: NodeJS.ProcessEnv = {};
  assert.equal(runRefreshToken(env), undefined, 'no global setup: nothing');
  shareRunRefreshToken({ refreshToken: 'r-1', clientId: 'wak-x-whole-run', createdAt: 1000, issuedAt: '2026-12-02T03:00:00.000000' }, env);
  assert.deepEqual(runRefreshToken(env), { refreshToken: 'r-1', clientId: 'wak-x-whole-run', createdAt: 1000, issuedAt: '2026-12-02T03:00:00.000000' });
  shareRunRefreshToken({ problem: 'the offline login made when the run started answered 400', clientId: 'c' }, env);
  assert.deepEqual(runRefreshToken(env), { problem: 'the offline login made when the run started answered 400', clientId: 'c' });
  assert.match((runRefreshToken({ WAZO_KIT_RUN_REFRESH: '{"refreshToken": 3}' }) as { problem: string }).problem, /not what the global setup writes/);
});

test("a refresh token's age: by the server's utc_issued_at when both answers have one, else by the local clock", () => {
  assert.equal(grantAge(0, '2026-12-02T03:00:00.250000', '2026-12-02T03:00:38.750000'), 38_500);
  const local = grantAge(Date.now() - 5_000, undefined, '2026-12-02T03:00:38');
  assert.ok(local >= 5_000 && local < 6_000, String(local));
  const backwards = grantAge(Date.now() - 2_000, '2026-12-02T03:00:38', '2026-12-02T03:00:00');
  assert.ok(backwards >= 2_000 && backwards < 3_000, 'a server clock going backwards is not trusted');
  assert.deepEqual([age(700), age(9_960), age(38_400), age(125_000)], ['0.7 s', '10.0 s', '38 s', '2 min 5 s']);
});

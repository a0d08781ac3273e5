/**
 * Unit tests of the wire request and the curl line: the curl line sends the very bytes the fuzz phase
 * sent (checked by letting bash expand it), holds no secret in clear, and survives the reports'
 * redaction unchanged.
 */
import { execFileSync } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { loadSpec } from '../spec/loader.ts';
import { redact } from '../cli/redact.ts';
import { generateCases, type Slot } from './cases.ts';
import { SLOT_VARIABLES, toCurl, toWire, type TargetValues } from './request.ts';

const spec = loadSpec();
const values: TargetValues = {
  baseURL: 'http://127.0.0.1:9497/0.1',
  user: { username: 'alice', password: 'alice-secret-pw' },
  admin: { username: 'admin', password: 'admin-secret-pw' },
  throwaway: { username: 'wak-fztest-tw-abc123', password: 'pw-throwaway-secret' },
  nobody: 'wak-fztest-nobody',
  slots: {
    userToken: '11111111-1111-4111-8111-111111111111',
    adminToken: '22222222-2222-4222-8222-222222222222',
    throwawayToken: '33333333-3333-4333-8333-333333333333',
    disposableToken: '11111111-1111-4111-8111-111111111111',
    refreshToken: '55555555-5555-4555-8555-555555555555',
    refreshClientId: 'wak-fztest-refresh',
    userUuid: '66666666-6666-4666-8666-666666666666',
    adminUuid: '77777777-7777-4777-8777-777777777777',
    throwawayUuid: '88888888-8888-4888-8888-888888888888',
    tenantUuid: '99999999-9999-4999-8999-999999999999',
  },
};
const cases = generateCases(spec, 99, 400, { prefix: 'wak-fztest' });
const curlOf = (c: (typeof cases)[number]) => toCurl(spec, c, { baseURL: values.baseURL, nobody: values.nobody, hasThrowaway: true });
const SECRETS = [values.user.password, values.admin!.password, values.throwaway!.password, ...Object.values(values.slots).filter((v) => v.includes('-4'))];
const basicOf = (u: string, p: string) => Buffer.from(`${u}:${p}`).toString('base64');

test('a curl line holds no password or token in clear, and the reports redaction leaves it unchanged', () => {
  for (const c of cases) {
    const line = curlOf(c);
    for (const secret of SECRETS) assert.ok(!line.includes(secret), `${c.operationId}: ${line}`);
    for (const [u, p] of [['alice', values.user.password], ['admin', values.admin!.password]]) assert.ok(!line.includes(basicOf(u!, p!)));
    assert.equal(redact(line, [values.user.password, values.admin!.password]), line, line);
  }
});

/** The variables a curl line reads, with the run's values. */
function environment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    WAZO_USERNAME: values.user.username,
    WAZO_PASSWORD: values.user.password,
    WAZO_ADMIN_USERNAME: values.admin!.username,
    WAZO_ADMIN_PASSWORD: values.admin!.password,
    WAZO_THROWAWAY_USERNAME: values.throwaway!.username,
    WAZO_THROWAWAY_PASSWORD: values.throwaway!.password,
  };
  for (const [slot, variable] of Object.entries(SLOT_VARIABLES)) if (slot !== 'disposableToken') env[variable] = values.slots[slot as Slot];
  return env;
}

test('bash expands the curl line back into the exact URL, headers and body bytes the phase sent', () => {
  const env = environment();
  // A fake curl prints its arguments, NUL-separated, in hex: what bash gave it, byte for byte.
  const fakeCurl = 'curl() { for a in "$@"; do if [[ $a == @/dev/fd/* ]]; then cat "${a#@}"; else printf "%s" "$a"; fi; printf "\\0"; done | od -An -v -tx1 | tr -d " \\n"; }';
  let checked = 0;
  const sample = cases.slice(0, 120);
  // One bash for all the lines (a process each is slow on a busy machine): one output line per curl line.
  const script = [fakeCurl, ...sample.map((c) => `${curlOf(c)}; echo`)].join('\n');
  const lines = execFileSync('bash', ['-c', script], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n');
  for (const [i, c] of sample.entries()) {
    const wire = toWire(spec, c, values);
    const args = Buffer.from(lines[i]!.trim(), 'hex').toString('latin1').split('\u0000').slice(0, -1);
    assert.ok(args.includes(wire.url), `${c.operationId}: URL ${wire.url} in ${curlOf(c)}`);
    if (wire.body) {
      const raw = wire.body.toString('latin1');
      // A body with a NUL byte is written by printf (the fake curl reads it back); its NULs split the list.
      if (raw.includes('\u0000')) assert.ok(args.slice(args.indexOf('--data-binary') + 1).join('\u0000').startsWith(raw), `${c.operationId}: body with NUL`);
      else assert.equal(args[args.indexOf('--data-binary') + 1], raw, `${c.operationId}: body of ${curlOf(c)}`);
    }
    for (const [name, value] of Object.entries(wire.headers)) {
      if (name === 'user-agent') continue;
      if (name === 'authorization' && (c.auth.kind === 'basic' || c.auth.kind === 'basic-wrong')) {
        const u = args[args.indexOf('-u') + 1]!;
        assert.equal(`Basic ${Buffer.from(u, 'latin1').toString('base64')}`, value, `${c.operationId}: -u gives the same Basic credentials`);
        continue;
      }
      assert.ok(args.some((a) => a.toLowerCase() === `${name}: ${value}`.toLowerCase()), `${c.operationId}: header ${name}: ${JSON.stringify(value).slice(0, 60)}`);
    }
    checked++;
  }
  assert.equal(checked, 120);
});

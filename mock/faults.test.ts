/**
 * The named behaviour faults: the table (every fault names known requirement IDs), their selection
 * (--fault, WAZO_MOCK_FAULTS, unknown names), the developer controls that switch them at run time, and
 * that a fault's off-spec answer is sent (and logged as deliberate) rather than turned into a 500.
 * Whether the suite catches each fault is the mutation gate's job (mutation/, `npm run mutation`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadRequirements } from '../spec/requirements.ts';
import { ConfigError, faultList, resolveConfig } from './config.ts';
import { BEHAVIOUR_FAULTS, FAULT_NAMES, FaultRegistry, isBehaviourFault, unknownFaultMessage } from './faults.ts';
import { basic, startTestServer } from './tests/test-support.ts';

describe('the fault table', () => {
  test('has at least 20 faults, each with a description and known requirement IDs', () => {
    const catalogue = loadRequirements();
    assert.ok(FAULT_NAMES.length >= 20, `${FAULT_NAMES.length} faults`);
    for (const name of FAULT_NAMES) {
      const { description, requirements } = BEHAVIOUR_FAULTS[name];
      assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${name}: kebab-case`);
      assert.ok(description.length > 10, `${name}: a description`);
      assert.ok(requirements.length > 0, `${name}: at least one requirement`);
      for (const id of requirements) {
        assert.doesNotThrow(() => catalogue.get(id), `${name}: requirement ${id} is in spec/requirements.yaml`);
        assert.equal(catalogue.get(id).severity, 'must', `${name}: ${id} is a must (a should failure does not fail the suite)`);
      }
    }
  });

  test('every fault is consulted somewhere in mock/ (a hook exists for each name)', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = new URL('.', import.meta.url).pathname;
    const files = ['app.ts', 'authorize.ts', 'state/index.ts', ...readdirSync(join(dir, 'handlers')).map((f) => `handlers/${f}`)];
    const code = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n') + readFileSync(join(dir, 'faults.ts'), 'utf8').split('export function waivedByFault')[1];
    for (const name of FAULT_NAMES) assert.ok(code.includes(`has('${name}')`), `fault ${name} has a hook (faults.has('${name}'))`);
  });

  test('unknown names are refused with a suggestion or the list', () => {
    assert.equal(isBehaviourFault('no-cors'), true);
    assert.equal(isBehaviourFault('bogus'), false);
    assert.equal(isBehaviourFault('toString'), false);
    assert.match(unknownFaultMessage('cors'), /did you mean no-cors/);
    assert.match(unknownFaultMessage('bogus'), /one of: wrong-password-accepted, /);
  });

  test('--list-faults prints every fault with the requirements it breaks', () => {
    const text = faultList();
    for (const name of FAULT_NAMES) assert.ok(text.includes(name), name);
    assert.match(text, /breaks REFRESH-CLIENT-ID-MATCH/);
  });
});

describe('selecting faults', () => {
  test('--fault is repeatable, WAZO_MOCK_FAULTS is comma-separated, the flag wins, none by default', () => {
    assert.deepEqual(resolveConfig([], {}).faults, []);
    assert.deepEqual(resolveConfig(['--fault', 'no-cors', '--fault', 'expiration-ignored'], {}).faults, ['no-cors', 'expiration-ignored']);
    assert.deepEqual(resolveConfig([], { WAZO_MOCK_FAULTS: ' no-cors, expiration-ignored ,' }).faults, ['no-cors', 'expiration-ignored']);
    assert.deepEqual(resolveConfig(['--fault', 'unknown-token-200'], { WAZO_MOCK_FAULTS: 'no-cors' }).faults, ['unknown-token-200']);
    assert.equal(resolveConfig(['--list-faults'], {}).listFaults, true);
  });

  test('--fault bogus is a clear configuration error', () => {
    assert.throws(() => resolveConfig(['--fault', 'bogus'], {}), (e: unknown) => e instanceof ConfigError && /^--fault: unknown fault "bogus"; one of: /.test(e.message));
    assert.throws(() => resolveConfig([], { WAZO_MOCK_FAULTS: 'no-cors,expires-at' }), /WAZO_MOCK_FAULTS: unknown fault "expires-at" \(did you mean expires-at-off-by-an-hour/);
  });

  test('the registry: start-up faults on, switch, clear, reset back to the start-up ones', () => {
    const registry = new FaultRegistry(['no-cors']);
    assert.deepEqual([...registry.behaviour], ['no-cors']);
    registry.switch('expiration-ignored', true);
    registry.switch('no-cors', false);
    assert.deepEqual(registry.named().filter((f) => f.enabled).map((f) => f.name), ['expiration-ignored']);
    registry.clear();
    assert.equal(registry.behaviour.size, 0);
    registry.switch('scope-not-checked', true);
    registry.reset();
    assert.deepEqual([...registry.behaviour], ['no-cors']);
  });
});

const t = await startTestServer({ behaviourFaults: ['no-cors'] });
describe('faults at run time', () => {
  // Faults make off-spec answers on purpose; they are recorded with the faults that were on.
  const undeliberate = () => t.failures.splice(0).filter((f) => f.faults.length === 0);

  test('GET /_mock/faults lists every named fault with its state; PUT and DELETE switch one', async () => {
    const listed = await t.call('GET', '/_mock/faults');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json.named.map((f: { name: string }) => f.name), FAULT_NAMES);
    assert.deepEqual(listed.json.named.find((f: { name: string }) => f.name === 'no-cors'), { name: 'no-cors', ...BEHAVIOUR_FAULTS['no-cors'], enabled: true });
    const on = await t.call('PUT', '/_mock/faults/expiration-ignored', { body: { enabled: true } });
    assert.equal(on.status, 200);
    assert.equal(on.json.enabled, true);
    assert.deepEqual((await t.call('GET', '/_mock/state')).json.behaviour_faults, ['no-cors', 'expiration-ignored']);
    assert.equal((await t.call('GET', '/_mock/faults/expiration-ignored')).json.enabled, true);
    assert.equal((await t.call('DELETE', '/_mock/faults/expiration-ignored')).json.enabled, false);
    const bad = await t.call('PUT', '/_mock/faults/no-cors', { body: { enabled: 'yes' } });
    assert.equal(bad.status, 400);
    const unknown = await t.call('PUT', '/_mock/faults/bogus', { body: { enabled: true } });
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.message, /unknown fault "bogus"/);
    await t.call('POST', '/_mock/reset');
    assert.deepEqual((await t.call('GET', '/_mock/state')).json.behaviour_faults, ['no-cors'], 'reset comes back to --fault');
    await t.call('DELETE', '/_mock/faults');
    assert.deepEqual((await t.call('GET', '/_mock/state')).json.behaviour_faults, [], 'DELETE /_mock/faults switches them all off');
  });

  test('a switched fault changes the next answer, and switching it off restores the rule', async () => {
    const wrong = { headers: { Authorization: basic('alice', 'not-her-password'), 'Content-Type': 'application/json' }, body: {} };
    assert.equal((await t.call('POST', '/0.1/token', wrong)).status, 401);
    await t.call('PUT', '/_mock/faults/wrong-password-accepted', { body: { enabled: true } });
    assert.equal((await t.call('POST', '/0.1/token', wrong)).status, 200);
    await t.call('PUT', '/_mock/faults/wrong-password-accepted', { body: { enabled: false } });
    assert.equal((await t.call('POST', '/0.1/token', wrong)).status, 401);
    assert.deepEqual(undeliberate(), []);
  });

  test('an off-spec answer made by a fault is sent as it is, not turned into a 500', async () => {
    await t.call('PUT', '/_mock/faults/user-creation-201', { body: { enabled: true } });
    await t.call('PUT', '/_mock/faults/forbidden-instead-of-unauthorized', { body: { enabled: true } });
    const admin = await t.login('admin', 'admin-secret');
    const created = await t.call('POST', '/0.1/users', { headers: { 'X-Auth-Token': admin.token, 'Content-Type': 'application/json' }, body: { username: 'fault-201' } });
    assert.equal(created.status, 201);
    const refused = await t.call('GET', '/0.1/users');
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error_id, 'unauthorized');
    const flagged = t.failures.splice(0);
    assert.ok(flagged.length >= 2, 'the response check saw both');
    assert.ok(flagged.every((f) => f.faults.includes('user-creation-201')), 'each names the faults that were on');
    await t.call('DELETE', '/_mock/faults');
  });
});

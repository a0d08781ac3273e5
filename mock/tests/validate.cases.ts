import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadSpec } from '../../spec/loader.ts';
import { MockHttpError } from '../errors.ts';
import { redact, redactTarget } from '../log.ts';
import { PyInt, pyRepr, reprString } from '../python-repr.ts';
import { lenientInteger, validateBody, validateParameters } from '../validate.ts';

const spec = loadSpec();

describe('validation, Python repr, log redaction', () => {
  test('pyRepr prints like CPython', () => {
    assert.equal(reprString('plain'), "'plain'");
    assert.equal(reprString('"client_id" must be'), `'"client_id" must be'`);
    assert.equal(reprString("it's"), `"it's"`);
    assert.equal(reprString(`it's "quoted"`), `'it\\'s "quoted"'`);
    assert.equal(reprString('a\\b\n\u0001'), "'a\\\\b\\n\\x01'");
    assert.equal(pyRepr({ a: [1, 'x', null, true, false], b: new Map([[new PyInt(0), 1.5]]) }), "{'a': [1, 'x', None, True, False], 'b': {0: 1.5}}");
  });

  test('lenientInteger follows Python int()', () => {
    assert.equal(lenientInteger(1.5), 1);
    assert.equal(lenientInteger(-1.9), -1);
    assert.equal(lenientInteger('60'), 60);
    assert.equal(lenientInteger(' 42 '), 42);
    assert.equal(lenientInteger('1_000'), 1000);
    assert.equal(lenientInteger('1.5'), '1.5');
    assert.equal(lenientInteger('abc'), 'abc');
    assert.equal(lenientInteger(true), true);
    assert.equal(lenientInteger(null), null);
  });

  test('validateBody fills the spec defaults (expiration 7200, access_type online)', () => {
    const body = validateBody(spec, spec.operation('createToken'), {});
    assert.equal(body.expiration, 7200);
    assert.equal(body.access_type, 'online');
    assert.deepEqual(validateBody(spec, spec.operation('createToken'), null), body);
    assert.equal(validateBody(spec, spec.operation('createToken'), { expiration: '60' }).expiration, 60);
  });

  test('validateBody takes min/max from the failing schema, not from constants', () => {
    const op = spec.operation('createToken');
    const altered = structuredClone(op.requestBody!.object) as Record<string, any>;
    altered.properties.expiration.maximum = 99;
    const fakeOp = { ...op, requestBody: { ...op.requestBody!, object: altered } };
    try {
      validateBody(spec, fakeOp, { expiration: 100 });
      assert.fail('expected a 400');
    } catch (error) {
      assert.ok(error instanceof MockHttpError);
      assert.match((error.payload as { reason: string }).reason, /'max': 99/);
    }
  });

  test('validateParameters: a path parameter of the wrong form is that resource\'s 404', () => {
    const op = spec.operation('getUser');
    assert.throws(
      () => validateParameters(spec, op, { path: { user_uuid: 'nope' }, query: {}, header: {} }),
      (e: unknown) => e instanceof MockHttpError && e.status === 404 && (e.payload as { error_id?: string }).error_id === 'unknown-user',
    );
    const list = spec.operation('listUsers');
    const params = validateParameters(spec, list, { path: {}, query: { limit: '2' }, header: {} });
    assert.equal(params.query.limit, 2, 'coerced');
    assert.equal(params.query.offset, 0, 'default filled');
  });

  test('log lines redact tokens to their last 8 characters', () => {
    assert.equal(redact('5ffeb6ab-145f-4b89-ab10-f895f2fc823e'), '…f2fc823e');
    assert.equal(redactTarget('/0.1/token/5ffeb6ab-145f-4b89-ab10-f895f2fc823e?scope=a.b'), '/0.1/token/…f2fc823e?scope=a.b');
    assert.equal(redactTarget('/0.1/token/5ffeb6ab-145f-4b89-ab10-f895f2fc823e/scopes/check'), '/0.1/token/…f2fc823e/scopes/check');
    assert.equal(redactTarget('/0.1/users/me/tokens?token=5ffeb6ab-145f-4b89-ab10-f895f2fc823e&limit=1'), '/0.1/users/me/tokens?token=…f2fc823e&limit=1');
    assert.equal(redactTarget('/0.1/users'), '/0.1/users');
  });
});

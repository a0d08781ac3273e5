import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSpec, dereference, forReleases, loadSpec, operationBehaviour, type JsonObject, type ObservedResponse } from './loader.ts';
import { buildCatalogue, loadRequirements } from './requirements.ts';

interface Fixture extends ObservedResponse {
  id: string;
  title: string;
  operationId: string;
}

const fixtures = (
  JSON.parse(readFileSync(new URL('./fixtures/observed-responses.json', import.meta.url), 'utf8')) as { responses: Fixture[] }
).responses;
const spec = loadSpec();
const clone = <T>(value: T): T => structuredClone(value);
const fixture = (id: string): Fixture => {
  const f = fixtures.find((x) => x.id === id);
  assert.ok(f, `fixture ${id} exists`);
  return clone(f);
};

test('every operation the kit relies on is described, each with an operationId', () => {
  const listed = spec.operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
  assert.deepEqual(listed, [
    'DELETE /external/{auth_type}/config',
    'DELETE /sessions/{session_uuid}',
    'DELETE /token/{token}',
    'DELETE /users/{user_uuid_or_me}/tokens/{client_id}',
    'DELETE /users/{user_uuid}',
    'DELETE /users/{user_uuid}/external/google',
    'DELETE /users/{user_uuid}/external/microsoft',
    'DELETE /users/{user_uuid}/external/mobile',
    'DELETE /users/{user_uuid}/sessions/{session_uuid}',
    'GET /api/api.yml',
    'GET /backends',
    'GET /config',
    'GET /external/{auth_type}/config',
    'GET /external/{auth_type}/users',
    'GET /sessions',
    'GET /token/{token}',
    'GET /tokens',
    'GET /users',
    'GET /users/{user_uuid_or_me}/tokens',
    'GET /users/{user_uuid}',
    'GET /users/{user_uuid}/external',
    'GET /users/{user_uuid}/external/google',
    'GET /users/{user_uuid}/external/microsoft',
    'GET /users/{user_uuid}/external/mobile',
    'GET /users/{user_uuid}/external/mobile/sender_id',
    'GET /users/{user_uuid}/sessions',
    'HEAD /status',
    'HEAD /token/{token}',
    'PATCH /config',
    'POST /external/{auth_type}/config',
    'POST /token',
    'POST /token/{token}/scopes/check',
    'POST /users',
    'POST /users/{user_uuid}/external/google',
    'POST /users/{user_uuid}/external/microsoft',
    'POST /users/{user_uuid}/external/mobile',
    'PUT /external/{auth_type}/config',
    'PUT /users/{user_uuid}',
    'PUT /users/{user_uuid}/external/mobile',
    'PUT /users/{user_uuid}/password',
  ]);
  assert.deepEqual(spec.serverPaths, ['/0.1', '/api/auth/0.1']);
});

test('paths match templates, literal segments before parameters', () => {
  assert.equal(spec.match('/users/me/tokens/example')?.template, '/users/{user_uuid_or_me}/tokens/{client_id}');
  assert.deepEqual(spec.match('/users/me/tokens/a%2Fb')?.params, { user_uuid_or_me: 'me', client_id: 'a/b' });
  assert.equal(spec.match('/token/abc/scopes/check')?.template, '/token/{token}/scopes/check');
  assert.equal(spec.match('/token')?.operations.has('get'), false);
  assert.equal(spec.match('/nope'), undefined);
});

test('every example in the description validates against its schema', () => {
  const resolved = dereference(spec.document);
  let checked = 0;
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${where}/${i}`));
    if (!node || typeof node !== 'object') return;
    const obj = node as JsonObject;
    if (obj.schema && typeof obj.schema === 'object' && ('example' in obj || 'examples' in obj)) {
      const validate = spec.compile(obj.schema as JsonObject);
      const values: [string, unknown][] = [];
      if ('example' in obj) values.push(['example', obj.example]);
      for (const [name, ex] of Object.entries((obj.examples ?? {}) as Record<string, JsonObject>)) values.push([name, ex.value]);
      for (const [name, value] of values) {
        assert.ok(validate(value), `${where} ${name}: ${JSON.stringify(validate.errors)}`);
        checked++;
      }
    }
    for (const [key, value] of Object.entries(obj)) if (key !== 'schema') visit(value, `${where}/${key}`);
  };
  visit(resolved.paths, '#/paths');
  assert.ok(checked >= 25, `checked ${checked} examples`);
});

test('the fixture set is broad: at least 30 observed responses, both error shapes, most operations', () => {
  assert.ok(fixtures.length >= 30, `${fixtures.length} fixtures`);
  const operations = new Set(fixtures.map((f) => f.operationId));
  assert.ok(operations.size >= 15, `${operations.size} operations covered`);
  assert.ok(fixtures.some((f) => f.body && typeof f.body === 'object' && 'reason' in f.body), 'an Error-shaped body');
  assert.ok(fixtures.some((f) => f.body && typeof f.body === 'object' && 'error_id' in f.body), 'an APIError-shaped body');
});

for (const f of fixtures) {
  test(`observed ${f.id} (${f.operationId} ${f.status}) validates: ${f.title}`, () => {
    const result = spec.checkResponse(f.operationId, f);
    assert.deepEqual(result.errors, []);
    assert.equal(result.ok, true);
  });
}

test('altered bodies are rejected', () => {
  const token = fixture('1a');
  delete (token.body as { data: JsonObject }).data.token;
  assert.match(spec.checkResponse('createToken', token).errors.join(), /must have required property 'token'/);

  const wrongType = fixture('1a');
  (wrongType.body as { data: JsonObject }).data.acl = 'default.user.policy';
  assert.match(spec.checkResponse('createToken', wrongType).errors.join(), /\/data\/acl must be array/);

  const noEnvelope = fixture('8a');
  noEnvelope.body = (noEnvelope.body as { data: unknown }).data;
  assert.equal(spec.checkResponse('getToken', noEnvelope).ok, false);

  const zoned = fixture('1a');
  (zoned.body as { data: JsonObject }).data.utc_expires_at = 1795846815;
  assert.equal(spec.checkResponse('createToken', zoned).ok, false);

  const refreshWithExpiry = fixture('9a');
  ((refreshWithExpiry.body as { items: JsonObject[] }).items[0] as JsonObject).expires_at = '2026-11-28T08:20:13';
  assert.equal(spec.checkResponse('listUserRefreshTokens', refreshWithExpiry).ok, false);

  const userWithPassword = fixture('10c');
  (userWithPassword.body as JsonObject).password = 'bob-pw';
  assert.equal(spec.checkResponse('getUser', userWithPassword).ok, false);
});

test('a response in the other error shape is rejected', () => {
  const apiShaped = fixture('7a');
  apiShaped.body = { message: 'Authentication Failed', error_id: 'unauthorized', details: {}, timestamp: 1 };
  assert.equal(spec.checkResponse('createToken', apiShaped).ok, false);

  const stringTimestamps = fixture('7a');
  (stringTimestamps.body as JsonObject).timestamp = ['2026-11-28T06:20:12'];
  assert.equal(spec.checkResponse('createToken', stringTimestamps).ok, false);

  const errorShaped = fixture('10c2');
  errorShaped.body = { reason: ['No such user'], timestamp: [1], status_code: 404 };
  assert.equal(spec.checkResponse('getUser', errorShaped).ok, false);
});

test('undeclared statuses, content types and missing headers are rejected', () => {
  const teapot = fixture('1a');
  teapot.status = 418;
  assert.match(spec.checkResponse('createToken', teapot).errors.join(), /status not declared/);

  const forbidden = fixture('5a');
  forbidden.status = 403;
  assert.match(spec.checkResponse('listUserRefreshTokens', forbidden).errors.join(), /status not declared/);

  const html = fixture('8c');
  html.headers['content-type'] = 'text/html; charset=utf-8';
  assert.match(spec.checkResponse('getToken', html).errors.join(), /content type "text\/html" not declared/);

  const noHeader = fixture('1a');
  delete noHeader.headers['wazo-sessions-revoked'];
  assert.match(loadSpec(['master']).checkResponse('createToken', noHeader).errors.join(), /missing header wazo-sessions-revoked/);

  const badHeader = fixture('1a');
  badHeader.headers['wazo-sessions-revoked'] = 'none';
  assert.equal(spec.checkResponse('createToken', badHeader).ok, false);

  const bodyOn204 = fixture('9d');
  bodyOn204.body = { data: { message: 'success' } };
  assert.match(spec.checkResponse('deleteRefreshToken', bodyOn204).errors.join(), /no body is declared/);
});

test('request validators compiled from the description enforce the POST /token rules', () => {
  const body = spec.operation('createToken').requestBody!;
  const ok = (value: unknown) => body.validate(value);
  assert.equal(ok({ expiration: 3600 }), true);
  assert.equal(ok({ client_id: 'example', access_type: 'offline' }), true);
  assert.equal(ok({ refresh_token: 'x', client_id: 'example', expiration: 3600 }), true);
  assert.equal(ok({ backend: 'wazo_user', foo: 1 }), true);
  assert.equal(ok(null), true);
  assert.equal(ok([]), true);
  assert.equal(ok({ expiration: 0 }), false);
  assert.equal(ok({ expiration: 315360001 }), false);
  assert.equal(ok({ expiration: 315360000 }), true);
  assert.equal(ok({ expiration: null }), false);
  assert.equal(ok({ expiration: true }), false);
  assert.equal(ok({ access_type: 'bogus' }), false);
  assert.equal(ok({ access_type: 'offline' }), false);
  assert.equal(ok({ access_type: 'offline', client_id: '' }), false);
  assert.equal(ok({ access_type: 'offline', client_id: 'x'.repeat(1025) }), false);
  assert.equal(ok({ refresh_token: 'x' }), false);
  assert.equal(ok({ refresh_token: 'x', client_id: 'example', access_type: 'offline' }), false);
  assert.equal(ok('abc'), false);
  assert.equal(ok([1]), false);
});

test('parameter validators coerce query strings and check them', () => {
  const op = spec.operation('listUserSessions');
  const params = { path: { user_uuid: 'a11ce000-0000-4000-8000-000000000001' }, query: { limit: '2' }, header: {} };
  assert.equal(op.validateParameters(params), true);
  assert.equal((params.query as { limit: unknown }).limit, 2);
  assert.equal(op.validateParameters({ path: { user_uuid: 'x' }, query: { limit: 'many' }, header: {} }), false);
});

test('the description must be OpenAPI 3.1 and its $refs must resolve', () => {
  assert.throws(() => buildSpec('openapi: 3.0.3\ninfo: {title: x, version: "1"}\npaths: {}\n'), /OpenAPI 3.1/);
  assert.throws(
    () => buildSpec('openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        "200": {$ref: "#/components/responses/Nope"}\n'),
    /unresolvable \$ref/,
  );
  assert.throws(() => buildSpec('openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths:\n  /a:\n    get:\n      responses: {}\n'), /no operationId/);
});

test('the requirement catalogue has at least 40 rules with ids, severities and sources', () => {
  const catalogue = loadRequirements();
  assert.ok(catalogue.requirements.length >= 40);
  assert.ok(catalogue.requirements.some((r) => r.severity === 'should'));
  for (const seed of ['TOKEN-EXPIRATION-HONOURED', 'REFRESH-CLIENT-ID-MATCH', 'REFRESH-NO-EXPIRY', 'MISUSE-REFRESH-AS-ACCESS-401', 'MISUSE-ACCESS-AS-REFRESH-401']) {
    assert.ok(catalogue.get(seed).source.includes('seed'), `${seed} cites the seed`);
  }
  for (const op of spec.operations) {
    for (const id of (op.extensions['x-requirements'] as string[] | undefined) ?? []) {
      assert.ok(catalogue.has(id), `${op.operationId} names unknown requirement ${id}`);
    }
  }
  assert.throws(() => buildCatalogue('areas: {a: A}\nrequirements:\n  - {id: A-B, area: a, severity: must, title: t, source: s}\n  - {id: A-B, area: a, severity: must, title: t, source: s}\n'), /duplicate/);
  assert.throws(() => buildCatalogue('areas: {a: A}\nrequirements:\n  - {id: A-B, area: a, severity: may, title: t, source: s}\n'), /severity/);
});

test('docs/requirements.md is the current rendering of the catalogue', async () => {
  const { renderCatalogue } = await import('./catalogue-doc.ts');
  const committed = readFileSync(new URL('../docs/requirements.md', import.meta.url), 'utf8');
  assert.equal(committed, renderCatalogue(loadRequirements()), 'run: npx tsx spec/catalogue-doc.ts > docs/requirements.md');
});

test('every validator of the description compiles', () => {
  for (const op of spec.operations) {
    op.validateParameters({ path: {}, query: {}, header: {} });
    op.requestBody?.validate({});
    for (const response of op.responses.values()) {
      for (const validate of response.content.values()) validate?.(null);
      for (const header of response.headers.values()) header.validate('0');
    }
  }
});

test('every schema of the description is valid JSON Schema 2020-12 (the loader skips this check at run time)', async () => {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ strict: false });
  const schemas: [string, unknown][] = Object.entries(((spec.document.components as JsonObject).schemas ?? {}) as JsonObject);
  for (const op of spec.operations) {
    if (op.requestBody) schemas.push([`${op.operationId} request body`, op.requestBody.schema]);
    for (const p of op.parameters) schemas.push([`${op.operationId} parameter ${p.name}`, p.schema ?? {}]);
  }
  assert.ok(schemas.length > 20);
  for (const [where, schema] of schemas) assert.ok(ajv.validateSchema(schema as JsonObject), `${where}: ${ajv.errorsText(ajv.errors)}`);
  // The check itself can fail: a misspelt type is caught.
  assert.equal(ajv.validateSchema({ type: 'strnig' }), false);
});

test('a part marked x-wazo-behaviour is required only where its behaviour holds in every release judged', () => {
  const noHeader = fixture('1a');
  delete noHeader.headers['wazo-sessions-revoked'];
  // Wazo-Sessions-Revoked: master only (spec/releases.yaml, sessions-revoked-header).
  assert.equal(loadSpec(['26.05']).checkResponse('createToken', noHeader).ok, true);
  assert.equal(loadSpec(['26.05', 'master']).checkResponse('createToken', noHeader).ok, true, 'optional when some judged releases lack it');
  assert.equal(loadSpec().checkResponse('createToken', noHeader).ok, true, 'every supported release by default');
  assert.equal(loadSpec(['master']).checkResponse('createToken', noHeader).ok, false);
  // The refresh-token item's metadata: from 25.09.
  const listing = fixture('9a');
  for (const item of (listing.body as { items: Record<string, unknown>[] }).items) delete item.metadata;
  assert.equal(loadSpec(['25.01']).checkResponse('listUserRefreshTokens', listing).ok, true);
  assert.match(loadSpec(['25.09']).checkResponse('listUserRefreshTokens', listing).errors.join(), /metadata/);
});

test('enum values and anyOf branches marked with a behaviour exist only in the releases that have it', () => {
  const weak = fixture('9b2');
  const details = (weak.body as { details: Record<string, unknown> }).details;
  details.reason = 'missing_permission';
  delete details.tenant_uuid;
  assert.equal(loadSpec(['24.01']).checkResponse('listRefreshTokens', weak).ok, true, 'missing_permission before 24.10');
  assert.equal(loadSpec(['24.10']).checkResponse('listRefreshTokens', weak).ok, false, 'not from 24.10');
  const queryToken = fixture('5a');
  queryToken.status = 404;
  queryToken.body = { reason: ['No such token'], timestamp: [1], status_code: 404 };
  assert.equal(loadSpec(['24.01']).checkResponse('listUserRefreshTokens', queryToken).ok, true, 'a ?token= got 404 No such token before 24.10');
  assert.equal(loadSpec(['24.10']).checkResponse('listUserRefreshTokens', queryToken).ok, false);
});

test('an operation marked x-wazo-behaviour exists only in the releases judged where its behaviour holds', () => {
  const ok = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };
  const document: JsonObject = {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    servers: [{ url: '/0.1' }],
    paths: {
      '/things': { get: { operationId: 'listThings', responses: ok } },
      '/things/{uuid}/parent': { put: { operationId: 'moveThing', 'x-wazo-behaviour': 'new-op', responses: ok } },
      '/things/{uuid}': {
        get: { operationId: 'getThing', responses: ok },
        put: { operationId: 'replaceThing', 'x-wazo-behaviour': 'new-op', responses: ok },
        delete: { operationId: 'deleteThing', 'x-wazo-behaviour': '!new-op', responses: ok },
      },
    },
  };
  const holds = (behaviour: string, release: string) => behaviour === 'new-op' && release === 'new';
  const ids = (releases: string[]) => buildSpec('', forReleases(document, releases, holds)).operations.map((o) => o.operationId).sort();
  assert.deepEqual(ids(['new']), ['getThing', 'listThings', 'moveThing', 'replaceThing']);
  assert.deepEqual(ids(['old']), ['deleteThing', 'getThing', 'listThings'], 'dropped where the behaviour holds in no release judged');
  assert.deepEqual(ids(['old', 'new']), ['deleteThing', 'getThing', 'listThings', 'moveThing', 'replaceThing'], 'kept where it holds in some');
  const old = buildSpec('', forReleases(document, ['old'], holds));
  assert.equal(old.match('/things/x/parent'), undefined, 'a path left without operations is gone: an unknown path');
  assert.deepEqual([...(old.match('/things/x')?.operations.keys() ?? [])].sort(), ['delete', 'get'], 'the path stays with its other methods');
  assert.equal(operationBehaviour(buildSpec('', forReleases(document, ['new'], holds)).operation('moveThing')), 'new-op');
  assert.equal(operationBehaviour(old.operation('getThing')), undefined);
  assert.ok((document.paths as JsonObject)['/things/{uuid}/parent'], 'the input is not changed');
});

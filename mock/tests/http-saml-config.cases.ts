/**
 * HTTP tests of the SAML backend configuration (observed on the real 25.01, 26.05 and master with
 * `curl -F`): what the suite does not ask of every server, the real service's own details.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { startTestServer } from './test-support.ts';

const t = await startTestServer();

/** A multipart form: fields, then a `metadata` file when given. */
function form(fields: Record<string, string>, metadata?: string, filename = 'idp.xml'): { body: Buffer; contentType: string } {
  const boundary = 'kit-saml-boundary';
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  if (metadata !== undefined) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"; filename="${filename}"\r\nContent-Type: application/xml\r\n\r\n${metadata}\r\n`);
  return { body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('the SAML backend configuration over HTTP', () => {
  let headers: Record<string, string>;
  let fields: Record<string, string>;
  beforeEach(async () => {
    t.server.state.reset();
    const admin = (await t.login('admin', 'admin-secret')).token as string;
    const tenant = await t.call('POST', '/0.1/tenants', { headers: { 'X-Auth-Token': admin, 'Content-Type': 'application/json' }, body: { name: 'saml', domain_names: ['saml.example.com'] } });
    const domains = await t.call('GET', `/0.1/tenants/${tenant.json.uuid}/domains`, { headers: { 'X-Auth-Token': admin } });
    headers = { 'X-Auth-Token': admin, 'Wazo-Tenant': tenant.json.uuid };
    fields = { domain_uuid: domains.json.items[0].uuid, entity_id: 'wazo.dev', acs_url: 'https://stack.example.com/api/auth/0.1/saml/acs' };
  });
  const send = (method: string, f: { body: Buffer; contentType: string }) => t.call(method, '/0.1/backends/saml', { headers: { ...headers, 'Content-Type': f.contentType }, body: f.body });

  test('the metadata comes back as ElementTree writes it, or as JSON null for a root without children', async () => {
    const posted = await send('POST', form(fields, '<?xml version="1.0"?>\n<md:E xmlns:md="urn:m" entityID="x"><md:S/></md:E>\n'));
    assert.equal(posted.status, 200, posted.text);
    const metadata = await t.call('GET', '/0.1/backends/saml/metadata', { headers });
    assert.equal(metadata.headers['content-type'], 'application/xml');
    assert.equal(metadata.headers['content-disposition'], 'attachment');
    assert.equal(metadata.text, '<ns0:E xmlns:ns0="urn:m" entityID="x"><ns0:S /></ns0:E>');
    assert.equal((await send('PUT', form({}, '<a x="1">text</a>'))).status, 200);
    const childless = await t.call('GET', '/0.1/backends/saml/metadata', { headers });
    assert.equal(childless.status, 200);
    assert.equal(childless.headers['content-type'], 'application/json');
    assert.equal(childless.json, null);
  });

  test('POST refusals: a field out of bounds, a file without a name, XML expat refuses, a second configuration', async () => {
    const short = await send('POST', form({ ...fields, domain_uuid: 'short' }, '<a/>'));
    assert.equal(short.status, 400);
    assert.deepEqual([short.json.error_id, short.json.message, short.json.resource], ['invalid-list-param', 'Length must be between 36 and 38.', 'users']);
    assert.deepEqual(short.json.details, { domain_uuid: { constraint_id: 'length', constraint: { min: 36, max: 38 }, message: 'Length must be between 36 and 38.' } });
    const unnamed = await send('POST', form(fields, '<a/>', ''));
    assert.deepEqual([unnamed.status, unnamed.json.message], [400, 'Empty metadata file provided']);
    const broken = await send('POST', form(fields, '<a>\n<b></a>'));
    assert.deepEqual([broken.status, broken.json.error_id, broken.json.message], [400, 'unknown-saml-config', 'Invalid XML (mismatched tag: line 2, column 5)']);
    assert.equal((await send('POST', form(fields, '<a/>'))).status, 200);
    const again = await send('POST', form(fields, '<a/>'));
    assert.deepEqual([again.status, again.json.error_id, again.json.details], [409, 'conflict', { tenant_uuid: { constraint_id: 'unique', message: 'Duplicated SAML config exists' } }]);
  });

  test('metadata deeper than the real service stores (256 elements) is refused with a 400, 256 are kept', async () => {
    const nested = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    const deep = await send('POST', form(fields, nested(257)));
    assert.deepEqual([deep.status, deep.json.message], [400, 'Invalid XML (elements nested deeper than 256)']);
    const deeper = await send('POST', form(fields, nested(9_000))); // ~63 KB: within the 64 KiB body limit
    assert.deepEqual([deeper.status, deeper.json.message], [400, 'Invalid XML (elements nested deeper than 256)']);
    assert.equal((await send('POST', form(fields, nested(256)))).status, 200);
  });

  test('PUT answers {} and changes only what the form gives; a JSON body is an empty form', async () => {
    assert.equal((await send('POST', form(fields, '<a/>'))).status, 200);
    const put = await send('PUT', form({ entity_id: 'other', tenant_uuid: '00000000-0000-4000-8000-000000000000' }));
    assert.deepEqual([put.status, put.json], [200, {}]);
    const json = await t.call('PUT', '/0.1/backends/saml', { headers: { ...headers, 'Content-Type': 'application/json' }, body: { entity_id: 'ignored' } });
    assert.deepEqual([json.status, json.json], [200, {}]);
    const read = await t.call('GET', '/0.1/backends/saml', { headers });
    assert.deepEqual(read.json, { ...fields, entity_id: 'other', tenant_uuid: headers['Wazo-Tenant'] });
  });

  test("every answer above fits the description (the mock's response check flagged none)", () => {
    assert.deepEqual(t.failures, []);
  });
});

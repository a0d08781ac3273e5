/**
 * Area backends: the LDAP backend configuration of the administrator's tenant, the SAML configuration
 * (stored for a throwaway tenant's domain; the administrator's tenant is only read), the SAML flows as
 * the real service answers them with no IdP configured, and the IdP links that set a user's
 * authentication_method. Facts measured on the real 24.01, 25.01, 26.05 and master (the SAML and
 * IdP operations came with 24.08 and 24.11: spec/releases.yaml; their tests skip, naming the release,
 * where the host has them not).
 *
 * Safe on a real host: a tenant's LDAP or SAML configuration is only written when the tenant had none
 * (else the test is skipped, the configuration untouched), and what the test stored is deleted in a
 * `finally`; a stored SAML configuration belongs to a throwaway tenant (its deletion at teardown takes
 * the configuration with it); IdP links are made on throwaway users only (deleted at teardown) or on unknown UUIDs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiClient, Exchange } from './api.ts';
import { covers } from './covers.ts';
import { expectUnauthorized } from './expectations.ts';
import { expect, NEEDS_ADMIN, should, test } from './fixtures.ts';

const LDAP_FIELDS = ['tenant_uuid', 'host', 'port', 'protocol_version', 'protocol_security', 'bind_dn', 'user_base_dn', 'user_login_attribute', 'user_email_attribute', 'search_filters'];
const HAS_LDAP = 'the target tenant has an LDAP configuration of its own: not touched';
const HAS_SAML = 'the target tenant has a SAML configuration of its own: not touched';

/** A multipart/form-data body (what `curl -F` sends): fields, and files as [name, filename, content]. */
function multipart(fields: Record<string, string>, files: [string, string, string][] = []): { raw: string; contentType: string } {
  const boundary = `wak-${randomBytes(8).toString('hex')}`;
  const parts = [
    ...Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    ...files.map(([name, filename, content]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/xml\r\n\r\n${content}\r\n`),
  ];
  return { raw: `${parts.join('')}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

const expectApiError = (res: Exchange, status: number, errorId: string) => {
  expect(res.status, res.describe()).toBe(status);
  expect(res.body?.error_id, res.describe()).toBe(errorId);
};

/** Whether the tenant of `token` has no LDAP configuration (every field null). */
async function ldapIsEmpty(api: ApiClient, token: string): Promise<boolean> {
  const res = await api.get('/backends/ldap', { token });
  expect(res.status, res.describe()).toBe(200);
  return LDAP_FIELDS.every((field) => res.body?.[field] === null);
}

test('a token without the ACL gets 401 on the LDAP configuration, never 403', covers('BACKENDS-ACL-401'), async ({ api }) => {
  // real 24.01 – master: alice's token, and no token at all.
  const user = await api.userLogin();
  expectUnauthorized(await api.get('/backends/ldap', { token: user.token }));
  // Writes only without a token: a configured user that happens to hold the ACL must not change the tenant's configuration.
  expectUnauthorized(await api.put('/backends/ldap', { json: { host: 'ldap.invalid', port: 389, user_base_dn: 'ou=x', user_login_attribute: 'uid', user_email_attribute: 'mail' } }));
  expectUnauthorized(await api.delete('/backends/ldap'));
  expectUnauthorized(await api.get('/backends/ldap'));
});

test('a token without the ACL gets 401 on the SAML configuration and the IdP listing, never 403', covers('BACKENDS-ACL-401'), async ({ api }) => {
  const user = await api.userLogin();
  expectUnauthorized(await api.get('/idp', { token: user.token }));
  expectUnauthorized(await api.get('/backends/saml', { token: user.token }));
  expectUnauthorized(await api.delete('/backends/saml'));
});

test.describe('the LDAP configuration of the administrator\'s tenant', () => {
  // One tenant-wide configuration: its tests run one after the other.
  test.describe.configure({ mode: 'serial' });

  test('is every field null when there is none; PUT stores it, GET returns it, DELETE removes it', covers('LDAP-CONFIG-NONE', 'LDAP-CONFIG-STORED'), async ({ api, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const admin = await api.adminToken();
    test.skip(!(await ldapIsEmpty(api, admin)), HAS_LDAP);
    let stored = false;
    try {
      const config = { host: `${target.prefix}.ldap.invalid`, port: 389, user_base_dn: 'ou=people,dc=example,dc=com', user_login_attribute: 'uid', user_email_attribute: 'mail', bind_dn: 'cn=wak,dc=example,dc=com', bind_password: 'wak-secret', search_filters: '{user_login_attribute}={username}', protocol_security: 'tls' };
      const put = await api.put('/backends/ldap', { token: admin, json: config });
      stored = true;
      expect(put.status, put.describe()).toBe(200);
      expect(typeof put.body.tenant_uuid, put.describe()).toBe('string');
      expect('bind_password' in put.body, 'bind_password is never shown').toBe(false);
      const read = await api.get('/backends/ldap', { token: admin });
      expect(read.status, read.describe()).toBe(200);
      const { bind_password: _secret, ...shown } = config;
      expect(read.body, 'GET returns what PUT stored').toEqual({ ...shown, tenant_uuid: put.body.tenant_uuid, protocol_version: 3 });
      // An upsert: omitted optional fields keep their value; protocol_version defaults to 3 again.
      const again = await api.put('/backends/ldap', { token: admin, json: { host: `${target.prefix}.ldap2.invalid`, port: 636, user_base_dn: 'ou=p', user_login_attribute: 'uid', user_email_attribute: 'mail', protocol_version: 2 } });
      expect(again.status, again.describe()).toBe(200);
      const second = (await api.get('/backends/ldap', { token: admin })).body;
      expect(second, 'the second PUT replaced the fields it gave and kept the others').toEqual({ ...read.body, host: `${target.prefix}.ldap2.invalid`, port: 636, user_base_dn: 'ou=p', protocol_version: 2 });
      const removed = await api.delete('/backends/ldap', { token: admin });
      expect(removed.status, removed.describe()).toBe(204);
      stored = false;
      expect(await ldapIsEmpty(api, admin), 'after DELETE, every field is null again').toBe(true);
      const twice = await api.delete('/backends/ldap', { token: admin });
      expect(twice.status, `DELETE without a configuration: ${twice.describe()}`).toBe(204);
    } finally {
      if (stored) await api.delete('/backends/ldap', { token: admin });
    }
  });

  test('an invalid PUT gets 400 naming the first invalid field and stores nothing', covers('LDAP-CONFIG-INVALID-400'), async ({ api, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const admin = await api.adminToken();
    test.skip(!(await ldapIsEmpty(api, admin)), HAS_LDAP);
    let sent = false;
    try {
      const valid = { host: `${target.prefix}.ldap.invalid`, port: 389, user_base_dn: 'ou=p', user_login_attribute: 'uid', user_email_attribute: 'mail' };
      const cases: [Record<string, unknown>, string][] = [
        [{}, 'host'],
        [{ ...valid, port: 'not-a-port' }, 'port'],
        [{ ...valid, protocol_security: '' }, 'protocol_security'],
        [{ ...valid, protocol_version: 4 }, 'protocol_version'],
      ];
      for (const [body, field] of cases) {
        sent = true;
        const res = await api.put('/backends/ldap', { token: admin, json: body });
        expect(res.status, res.describe()).toBe(400);
        expect(res.body?.reason, res.describe()).toEqual([`Invalid value supplied for field: ${field}`]);
      }
      expect(await ldapIsEmpty(api, admin), 'nothing was stored').toBe(true);
      sent = false;
    } finally {
      if (sent && !(await ldapIsEmpty(api, admin))) await api.delete('/backends/ldap', { token: admin });
    }
  });
});

test('a tenant without a SAML configuration: GET, metadata and PUT get 404, DELETE 204, the ACS URL template 200', covers('SAML-CONFIG-NONE'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const current = await api.get('/backends/saml', { token: admin });
  test.skip(current.status === 200, HAS_SAML);
  expectApiError(current, 404, 'unknown-saml-config');
  expect(current.body.resource, current.describe()).toBe('saml_config');
  expectApiError(await api.get('/backends/saml/metadata', { token: admin }), 404, 'unknown-saml-config');
  const form = multipart({ entity_id: `${target.prefix}-entity` });
  expectApiError(await api.put('/backends/saml', { token: admin, raw: form.raw, contentType: form.contentType }), 404, 'unknown-saml-config');
  const template = await api.get('/backends/saml/acs_url_template', { token: admin });
  expect(template.status, template.describe()).toBe(200);
  expect(template.body.acs_url, template.describe()).toBe('https://{{STACK_URL}}/api/auth/0.1/saml/acs');
  const removed = await api.delete('/backends/saml', { token: admin });
  expect(removed.status, `DELETE without a configuration: ${removed.describe()}`).toBe(204);
});

test(
  'POST /backends/saml checks the form in order and stores nothing',
  covers('SAML-CONFIG-POST-CHECKS'),
  should(async ({ api, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const admin = await api.adminToken();
    const current = await api.get('/backends/saml', { token: admin });
    test.skip(current.status === 200, HAS_SAML);
    const metadata = '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.invalid"/>';
    const fields = { domain_uuid: randomUUID(), entity_id: `${target.prefix}-entity`, acs_url: 'https://wak.invalid/api/auth/0.1/saml/acs' };
    let created = false;
    try {
      const post = async (form: { raw: string; contentType: string }) => {
        const res = await api.post('/backends/saml', { token: admin, raw: form.raw, contentType: form.contentType });
        if (res.status === 200) created = true;
        return res;
      };
      const empty = await post(multipart({}));
      expectApiError(empty, 400, 'invalid-list-param');
      expect(Object.keys(empty.body.details), empty.describe()).toEqual(['domain_uuid']);
      const noFile = await post(multipart(fields));
      expectApiError(noFile, 400, 'unknown-saml-config');
      expect(noFile.body.message, noFile.describe()).toBe('No metadata file provided');
      const badXml = await post(multipart(fields, [['metadata', 'idp.xml', 'not xml at all']]));
      expectApiError(badXml, 400, 'unknown-saml-config');
      expect(badXml.body.message, badXml.describe()).toMatch(/^Invalid XML \(/);
      const foreign = await post(multipart(fields, [['metadata', 'idp.xml', metadata]]));
      expectApiError(foreign, 400, 'unknown-saml-config');
      expect(foreign.body.message, foreign.describe()).toBe('Domain not from tenant');
      expect((await api.get('/backends/saml', { token: admin })).status, 'nothing was stored').toBe(404);
    } finally {
      if (created) await api.delete('/backends/saml', { token: admin });
    }
  }),
);

test.describe('the SAML configuration of a throwaway tenant', () => {
  /** An IdP's metadata (namespaced, with a child: the service answers JSON null for a childless root). */
  const idpMetadata = (entityId: string) =>
    [
      '<?xml version="1.0"?>',
      `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}">`,
      '  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">',
      `    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${entityId}/sso"/>`,
      '  </md:IDPSSODescriptor>',
      '</md:EntityDescriptor>',
    ].join('\n');

  /** A throwaway tenant (removed at teardown, its SAML configuration with it) with two domains, by name. */
  async function tenantWithDomains(api: ApiClient, prefix: string): Promise<{ uuid: string; domains: Map<string, string>; names: string[] }> {
    const admin = await api.adminToken();
    const tag = randomBytes(4).toString('hex');
    const names = [`${tag}.saml.example.com`, `${tag}-2.saml.example.com`];
    // An explicit slug: two tenants whose names start alike, made at the same moment by two workers, would get the same slug from their names (409 on 25.01).
    const created = await api.post('/tenants', { token: admin, json: { name: `${prefix}-saml-${tag}`, slug: `s${tag}`, domain_names: names } });
    expect(created.status, `creating a throwaway tenant: ${created.describe()}`).toBe(200);
    const listed = await api.get(`/tenants/${created.body.uuid}/domains`, { token: admin });
    expect(listed.status, listed.describe()).toBe(200);
    const domains = new Map<string, string>((listed.body.items as { name: string; uuid: string }[]).map((d) => [d.name, d.uuid]));
    expect([...domains.keys()].sort(), listed.describe()).toEqual([...names].sort());
    return { uuid: created.body.uuid as string, domains, names };
  }

  test(
    'POST stores it for one of the tenant\'s domains; GET and the metadata read it back; a second POST 409; PUT changes it; DELETE removes it',
    covers('SAML-CONFIG-STORED'),
    async ({ api, target }) => {
      test.skip(!target.hasAdmin, NEEDS_ADMIN);
      const admin = await api.adminToken();
      const tenant = await tenantWithDomains(api, target.prefix);
      const headers = { 'wazo-tenant': tenant.uuid };
      const [first, second] = tenant.names.map((name) => tenant.domains.get(name) as string);
      const entityId = `https://${randomBytes(4).toString('hex')}.idp.example.com/metadata`;
      const fields = { domain_uuid: first as string, entity_id: `${target.prefix}-sp`, acs_url: 'https://stack.example.com/api/auth/0.1/saml/acs' };
      let created = false;
      try {
        const form = multipart(fields, [['metadata', 'idp.xml', idpMetadata(entityId)]]);
        const post = await api.post('/backends/saml', { token: admin, headers, raw: form.raw, contentType: form.contentType });
        created = post.status === 200;
        expect(post.status, post.describe()).toBe(200);
        const expected = { ...fields, tenant_uuid: tenant.uuid };
        expect(post.body, post.describe()).toEqual(expected);
        const read = await api.get('/backends/saml', { token: admin, headers });
        expect(read.status, read.describe()).toBe(200);
        expect(read.body, 'GET returns what POST stored').toEqual(expected);

        const metadata = await api.get('/backends/saml/metadata', { token: admin, headers });
        expect(metadata.status, metadata.describe()).toBe(200);
        expect(metadata.header('content-type'), metadata.describe()).toMatch(/^application\/xml/);
        // The service writes the XML back its own way (prefixes, empty elements): the same document, not the same text.
        expect(metadata.text, 'the metadata is the IdP XML POST took').toContain(`entityID="${entityId}"`);
        expect(metadata.text, metadata.describe()).toMatch(/<([\w.-]+:)?EntityDescriptor\b[\s\S]*<([\w.-]+:)?SingleSignOnService\b/);

        const again = await api.post('/backends/saml', { token: admin, headers, raw: form.raw, contentType: form.contentType });
        expectApiError(again, 409, 'conflict');

        const change = multipart({ entity_id: `${target.prefix}-sp2`, domain_uuid: second as string });
        const put = await api.put('/backends/saml', { token: admin, headers, raw: change.raw, contentType: change.contentType });
        expect(put.status, put.describe()).toBe(200);
        expect(put.body, put.describe()).toEqual({});
        const changed = { ...expected, entity_id: `${target.prefix}-sp2`, domain_uuid: second };
        expect((await api.get('/backends/saml', { token: admin, headers })).body, 'PUT changed the fields it gave and kept acs_url').toEqual(changed);

        const foreign = multipart({ domain_uuid: randomUUID() });
        const refused = await api.put('/backends/saml', { token: admin, headers, raw: foreign.raw, contentType: foreign.contentType });
        expectApiError(refused, 400, 'unknown-saml-config');
        expect(refused.body.message, refused.describe()).toBe('Domain not from tenant');
        expect((await api.get('/backends/saml', { token: admin, headers })).body, 'a refused PUT changes nothing').toEqual(changed);

        const removed = await api.delete('/backends/saml', { token: admin, headers });
        expect(removed.status, removed.describe()).toBe(204);
        created = false;
        expectApiError(await api.get('/backends/saml', { token: admin, headers }), 404, 'unknown-saml-config');
        expectApiError(await api.get('/backends/saml/metadata', { token: admin, headers }), 404, 'unknown-saml-config');
      } finally {
        if (created) await api.delete('/backends/saml', { token: admin, headers });
      }
    },
  );

  test(
    'taking the configured domain out of the tenant\'s domain names deletes the configuration',
    covers('SAML-CONFIG-FOLLOWS-DOMAIN'),
    should(async ({ api, target }) => {
      test.skip(!target.hasAdmin, NEEDS_ADMIN);
      const admin = await api.adminToken();
      const tenant = await tenantWithDomains(api, target.prefix);
      const headers = { 'wazo-tenant': tenant.uuid };
      const [firstName, secondName] = tenant.names as [string, string];
      const form = multipart({ domain_uuid: tenant.domains.get(firstName) as string, entity_id: `${target.prefix}-sp`, acs_url: 'https://stack.example.com/api/auth/0.1/saml/acs' }, [
        ['metadata', 'idp.xml', idpMetadata('https://idp.example.com/metadata')],
      ]);
      let created = false;
      try {
        const post = await api.post('/backends/saml', { token: admin, headers, raw: form.raw, contentType: form.contentType });
        created = post.status === 200;
        expect(post.status, post.describe()).toBe(200);
        const kept = await api.put(`/tenants/${tenant.uuid}`, { token: admin, json: { name: `${target.prefix}-saml-kept`, domain_names: [secondName] } });
        expect(kept.status, kept.describe()).toBe(200);
        const after = await api.get('/backends/saml', { token: admin, headers });
        expectApiError(after, 404, 'unknown-saml-config');
        created = false;
      } finally {
        if (created) await api.delete('/backends/saml', { token: admin, headers });
      }
    }),
  );
});

test('without an IdP, POST /saml/sso gets 500 configuration-error and POST /saml/acs 400 or 404', covers('SAML-SSO-UNCONFIGURED'), async ({ api, target }) => {
  const domain = `${target.prefix}.invalid`;
  const sso = await api.post('/saml/sso', { json: { redirect_url: 'https://app.invalid/after-login', domain } });
  expectApiError(sso, 500, 'configuration-error');
  expect(sso.body.details, sso.describe()).toEqual({ domain });
  const missing = await api.post('/saml/acs', { raw: 'RelayState=x', contentType: 'application/x-www-form-urlencoded' });
  expectApiError(missing, 400, 'invalid-data');
  expect(missing.body.message, missing.describe()).toBe('RelayState and/or SAMLResponse');
  const unknown = await api.post('/saml/acs', { raw: `SAMLResponse=${randomBytes(8).toString('hex')}&RelayState=${randomBytes(8).toString('hex')}`, contentType: 'application/x-www-form-urlencoded' });
  expectApiError(unknown, 404, 'processing-error');
  expect(unknown.body.details, unknown.describe()).toEqual({ error: 'Context not found' });
});

test('without a SAML session, GET /saml/logout gets 404 and the token stays valid; GET /saml/sls 500', covers('SAML-LOGOUT-UNCONFIGURED'), async ({ api }) => {
  const anonymous = await api.get('/saml/logout');
  expect(anonymous.status, anonymous.describe()).toBe(404);
  expect(anonymous.body?.reason, anonymous.describe()).toEqual(['No such token']);
  const user = await api.userLogin();
  const logout = await api.get('/saml/logout', { token: user.token });
  expectApiError(logout, 404, 'processing-error');
  expect(logout.body.details, logout.describe()).toEqual({ error: 'Context not found' });
  const still = await api.get(`/token/${user.token}`);
  expect(still.status, `the token survives a failed SAML logout: ${still.describe()}`).toBe(200);
  const sls = await api.get('/saml/sls');
  expectApiError(sls, 500, 'processing-error');
});

test('GET /idp lists default, native, ldap and saml', covers('IDP-LIST'), async ({ api, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const res = await api.get('/idp', { token: await api.adminToken() });
  expect(res.status, res.describe()).toBe(200);
  expect([...res.body.items].sort(), res.describe()).toEqual(['default', 'ldap', 'native', 'saml']);
  expect(res.body.total, res.describe()).toBe(4);
  expect(res.body.filtered, res.describe()).toBe(4);
});

test('linking a user to saml sets its authentication_method and ends its password logins; unlinking sets it back', covers('IDP-LINK-SETS-METHOD'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const bob = await accounts.create('idp');
  const method = async () => {
    const res = await api.get(`/users/${bob.uuid}`, { token: admin });
    expect(res.status, res.describe()).toBe(200);
    return res.body.authentication_method as string;
  };
  const linked = await api.put(`/idp/saml/users/${bob.uuid}`, { token: admin });
  expect(linked.status, linked.describe()).toBe(204);
  expect(await method(), 'PUT /idp/saml/users/{uuid} sets authentication_method').toBe('saml');
  const login = await api.login(bob);
  expect(login.status, `a SAML user logs in through its IdP, not with its password: ${login.describe()}`).toBe(401);
  const other = await api.delete(`/idp/ldap/users/${bob.uuid}`, { token: admin });
  expect(other.status, other.describe()).toBe(204);
  expect(await method(), 'unlinking another type changes nothing').toBe('saml');
  const unlinked = await api.delete(`/idp/saml/users/${bob.uuid}`, { token: admin });
  expect(unlinked.status, unlinked.describe()).toBe(204);
  expect(await method(), 'unlinking the same type sets it back to default').toBe('default');
  await api.loginOk(bob);
  const bulk = await api.put('/idp/ldap/users', { token: admin, json: { users: [{ uuid: bob.uuid }] } });
  expect(bulk.status, bulk.describe()).toBe(204);
  expect(await method(), 'PUT /idp/ldap/users sets it for each user listed').toBe('ldap');
  await api.delete(`/idp/ldap/users/${bob.uuid}`, { token: admin });
});

test('an unknown idp_type or user gets 404, a bulk body without users 400', covers('IDP-UNKNOWN-404'), async ({ api, accounts, target }) => {
  test.skip(!target.hasAdmin, NEEDS_ADMIN);
  const admin = await api.adminToken();
  const bob = await accounts.create('idp-unknown');
  const type = await api.put(`/idp/wak-nope/users/${bob.uuid}`, { token: admin });
  expectApiError(type, 404, 'unknown-idp-type');
  expect(type.body.details, type.describe()).toEqual({ idp_type: 'wak-nope' });
  const nobody = randomUUID();
  const user = await api.put(`/idp/saml/users/${nobody}`, { token: admin });
  expectApiError(user, 404, 'unknown-user');
  expectApiError(await api.delete(`/idp/saml/users/${nobody}`, { token: admin }), 404, 'unknown-user');
  expectApiError(await api.put('/idp/wak-nope/users', { token: admin, json: { users: [] } }), 404, 'unknown-idp-type');
  expectApiError(await api.put('/idp/saml/users', { token: admin, json: { users: [{ uuid: nobody }] } }), 404, 'unknown-user');
  expectApiError(await api.put('/idp/saml/users', { token: admin, json: {} }), 400, 'invalid-list-param');
  const res = await api.get(`/users/${bob.uuid}`, { token: admin });
  expect(res.body.authentication_method, 'the refused calls changed nothing').toBe('default');
});

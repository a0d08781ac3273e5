/**
 * Authentication backends and identity providers (issue 15, slice saml/ldap/idp): the LDAP backend
 * configuration of a tenant (stored, never used to bind), the SAML backend configuration (the mock's
 * tenants have no domain, so none can be created: every answer is the real service's for a tenant
 * without one), the SAML login and logout flows as the real service answers them with no IdP
 * configured, and the IdP links that set a user's `authentication_method`. Measured on the real
 * 25.01, 26.05 and master (24.01 has the LDAP operations only).
 */
import { apiError, errors } from '../errors.ts';
import { targetUser } from './common.ts';
import type { Handler, HandlerContext } from './types.ts';

/** The fields GET /backends/ldap shows, in the service's order (`bind_password` never). */
const LDAP_FIELDS = ['tenant_uuid', 'host', 'port', 'protocol_version', 'protocol_security', 'bind_dn', 'user_base_dn', 'user_login_attribute', 'user_email_attribute', 'search_filters'] as const;
/** The identity-provider types of GET /idp (plugins `ldap`, `saml` and the hard-coded `native`, `default`). */
const IDP_TYPES = ['default', 'native', 'ldap', 'saml'] as const;

const tenantOf = (context: HandlerContext): string => (typeof context.params.header['wazo-tenant'] === 'string' && context.params.header['wazo-tenant']) || context.caller?.tenantUuid || '';

function ldapView(config: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  return Object.fromEntries(LDAP_FIELDS.map((field) => [field, config?.[field] ?? null]));
}

const getLDAPBackendConfig: Handler = (context) => ({ status: 200, body: ldapView(context.state.ldapConfigs.get(tenantOf(context))) });

const updateLDAPBackendConfig: Handler = (context) => {
  const tenant = tenantOf(context);
  const stored = context.state.ldapConfigs.get(tenant) ?? {};
  // An upsert: given fields replace, omitted optional ones keep their value; protocol_version defaults to 3.
  const given = Object.fromEntries(Object.entries(context.body).filter(([field]) => (LDAP_FIELDS as readonly string[]).includes(field) || field === 'bind_password'));
  const config = { ...stored, ...given, tenant_uuid: tenant };
  // Fault `ldap-config-not-stored`: 200 with the configuration, but nothing is kept.
  if (!context.faults.has('ldap-config-not-stored')) context.state.ldapConfigs.set(tenant, config);
  return { status: 200, body: ldapView(config) };
};

const deleteLDAPBackendConfig: Handler = (context) => {
  context.state.ldapConfigs.delete(tenantOf(context));
  return { status: 204 };
};

// --- SAML configuration: the tenant has none ---------------------------------------------------------

const unknownSamlConfig = (tenant: string) => apiError(404, `No SAML IDP config found for this tenant: "${tenant}"`, 'unknown-saml-config', { uuid: tenant }, 'saml_config');
const samlConfigRefused = (tenant: string, message: string) => apiError(400, message, 'unknown-saml-config', { uuid: tenant }, 'saml_config');

/** One part of a multipart form: its field name, file name (for files) and content. */
interface FormPart {
  name: string;
  filename?: string;
  content: string;
}

/** The parts of a `multipart/form-data` body (what Flask's request.form and request.files hold); none for another type. */
export function multipartParts(bytes: Buffer, contentType: string): FormPart[] {
  const boundary = /^multipart\/form-data\b.*?;\s*boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return [];
  const parts: FormPart[] = [];
  for (const chunk of bytes.toString('latin1').split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    const split = chunk.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = chunk.slice(0, split);
    const name = /\bname="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    const filename = /\bfilename="([^"]*)"/i.exec(head)?.[1];
    const content = Buffer.from(chunk.slice(split + 4).replace(/\r\n$/, ''), 'latin1').toString('utf8');
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), content });
  }
  return parts;
}

/** The fields of a urlencoded or multipart form (files excluded). */
function formFields(context: HandlerContext): Map<string, string> {
  const raw = context.rawBody ?? { bytes: Buffer.alloc(0), contentType: '' };
  const fields = new Map<string, string>();
  if (/^application\/x-www-form-urlencoded/i.test(raw.contentType)) {
    for (const [key, value] of new URLSearchParams(raw.bytes.toString('utf8'))) if (!fields.has(key)) fields.set(key, value);
  } else {
    for (const part of multipartParts(raw.bytes, raw.contentType)) if (part.filename === undefined && !fields.has(part.name)) fields.set(part.name, part.content);
  }
  return fields;
}

const REQUIRED_FIELD = { message: 'Missing data for required field.', constraint_id: 'required', constraint: 'required' };

const createSAMLBackendConfig: Handler = (context) => {
  const tenant = tenantOf(context);
  const fields = formFields(context);
  for (const name of ['domain_uuid', 'entity_id', 'acs_url']) {
    if (!fields.has(name)) throw apiError(400, REQUIRED_FIELD.message, 'invalid-list-param', { [name]: REQUIRED_FIELD }, 'users');
  }
  const raw = context.rawBody ?? { bytes: Buffer.alloc(0), contentType: '' };
  const metadata = multipartParts(raw.bytes, raw.contentType).find((p) => p.name === 'metadata' && p.filename !== undefined);
  if (!metadata) throw samlConfigRefused(tenant, 'No metadata file provided');
  if (metadata.filename === '') throw samlConfigRefused(tenant, 'Empty metadata file provided');
  if (!metadata.content.trimStart().startsWith('<')) throw samlConfigRefused(tenant, 'Invalid XML (syntax error: line 1, column 0)');
  // The mock's tenants have no domain: no domain_uuid is one of the tenant's.
  throw samlConfigRefused(tenant, 'Domain not from tenant');
};

const getSAMLBackendConfig: Handler = (context) => {
  throw unknownSamlConfig(tenantOf(context));
};
const updateSAMLBackendConfig: Handler = getSAMLBackendConfig;
const getSAMLBackendMetadata: Handler = getSAMLBackendConfig;
const deleteSAMLBackendConfig: Handler = () => ({ status: 204 });
const getSAMLAcsUrlTemplate: Handler = () => ({ status: 200, body: { acs_url: 'https://{{STACK_URL}}/api/auth/0.1/saml/acs' } });

// --- SAML flows without an IdP -----------------------------------------------------------------------

const samlProcessingError = (status: number, error: string) => apiError(status, 'SAML processing failed', 'processing-error', { error }, 'saml');

/** JSON as Flask's `get_json(force=True)` reads it: werkzeug's bare 400 when it does not parse. */
function forcedJson(context: HandlerContext): unknown {
  const text = (context.rawBody?.bytes ?? Buffer.alloc(0)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw errors.badRequest();
  }
}

const samlSSO: Handler = (context) => {
  const body = forcedJson(context) as Record<string, unknown> | null;
  // A missing or non-text field: the service's own error path fails, werkzeug's bare 500.
  if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.redirect_url !== 'string' || typeof body.domain !== 'string') throw errors.internal();
  throw apiError(500, 'SAML client for domain not found or failed', 'configuration-error', { domain: body.domain }, 'saml');
};

const samlACS: Handler = (context) => {
  const fields = formFields(context);
  if (!fields.has('RelayState') || !fields.has('SAMLResponse')) throw apiError(400, 'RelayState and/or SAMLResponse', 'invalid-data', {}, 'saml');
  throw samlProcessingError(404, 'Context not found');
};

const samlLogout: Handler = (context) => {
  const token = context.token ?? (typeof context.params.query.token === 'string' ? context.params.query.token : undefined);
  if (!token || !context.state.findAccessToken(token.toLowerCase())) throw errors.noSuchToken();
  throw samlProcessingError(404, 'Context not found');
};

const samlSLS: Handler = () => {
  throw samlProcessingError(500, "Unable to process logout request response ('tuple' object has no attribute 'auth_context')");
};

// --- identity providers --------------------------------------------------------------------------------

const listIdps: Handler = () => ({ status: 200, body: { total: IDP_TYPES.length, filtered: IDP_TYPES.length, items: [...IDP_TYPES] } });

function idpType(context: HandlerContext): string {
  const type = String(context.params.path.idp_type);
  if (!(IDP_TYPES as readonly string[]).includes(type)) throw apiError(404, `No such IDP type: "${type}"`, 'unknown-idp-type', { idp_type: type }, 'idp');
  return type;
}

function link(context: HandlerContext, uuid: string, type: string): void {
  const user = context.state.users.get(uuid.toLowerCase());
  if (!user) throw errors.unknownUser(uuid);
  // Fault `idp-link-ignored`: 204, but the user keeps its authentication method.
  if (!context.faults.has('idp-link-ignored')) user.authenticationMethod = type;
}

const addIdpUser: Handler = (context) => {
  const type = idpType(context);
  link(context, targetUser(context, context.params.path.user_uuid), type);
  return { status: 204 };
};

const removeIdpUser: Handler = (context) => {
  const type = idpType(context);
  const uuid = targetUser(context, context.params.path.user_uuid);
  const user = context.state.users.get(uuid);
  if (!user) throw errors.unknownUser(uuid);
  if (user.authenticationMethod === type) user.authenticationMethod = 'default';
  return { status: 204 };
};

const addIdpUsers: Handler = (context) => {
  const type = idpType(context);
  const body = forcedJson(context) as Record<string, unknown> | null;
  const invalid = (message: unknown) => apiError(400, message as string, 'invalid-list-param', {}, 'users');
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid({ _schema: ['Invalid input type.'] });
  if (!('users' in body)) throw invalid({ users: REQUIRED_FIELD });
  if (!Array.isArray(body.users)) throw invalid({ users: { message: 'Invalid type.', constraint_id: 'type', constraint: 'list' } });
  const items = body.users as unknown[];
  items.forEach((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalid({ users: { [String(i)]: { _schema: ['Invalid input type.'] } } });
    const uuid = (item as Record<string, unknown>).uuid;
    if (uuid === undefined) throw invalid({ users: { [String(i)]: { uuid: REQUIRED_FIELD } } });
    if (typeof uuid !== 'string') throw invalid({ users: { [String(i)]: { uuid: { message: 'Not a valid string.', constraint_id: 'type', constraint: 'string' } } } });
  });
  // One after the other, as the service does: an unknown user stops the loop there.
  for (const item of items) link(context, (item as { uuid: string }).uuid, type);
  return { status: 204 };
};

/** Handlers of the backend and identity-provider operations, by operationId. */
export const backendHandlers: Record<string, Handler> = {
  getLDAPBackendConfig,
  updateLDAPBackendConfig,
  deleteLDAPBackendConfig,
  getSAMLBackendConfig,
  createSAMLBackendConfig,
  updateSAMLBackendConfig,
  deleteSAMLBackendConfig,
  getSAMLBackendMetadata,
  getSAMLAcsUrlTemplate,
  samlSSO,
  samlACS,
  samlLogout,
  samlSLS,
  listIdps,
  addIdpUsers,
  addIdpUser,
  removeIdpUser,
};

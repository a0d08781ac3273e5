/**
 * Authentication backends and identity providers (issue 15, slice saml/ldap/idp): the LDAP backend
 * configuration of a tenant (stored, never used to bind), the SAML backend configuration of a tenant
 * for one of its domains (stored with the IdP's metadata as the service re-writes it; never used to
 * reach an IdP), the SAML login and logout flows as the real service answers them with no IdP
 * configured, and the IdP links that set a user's `authentication_method`. Measured on the real
 * 25.01, 26.05 and master (24.01 has the LDAP operations only).
 */
import { apiError, errors } from '../errors.ts';
import type { SamlConfigRecord } from '../state/index.ts';
import { parseXml, serializeXml, xmlDepth, XmlDepthError, XmlSyntaxError, type XmlElement } from '../xml.ts';
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

// --- SAML configuration -------------------------------------------------------------------------------

const unknownSamlConfig = (tenant: string) => apiError(404, `No SAML IDP config found for this tenant: "${tenant}"`, 'unknown-saml-config', { uuid: tenant }, 'saml_config');
const samlConfigRefused = (tenant: string, message: string) => apiError(400, message, 'unknown-saml-config', { uuid: tenant }, 'saml_config');

/** One part of a multipart form: its field name, file name (for files) and content. */
interface FormPart {
  name: string;
  filename?: string;
  content: string;
  bytes: Buffer;
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
    const content = Buffer.from(chunk.slice(split + 4).replace(/\r\n$/, ''), 'latin1');
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), content: content.toString('utf8'), bytes: content });
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

/** The form's first `metadata` file (Flask's request.files['metadata']), if it has one. */
function metadataFile(context: HandlerContext): FormPart | undefined {
  const raw = context.rawBody ?? { bytes: Buffer.alloc(0), contentType: '' };
  return multipartParts(raw.bytes, raw.contentType).find((p) => p.name === 'metadata' && p.filename !== undefined);
}

const REQUIRED_FIELD = { message: 'Missing data for required field.', constraint_id: 'required', constraint: 'required' };
/** The form's fields, in upstream's schema order, with their length bounds (`tenant_uuid` may be given and is ignored). */
const SAML_FIELDS: readonly { name: string; min: number; max: number; required: boolean }[] = [
  { name: 'domain_uuid', min: 36, max: 38, required: true },
  { name: 'entity_id', min: 1, max: 512, required: true },
  { name: 'tenant_uuid', min: 36, max: 38, required: false },
  { name: 'acs_url', min: 1, max: 512, required: true },
];

/**
 * The form checked as upstream's schema does: the first missing or out-of-bounds field is a 400
 * `invalid-list-param` (resource `users`, as the service says). `partial` (PUT) requires nothing.
 */
function samlForm(context: HandlerContext, partial: boolean): Map<string, string> {
  const fields = formFields(context);
  for (const field of SAML_FIELDS) {
    const value = fields.get(field.name);
    if (value === undefined) {
      if (field.required && !partial) throw apiError(400, REQUIRED_FIELD.message, 'invalid-list-param', { [field.name]: REQUIRED_FIELD }, 'users');
      continue;
    }
    const length = [...value].length;
    if (length < field.min || length > field.max) {
      const message = `Length must be between ${field.min} and ${field.max}.`;
      throw apiError(400, message, 'invalid-list-param', { [field.name]: { constraint_id: 'length', constraint: { min: field.min, max: field.max }, message } }, 'users');
    }
  }
  return fields;
}

/**
 * The deepest metadata the real service stores: its database's XML type refuses more than 256 nested
 * elements, a 500 `Unexpected error while processing configuration ((psycopg2.errors.InvalidXmlContent)
 * ...)` on 25.01, 26.05 and master; the mock refuses it with a 400 (mock/README.md, deliberate differences).
 */
const MAX_METADATA_DEPTH = 256;

/** The metadata file read as the service reads it (ElementTree): 400 for an empty file name or XML that does not parse. */
function readMetadata(tenant: string, file: FormPart): XmlElement {
  if (file.filename === '') throw samlConfigRefused(tenant, 'Empty metadata file provided');
  const tooDeep = () => samlConfigRefused(tenant, `Invalid XML (elements nested deeper than ${MAX_METADATA_DEPTH})`);
  let root: XmlElement;
  try {
    root = parseXml(file.bytes);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw samlConfigRefused(tenant, `Invalid XML (${error.message})`);
    if (error instanceof XmlDepthError) throw tooDeep();
    throw error;
  }
  if (xmlDepth(root) > MAX_METADATA_DEPTH) throw tooDeep();
  return root;
}

function domainOfTenant(context: HandlerContext, tenant: string, domainUuid: string): void {
  if (!context.state.tenants.get(tenant)?.domains.some((d) => d.uuid === domainUuid)) throw samlConfigRefused(tenant, 'Domain not from tenant');
}

const samlConfigView = (config: SamlConfigRecord) => ({ domain_uuid: config.domainUuid, entity_id: config.entityId, tenant_uuid: config.tenantUuid, acs_url: config.acsUrl });

const createSAMLBackendConfig: Handler = (context) => {
  const tenant = tenantOf(context);
  const fields = samlForm(context, false);
  const file = metadataFile(context);
  if (!file) throw samlConfigRefused(tenant, 'No metadata file provided');
  const idpMetadata = readMetadata(tenant, file);
  if (context.state.samlConfig(tenant)) {
    throw apiError(409, 'Conflict detected', 'conflict', { tenant_uuid: { constraint_id: 'unique', message: 'Duplicated SAML config exists' } }, 'saml_config');
  }
  const domainUuid = fields.get('domain_uuid') as string;
  domainOfTenant(context, tenant, domainUuid);
  const config: SamlConfigRecord = { tenantUuid: tenant, domainUuid, entityId: fields.get('entity_id') as string, acsUrl: fields.get('acs_url') as string, idpMetadata };
  // Fault `saml-config-not-stored`: 200 with the configuration, but nothing is kept.
  if (!context.faults.has('saml-config-not-stored')) context.state.setSamlConfig(config);
  return { status: 200, body: samlConfigView(config) };
};

const getSAMLBackendConfig: Handler = (context) => {
  const tenant = tenantOf(context);
  const config = context.state.samlConfig(tenant);
  if (!config) throw unknownSamlConfig(tenant);
  return { status: 200, body: samlConfigView(config) };
};

/**
 * Changes the given fields (and the metadata when a file comes) and answers 200 `{}`, as the real
 * service does (its DAO returns nothing). Out-of-bounds fields: the real service fails with a 500
 * whose body is the form; the mock answers 400 as POST does (mock/README.md, deliberate differences).
 */
const updateSAMLBackendConfig: Handler = (context) => {
  const tenant = tenantOf(context);
  const fields = samlForm(context, true);
  const file = metadataFile(context);
  const idpMetadata = file ? readMetadata(tenant, file) : undefined;
  const domainUuid = fields.get('domain_uuid');
  if (domainUuid !== undefined) domainOfTenant(context, tenant, domainUuid);
  const config = context.state.samlConfig(tenant);
  if (!config) throw unknownSamlConfig(tenant);
  if (domainUuid !== undefined) config.domainUuid = domainUuid;
  config.entityId = fields.get('entity_id') ?? config.entityId;
  config.acsUrl = fields.get('acs_url') ?? config.acsUrl;
  if (idpMetadata) config.idpMetadata = idpMetadata;
  return { status: 200, body: {} };
};

/**
 * The stored metadata as ElementTree writes it. A root element without children is falsy in Python:
 * the real service then answers 200 `null` (JSON) instead of the file.
 */
const getSAMLBackendMetadata: Handler = (context) => {
  const tenant = tenantOf(context);
  const config = context.state.samlConfig(tenant);
  if (!config) throw unknownSamlConfig(tenant);
  if (config.idpMetadata.children.length === 0) return { status: 200, body: null };
  return { status: 200, text: { body: serializeXml(config.idpMetadata), contentType: 'application/xml' }, headers: { 'Content-Disposition': 'attachment' } };
};

const deleteSAMLBackendConfig: Handler = (context) => {
  context.state.deleteSamlConfig(tenantOf(context));
  return { status: 204 };
};
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

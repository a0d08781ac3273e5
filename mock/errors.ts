/**
 * The error answers of the mock. wazo-auth has three body shapes (obs. "What surprises a mock
 * implementer"): `Error` for /token and its sub-resources, `APIError` for resource endpoints, and
 * werkzeug's bare `{message}` for HTTP-level failures. Each is built by one function here; errors are
 * raised where the rule lives and turned into HTTP in exactly one place, {@link toErrorResponse}.
 */
import type { JsonObject } from '../spec/loader.ts';

/** The body shapes of the spec's `components.schemas`. */
export type ErrorShape = 'Error' | 'APIError' | 'BareMessage';

/** What an error says, before the timestamp is stamped on. */
export type ErrorPayload =
  | { shape: 'Error'; reason: string }
  | { shape: 'APIError'; message: ApiErrorMessage; error_id: string; details: JsonObject; resource?: string }
  | { shape: 'BareMessage'; message: string }
  /** A body that fits none of the three (a service bug kept as it is); only the timestamp is added. */
  | { shape: 'Raw'; body: JsonObject };

/** An APIError's `message`: a string, or (invalid-data of the emails and reset endpoints) a list or marshmallow's error dict. */
export type ApiErrorMessage = string | string[] | JsonObject;

/** A deliberate error answer (a rule of the service), as opposed to a bug in the mock. */
export class MockHttpError extends Error {
  override readonly name = 'MockHttpError';

  constructor(
    readonly status: number,
    readonly payload: ErrorPayload,
    readonly headers: Record<string, string> = {},
  ) {
    super(`[mock] ${status} ${errorText(payload)}`);
  }
}

/** An HTTP answer as the pipeline passes it around. `body` is JSON; `text` a raw body. */
export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  text?: string;
}

/** The human text of an error payload, whatever its shape. */
export function errorText(payload: ErrorPayload): string {
  if (payload.shape === 'Error') return payload.reason;
  if (payload.shape === 'Raw') return String(payload.body.message ?? JSON.stringify(payload.body));
  return typeof payload.message === 'string' ? payload.message : JSON.stringify(payload.message);
}

/** The `Error` shape: `{reason: [..], timestamp: [..], status_code}`. */
export function serviceError(status: number, reason: string): MockHttpError {
  return new MockHttpError(status, { shape: 'Error', reason });
}

/** The `APIError` shape: `{message, error_id, details, timestamp, resource?}`. */
export function apiError(status: number, message: ApiErrorMessage, errorId: string, details: JsonObject, resource?: string): MockHttpError {
  return new MockHttpError(status, { shape: 'APIError', message, error_id: errorId, details, ...(resource ? { resource } : {}) });
}

/** A body in none of the service's usual shapes, as the real service sends it. */
export function rawApiError(status: number, body: JsonObject): MockHttpError {
  return new MockHttpError(status, { shape: 'Raw', body });
}

/** werkzeug's bare `{message}` shape. */
export function bareError(status: number, message: string, headers: Record<string, string> = {}): MockHttpError {
  return new MockHttpError(status, { shape: 'BareMessage', message }, headers);
}

/** werkzeug's texts, as the service sends them (obs. 1b, 12b, 7d; 12f for the not-found text). */
export const HTTP_MESSAGES = {
  badRequest: 'The browser (or proxy) sent a request that this server could not understand.',
  notFound: 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  methodNotAllowed: 'The method is not allowed for the requested URL.',
  payloadTooLarge: 'The data value transmitted exceeds the capacity limit.',
  internal: 'Internal Server Error',
} as const;

/** The named errors of the service, each with its status and text (obs. numbers in brackets). */
export const errors = {
  /** Any failed login, refresh or old-password check [7a–7d4, 4a–4c, 6a, 10e2]. */
  authenticationFailed: () => serviceError(401, 'Authentication Failed'),
  /** Unknown, expired, revoked or refresh token on /token/{t} [8c, 8f, 5c]. */
  noSuchToken: () => serviceError(404, 'No such token'),
  /** `?scope=` not granted [8d2]. */
  scopeRefused: (scope: string) => serviceError(403, `Unauthorized for ${scope}`),
  /** `?tenant=` outside the token's tenant (upstream `MissingTenantTokenException`). */
  tenantRefused: (tenant: string) => serviceError(403, `Unauthorized for tenant ${tenant}`),
  /** `backend: ldap_user` without a tenant or domain, before 24.08 (observed on the real wazo-auth 24.01). */
  ldapNeedsDomain: () => serviceError(400, `{'_schema': ['"tenant_id" or "domain_name" must be specified when using the "ldap_user" backend']}`),
  /** The 101st session [13a]. */
  tooManySessions: (userUuid: string) =>
    serviceError(429, `User ${userUuid} has exceeded the maximum number of active sessions`),
  /** A missing, unknown, expired or refresh X-Auth-Token [9c2, 9c3, 5a, 8h3]. */
  tokenNotFound: (invalidToken: string, requiredAccess: string) =>
    apiError(401, 'Unauthorized', 'unauthorized', { invalid_token: invalidToken, reason: 'not_found_or_expired', required_access: requiredAccess }),
  /**
   * A valid token without the required ACL [9b2, 10f–10f7]; `tenantReason` false: the form before 24.10
   * (`reason: missing_permission`, no tenant_uuid; spec/releases.yaml, unauthorized-tenant-reason).
   */
  missingPermission: (token: string, requiredAccess: string, tenantUuid: string | null, tenantReason = true) =>
    apiError(
      401,
      'Unauthorized',
      'unauthorized',
      tenantReason
        ? { invalid_token: token, reason: 'missing_permission_or_invalid_tenant', required_access: requiredAccess, tenant_uuid: tenantUuid }
        : { invalid_token: token, reason: 'missing_permission', required_access: requiredAccess },
    ),
  /** [10c2, 10h2]. */
  unknownUser: (uuid: string) => apiError(404, `No such user: "${uuid}"`, 'unknown-user', { uuid }, 'users'),
  /** upstream `UnknownEmailException` (observed 24.01 – master). */
  unknownEmail: (uuid: string) => apiError(404, `No such email: "${uuid}"`, 'unknown-email', { uuid }, 'emails'),
  /** Not in the recording; shaped like `unknownUser`. */
  unknownSession: (uuid: string) => apiError(404, `No such session: "${uuid}"`, 'unknown-session', { uuid }, 'sessions'),
  /** [9f]. */
  unknownRefreshToken: (clientId: string) =>
    apiError(404, `unknown refresh_token for client_id "${clientId}"`, 'cannot-find-refresh-token-matching-client-id', { client_id: clientId }, 'tokens'),
  /** [10a2]; the email variant follows upstream `EmailLoginAlreadyExists`. */
  loginTaken: (field: 'username' | 'email_address', login: string) =>
    apiError(409, 'Conflict detected', 'conflict', { [field]: { constraint_id: 'unique', message: `The login "${login}" is already used` } }, 'users'),
  /** A user UUID given at creation that already exists. */
  uuidTaken: (uuid: string) =>
    apiError(409, 'Conflict detected', 'conflict', { uuid: { constraint_id: 'unique', message: `The uuid "${uuid}" is already used` } }, 'users'),
  /** A `Wazo-Tenant` outside the caller's subtree, once the ACL passed (observed on 24.01–master). */
  unauthorizedTenant: (tenantUuid: string) => apiError(401, 'Unauthorized tenant', 'unauthorized-tenant', { tenant_uuid: tenantUuid }),
  /** An unknown tenant, or one outside the caller's subtree (observed on 24.01–master). */
  unknownTenant: (uuid: string) => apiError(404, `No such tenant: "${uuid}"`, 'unknown-tenant', { uuid }, 'tenants'),
  /** A slug or uuid already used by another tenant (observed on 24.01–master). */
  tenantTaken: (field: 'slug' | 'uuid', value: string) =>
    apiError(409, 'Conflict detected', 'conflict', { [field]: { constraint_id: 'unique', message: `The ${field} "${value}" is already used` } }, 'tenants'),
  /** Domain names another tenant has; the message quotes Python's repr of the list (observed on 26.05). */
  domainTaken: (names: readonly string[]) =>
    apiError(409, 'Conflict detected', 'conflict', { domain_names: { 'constraint-id': 'unique', message: `Domain name : "[${names.map((n) => `'${n}'`).join(', ')}]" is already in use, no duplicates allowed` } }, 'tenants'),
  /** A parent change that would put a tenant below itself (observed on 26.05). */
  parentIsDescendant: (uuid: string, parentUuid: string) =>
    apiError(409, `Parent (${parentUuid}) is a descendent of tenant: "${uuid}"`, 'conflict', { uuid, parent_uuid: parentUuid }, 'tenants'),
  /** A creation with the master tenant's uuid: 403 with a conflict body (observed on 24.01–master). */
  masterTenantExists: () =>
    apiError(403, 'Conflict detected', 'conflict', { parent_uuid: { constraint_id: 'unique', msg: 'A master tenant already exist' } }, 'tenants'),
  /** Deleting the tenant one acts in (observed on 24.01–master). */
  deletingOwnTenant: (uuid: string) =>
    apiError(403, `Deleting its own tenant is forbidden: "${uuid}"`, 'deleting-own-tenant-forbidden', { tenant_uuid: uuid }, 'tenants'),
  /**
   * Deleting a tenant that has a sub-tenant: the real service swaps `error_id` and `details` (observed on
   * 24.01–master, upstream 2d0f6864), and its body has no `resource`.
   */
  tenantHasChildren: (uuid: string) => rawApiError(400, { message: `Unauthorized delete of tenant : "${uuid}" ; since it has at least one child`, error_id: { uuid }, details: 'tenants' }),
  /** An unknown `default_authentication_method` from 24.08 to 25.03: the schema's enum (observed on 25.01). */
  authenticationMethodNotInEnum: (choices: string[]) => {
    const message = `Must be one of: ${choices.join(', ')}.`;
    return apiError(400, message, 'invalid-data', { default_authentication_method: { constraint_id: 'enum', constraint: { choices }, message } }, 'tenants');
  },
  /** An unknown `default_authentication_method` from 25.04 (upstream 447e2dbf, the idp plugins). */
  invalidAuthenticationMethod: (value: string) =>
    apiError(400, `Invalid default authentication method ${value}`, 'invalid-data', { default_authentication_method: value }, 'tenants'),
  // --- policies and groups (measured on 24.01, 25.01, 26.05, master; /tmp observations in the policies report) ---
  /** GET/PUT/DELETE of an unknown policy (`Error`; 24.01 printed the bare UUID, later releases a dict). */
  unknownPolicy: (key: string, by: 'uuid' | 'slug' = 'uuid') => serviceError(404, `No such policy {'${by}': '${key}'}`),
  /** A policy name or slug already used in the tenant. */
  duplicatePolicy: (name: string) => serviceError(409, `Policy "${name}" already exists`),
  /** PUT or DELETE of a config-managed policy (the text says deletion for both). */
  readOnlyPolicy: (uuid: string) => serviceError(403, `Forbidden policy deletion: "${uuid}"`),
  /** PUT /policies/{uuid}/acl/{access} for an access the policy has. */
  duplicateAccess: (access: string) => serviceError(409, `Policy already associated to ${access}`),
  /** A caller giving (or taking) an access its own token does not hold (upstream `may_add_access`): no `reason`. */
  accessNotHeld: (token: string, access: string) => apiError(401, 'Unauthorized', 'unauthorized', { invalid_token: token, required_access: access }),
  /** [groups] */
  unknownGroup: (uuid: string) => apiError(404, `No such group: "${uuid}"`, 'unknown-group', { uuid }, 'groups'),
  duplicateGroup: (name: string) => serviceError(409, `Group "${name}" already exists`),
  /** Changes to a system-managed group (the all-users group). */
  forbiddenGroup: (uuid: string) => apiError(403, `Forbidden group modification: "${uuid}"`, 'forbidden-group', { uuid }, 'groups'),
  badRequest: () => bareError(400, HTTP_MESSAGES.badRequest),
  notFound: () => bareError(404, HTTP_MESSAGES.notFound),
  methodNotAllowed: (allow: string[]) => bareError(405, HTTP_MESSAGES.methodNotAllowed, { Allow: allow.join(', ') }),
  payloadTooLarge: () => bareError(413, HTTP_MESSAGES.payloadTooLarge),
  internal: () => bareError(500, HTTP_MESSAGES.internal),
};

/** The body of an error payload, stamped with `nowMs` the way its shape does it. */
export function errorBody(status: number, payload: ErrorPayload, nowMs: number): JsonObject {
  const timestamp = nowMs / 1000;
  switch (payload.shape) {
    case 'Error':
      return { reason: [payload.reason], timestamp: [timestamp], status_code: status };
    case 'APIError': {
      const { shape: _shape, resource, ...rest } = payload;
      return { ...rest, timestamp, ...(resource ? { resource } : {}) };
    }
    case 'BareMessage':
      return { message: payload.message };
    case 'Raw':
      return { ...payload.body, timestamp };
  }
}

/** The one place where a thrown error becomes an HTTP answer. */
export function toErrorResponse(error: MockHttpError, nowMs: number): MockResponse {
  return { status: error.status, headers: { ...error.headers }, body: errorBody(error.status, error.payload, nowMs) };
}

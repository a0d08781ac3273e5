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
  | { shape: 'APIError'; message: string; error_id: string; details: JsonObject; resource?: string }
  | { shape: 'BareMessage'; message: string };

/** A deliberate error answer (a rule of the service), as opposed to a bug in the mock. */
export class MockHttpError extends Error {
  override readonly name = 'MockHttpError';

  constructor(
    readonly status: number,
    readonly payload: ErrorPayload,
    readonly headers: Record<string, string> = {},
  ) {
    super(`[mock] ${status} ${'reason' in payload ? payload.reason : payload.message}`);
  }
}

/** An HTTP answer as the pipeline passes it around. `body` is JSON; `text` a raw body. */
export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  text?: string;
}

/** The `Error` shape: `{reason: [..], timestamp: [..], status_code}`. */
export function serviceError(status: number, reason: string): MockHttpError {
  return new MockHttpError(status, { shape: 'Error', reason });
}

/** The `APIError` shape: `{message, error_id, details, timestamp, resource?}`. */
export function apiError(status: number, message: string, errorId: string, details: JsonObject, resource?: string): MockHttpError {
  return new MockHttpError(status, { shape: 'APIError', message, error_id: errorId, details, ...(resource ? { resource } : {}) });
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
  }
}

/** The one place where a thrown error becomes an HTTP answer. */
export function toErrorResponse(error: MockHttpError, nowMs: number): MockResponse {
  return { status: error.status, headers: { ...error.headers }, body: errorBody(error.status, error.payload, nowMs) };
}

/**
 * The X-Auth-Token check of operations that declare `x-wazo-required-access`. Every failure is a 401
 * APIError, never 403 (obs. "What surprises a mock implementer"): `not_found_or_expired` for a missing,
 * unknown, expired or refresh token (obs. 9c2, 9c3, 5a, 8h3), `missing_permission_or_invalid_tenant`
 * for a valid token without the ACL (obs. 9b2, 10f; `missing_permission` before 24.10), `unauthorized-tenant`
 * for a Wazo-Tenant outside the token's subtree. Only the header
 * counts: not `?token=` (obs. 9c4; it did before 24.10), not `Authorization: Bearer` (obs. 9c5).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Operation } from '../spec/loader.ts';
import { requiredAccess } from './acl.ts';
import { errors, MockHttpError } from './errors.ts';
import type { BehaviourFault } from './faults.ts';
import type { AccessTokenRecord, MockState } from './state/index.ts';

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The ACL an operation requires for these path parameters, or undefined when it requires none. */
export function operationAccess(operation: Operation, pathParams: Record<string, unknown>): string | undefined {
  const template = operation.extensions['x-wazo-required-access'];
  return typeof template === 'string' ? requiredAccess(template, pathParams) : undefined;
}

/**
 * Checks the caller's token; returns it, or throws the service's 401. `faults`: the behaviour faults
 * in force (mock/faults.ts); four of them break a rule of this check.
 */
export function authorize(
  state: MockState,
  required: string,
  headers: IncomingHttpHeaders,
  faults: ReadonlySet<BehaviourFault> = new Set(),
  queryToken?: string,
  queryTokenAlways = false,
): AccessTokenRecord {
  let token = first(headers['x-auth-token'])?.trim() ?? '';
  // Before 24.10 (`query-string-token-refused`), `?token=` stood in for the header; the operations marked
  // `x-wazo-token-in-query` (a mail's link) read it in every release (upstream email_confirm/http.py).
  if (token === '' && queryToken !== undefined && (queryTokenAlways || !state.release.has('query-string-token-refused'))) token = queryToken.trim();
  // Fault `bearer-token-accepted`: the token is also read from `Authorization: Bearer`.
  if (token === '' && faults.has('bearer-token-accepted')) token = /^Bearer\s+(\S+)/i.exec(first(headers.authorization) ?? '')?.[1] ?? '';
  let record = token === '' ? undefined : state.findAccessToken(token.toLowerCase());
  // Fault `refresh-token-as-access-token`: a refresh token stands for a live session created with it.
  if (!record && token !== '' && faults.has('refresh-token-as-access-token')) record = state.accessTokens.forRefreshToken(token.toLowerCase(), state.now())[0];
  if (!record) {
    const refused = errors.tokenNotFound(token, required);
    // Fault `forbidden-instead-of-unauthorized`: the same refusal with 403.
    throw faults.has('forbidden-instead-of-unauthorized') ? new MockHttpError(403, refused.payload, refused.headers) : refused;
  }
  // Fault `acl-not-checked`: any valid token is enough.
  const tenantReason = state.release.has('unauthorized-tenant-reason');
  const tenant = first(headers['wazo-tenant']) || null;
  // The ACL first; its 401 echoes the Wazo-Tenant asked for (observed on 26.05 and master).
  if (!faults.has('acl-not-checked') && !state.accessTokens.access(record).matches(required)) throw errors.missingPermission(token, required, tenant, tenantReason);
  // Then the tenant: the token's own or one below it (observed on 24.01–master). Fault
  // `tenant-isolation-broken`: any known tenant is accepted.
  if (tenant && tenant !== record.tenantUuid) {
    const visible = faults.has('tenant-isolation-broken') ? state.tenants.get(tenant) !== undefined : state.tenants.within(record.tenantUuid, tenant);
    if (!visible) throw errors.unauthorizedTenant(tenant);
  }
  return record;
}

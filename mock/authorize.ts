/**
 * The X-Auth-Token check of operations that declare `x-wazo-required-access`. Every failure is a 401
 * APIError, never 403 (obs. "What surprises a mock implementer"): `not_found_or_expired` for a missing,
 * unknown, expired or refresh token (obs. 9c2, 9c3, 5a, 8h3), `missing_permission_or_invalid_tenant`
 * for a valid token without the ACL (obs. 9b2, 10f). Only the header counts: not `?token=` (obs. 9c4),
 * not `Authorization: Bearer` (obs. 9c5).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Operation } from '../spec/loader.ts';
import { requiredAccess } from './acl.ts';
import { errors } from './errors.ts';
import type { AccessTokenRecord, MockState } from './state/index.ts';

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The ACL an operation requires for these path parameters, or undefined when it requires none. */
export function operationAccess(operation: Operation, pathParams: Record<string, unknown>): string | undefined {
  const template = operation.extensions['x-wazo-required-access'];
  return typeof template === 'string' ? requiredAccess(template, pathParams) : undefined;
}

/** Checks the caller's token; returns it, or throws the service's 401. */
export function authorize(state: MockState, required: string, headers: IncomingHttpHeaders): AccessTokenRecord {
  const token = first(headers['x-auth-token'])?.trim() ?? '';
  const record = token === '' ? undefined : state.findAccessToken(token.toLowerCase());
  if (!record) throw errors.tokenNotFound(token, required);
  if (!state.accessTokens.access(record).matches(required)) throw errors.missingPermission(token, required, null);
  const tenant = first(headers['wazo-tenant']);
  if (tenant && tenant !== record.tenantUuid) throw errors.missingPermission(token, required, tenant);
  return record;
}

/**
 * What the fuzz phase checks in each answer, one requirement of spec/requirements.yaml per check
 * (area `robustness`):
 * - ROBUST-NO-5XX: no 5xx, no timeout, no dropped connection;
 * - ROBUST-DECLARED-ANSWERS: the status, content type, headers and body are declared for the operation
 *   (the loader's `checkResponse`, the same check as SPEC-RESPONSES-CONFORM);
 * - ROBUST-REFUSES-INVALID: a request that breaks a constraint (or carries bad credentials) gets a 4xx,
 *   and a valid one is not refused as invalid;
 * - ROBUST-STAYS-UP: afterwards the server still logs in and answers HEAD /status, and nothing the fuzz
 *   phase created is left (run.ts).
 */
import type { ApiSpec } from '../spec/loader.ts';
import type { FuzzCase } from './cases.ts';
import type { WireResult } from './transport.ts';

export const ROBUST = {
  noServerError: 'ROBUST-NO-5XX',
  declared: 'ROBUST-DECLARED-ANSWERS',
  refusesInvalid: 'ROBUST-REFUSES-INVALID',
  staysUp: 'ROBUST-STAYS-UP',
} as const;
export type RobustRequirement = (typeof ROBUST)[keyof typeof ROBUST];

/** Closed set of finding kinds (STYLE.md §4.3). */
export type FindingKind = 'server-error' | 'timeout' | 'dropped-connection' | 'undeclared-answer' | 'invalid-accepted' | 'valid-refused' | 'down' | 'leftover';

/** What one answer broke. */
export interface Verdict {
  requirement: RobustRequirement;
  kind: FindingKind;
  /** One line: what came back and what was expected. */
  detail: string;
}

/**
 * Statuses that refuse a request as invalid. Everything else a valid request may get: 401 without the
 * right credentials or ACL, 403 for a scope, 404 for an unknown identifier, 409 for a taken username,
 * 429 at the session limit are answers about the target's state, not about the request's validity.
 */
export const INVALID_STATUSES = new Set([400, 413, 415, 422]);

/** Checks one answer of a case. */
export function judge(spec: ApiSpec, c: FuzzCase, result: WireResult): Verdict[] {
  if (!result.ok) {
    if (result.unsendable) return [];
    return [
      result.timeout
        ? { requirement: ROBUST.noServerError, kind: 'timeout', detail: `no answer within the timeout (${result.code}, after ${result.ms} ms)` }
        : { requirement: ROBUST.noServerError, kind: 'dropped-connection', detail: `the connection failed without an answer (${result.code})` },
    ];
  }
  const out: Verdict[] = [];
  const status = result.status;
  // `x-wazo-known-5xx`: a declared 500 the real service gives by design of its own (POST /saml/sso without an IdP).
  const known = status >= 500 && typeof spec.operation(c.operationId).extensions['x-wazo-known-5xx'] === 'string' && spec.operation(c.operationId).responses.has(String(status));
  if (status >= 500 && !known) out.push({ requirement: ROBUST.noServerError, kind: 'server-error', detail: `answered ${status}` });
  const check = spec.checkResponse(c.operationId, { status, headers: result.headers, body: result.body });
  // The loader's message starts with `operationId (METHOD /path) status: `, which the finding says already.
  if (!check.ok) out.push({ requirement: ROBUST.declared, kind: 'undeclared-answer', detail: `answered ${status}: ${(check.errors[0] ?? 'answer not declared').replace(/^\S+ \([A-Z]+ [^)]*\) \d+: /, '')}` });
  if (c.expect === 'refuse' && status < 400) {
    out.push({ requirement: ROBUST.refusesInvalid, kind: 'invalid-accepted', detail: `answered ${status} to a request that ${c.mutation?.kind === 'credentials' ? 'carries bad credentials' : 'breaks a constraint'}; expected a 4xx` });
  }
  if (c.expect === 'accept' && INVALID_STATUSES.has(status)) {
    out.push({ requirement: ROBUST.refusesInvalid, kind: 'valid-refused', detail: `answered ${status} to a request the description allows` });
  }
  return out;
}

/**
 * Injected faults. Two kinds:
 * - operation faults, set at run time through `/_mock/faults`: a forced status and/or a latency on one
 *   operation, optionally for the next `times` calls only;
 * - named behaviour faults (`--fault NAME`, `WAZO_MOCK_FAULTS`, or `PUT /_mock/faults/NAME` at run
 *   time): each makes the mock break exactly ONE rule of the catalogue (spec/requirements.yaml), the way
 *   a real implementation could. They are declared once, in {@link BEHAVIOUR_FAULTS}; the code that
 *   breaks the rule is a small hook where the rule lives, guarded by `faults.has('<name>')` (grep the
 *   name to find it). The mutation gate (`npm run mutation`, mutation/) runs the suite against each
 *   one and checks that it fails the listed requirements.
 */
import type { ErrorObject } from 'ajv';

/** A forced answer or delay for one operation. */
export interface OperationFault {
  operationId: string;
  /** Status to answer instead of running the handler. */
  status?: number;
  /** Delay before answering, in milliseconds. */
  latencyMs?: number;
  /** How many more calls it applies to; unlimited when absent. */
  times?: number;
}

/** What a named fault does and which requirements of spec/requirements.yaml it breaks. */
export interface BehaviourFaultInfo {
  /** One sentence: what the broken server does. */
  description: string;
  /** Requirement IDs the suite must report failed when this fault is on (all of them). */
  requirements: readonly string[];
  /**
   * The release-dependent behaviour (spec/releases.yaml) the fault removes: it breaks nothing in a
   * release without that behaviour, so the mutation gate runs it only against releases that have it.
   */
  appliesWhere?: string;
}

/** How long a refresh token works under the fault `refresh-tokens-die`: "a few seconds" (issue 14). */
export const REFRESH_TOKEN_LIFETIME_S = 5;

/**
 * Every named fault: name → what it breaks. The only declaration; the CLI, the developer controls,
 * the mutation gate and the docs read it from here.
 */
export const BEHAVIOUR_FAULTS = {
  'wrong-password-accepted': {
    description: 'POST /token accepts any password (even an empty one) for an existing user',
    requirements: ['AUTH-WRONG-PASSWORD-401', 'AUTH-EMPTY-PASSWORD-401'],
  },
  'expiration-ignored': {
    description: 'POST /token ignores `expiration`: every access token lives the default 7200 s',
    requirements: ['TOKEN-EXPIRATION-HONOURED', 'REFRESH-GRANT-EXPIRATION'],
  },
  'expires-at-off-by-an-hour': {
    description: 'expires_at (not utc_expires_at) is one hour late, as if written in a UTC+1 local time',
    requirements: ['TOKEN-DEFAULT-EXPIRATION', 'TOKEN-EXPIRATION-HONOURED'],
  },
  'expiration-range-unchecked': {
    description: 'POST /token accepts an `expiration` below 1 or above 315360000 instead of answering 400',
    requirements: ['TOKEN-EXPIRATION-RANGE'],
  },
  'utc-expires-at-missing': {
    description: 'token answers (POST /token, GET /token/{t}) lack utc_expires_at',
    requirements: ['TOKEN-DATA-ENVELOPE', 'SPEC-RESPONSES-CONFORM'],
  },
  'sessions-revoked-header-missing': {
    description: 'POST /token answers without the Wazo-Sessions-Revoked header',
    // Not SPEC-RESPONSES-CONFORM: the answer fits the description of the releases without the header, so
    // the release requirement judges it (suites/api.ts).
    requirements: ['TOKEN-SESSIONS-REVOKED-HEADER'],
    appliesWhere: 'sessions-revoked-header',
  },
  'session-type-case-sensitive': {
    description: 'only `Wazo-Session-Type: mobile` in lower case opens a mobile session (MOBILE does not)',
    requirements: ['TOKEN-SESSION-TYPE-ANY-CASE'],
  },
  'offline-without-client-id': {
    description: 'POST /token accepts `access_type: offline` without a client_id',
    requirements: ['REFRESH-OFFLINE-NEEDS-CLIENT-ID'],
  },
  'offline-no-refresh-token': {
    description: 'an offline login answers without `refresh_token` (the refresh token is still created)',
    requirements: ['REFRESH-OFFLINE-ISSUES'],
  },
  'desktop-offline-new-refresh-token': {
    description: 'every (non-mobile) offline login issues a new refresh token instead of returning the existing one',
    requirements: ['REFRESH-SAME-FOR-CLIENT'],
  },
  'refresh-any-client-id': {
    description: 'the refresh grant accepts any client_id, not only the refresh token\'s own',
    requirements: ['REFRESH-CLIENT-ID-MATCH'],
  },
  'refresh-tokens-expire': {
    description: 'a refresh token stops working once every session created with it has expired',
    requirements: ['REFRESH-NO-EXPIRY'],
  },
  'refresh-tokens-die': {
    description: `a refresh token is refused ${REFRESH_TOKEN_LIFETIME_S} s after it was created, live sessions or not (a short-lived token passed off as a permanent one)`,
    requirements: ['REFRESH-NO-EXPIRY'],
  },
  'refresh-delete-not-revoking': {
    description: 'DELETE /users/{uuid}/tokens/{client_id} answers 204 but the refresh token keeps working',
    requirements: ['REFRESH-DELETE'],
  },
  'refresh-token-as-access-token': {
    description: 'a refresh token is accepted as X-Auth-Token (it stands for a live session created with it)',
    requirements: ['MISUSE-REFRESH-AS-ACCESS-401'],
  },
  'access-token-as-refresh-token': {
    description: 'an access token is accepted as `refresh_token` and gives a new access token for its user',
    requirements: ['MISUSE-ACCESS-AS-REFRESH-401'],
  },
  'bearer-token-accepted': {
    description: 'a token sent as `Authorization: Bearer` is accepted where X-Auth-Token is required',
    requirements: ['MISUSE-TOKEN-ELSEWHERE-401'],
  },
  'forbidden-instead-of-unauthorized': {
    description: 'a missing, unknown or expired X-Auth-Token gets 403 instead of 401 (same body)',
    // SDK-COMPAT-AUTO-REFRESH-401: @wazo/sdk refreshes on 401 only. The mutation gate's mock speaks plain
    // HTTP, so the SDK meets this fault through the kit's TLS relay, which must pass the 403 on.
    requirements: ['MISUSE-NO-TOKEN-401', 'USERS-NO-TOKEN-401', 'SPEC-RESPONSES-CONFORM', 'SDK-COMPAT-AUTO-REFRESH-401'],
  },
  'acl-not-checked': {
    description: 'any valid token passes the ACL check of the resource endpoints (a plain user may list users)',
    requirements: ['USERS-PLAIN-USER-401', 'REFRESH-LIST-ALL-USER-401'],
  },
  'error-shape-changed': {
    description: 'every error answer is `{"error": {"code", "message"}}` instead of the service\'s shapes',
    requirements: ['TOKEN-VALIDATION-ERROR-SHAPE', 'MISUSE-UNAUTHORIZED-SHAPE', 'SPEC-RESPONSES-CONFORM'],
  },
  'unknown-token-200': {
    description: 'GET /token/{t} answers 200 (HEAD 204) for a token it does not know',
    requirements: ['LIFECYCLE-UNKNOWN-404'],
  },
  'delete-token-not-revoking': {
    description: 'DELETE /token/{t} answers 200 but the access token stays valid',
    requirements: ['LIFECYCLE-DELETE', 'MISUSE-REVOKED-TOKEN-401'],
  },
  'expired-tokens-valid': {
    description: 'access tokens stay valid after expires_at (expiry is never enforced)',
    requirements: ['LIFECYCLE-EXPIRY', 'MISUSE-EXPIRED-TOKEN-401'],
  },
  'scope-not-checked': {
    description: 'GET/HEAD /token/{t}?scope= ignores the scope and answers as without it',
    requirements: ['LIFECYCLE-SCOPE-REFUSED-403'],
  },
  'user-deletion-not-deleting': {
    description: 'DELETE /users/{uuid} answers 204 but the user stays',
    requirements: ['USERS-DELETE'],
  },
  'tenant-isolation-broken': {
    description: 'A caller sees every tenant: another branch of the tree through Wazo-Tenant or by uuid, where the service answers 401 unauthorized-tenant or 404',
    requirements: ['TENANTS-ISOLATION'],
  },
  'tenant-deletion-keeps-users': {
    description: 'DELETE /tenants/{uuid} removes the tenant but keeps its users, where the service deletes them with it',
    requirements: ['TENANTS-DELETE-REMOVES-USERS'],
  },
  'user-creation-201': {
    description: 'POST /users answers 201 Created where the service answers 200',
    requirements: ['USERS-CREATE', 'SPEC-RESPONSES-CONFORM'],
  },
  'policy-not-applied': {
    description: 'a policy given to a user through the API does not reach the ACL of the user\'s next tokens',
    requirements: ['POLICY-APPLIED-NEXT-TOKEN', 'POLICY-UNLINK-NEXT-TOKEN'],
  },
  'group-policy-ignored': {
    description: 'the policies of a user\'s groups do not reach the ACL of the user\'s tokens',
    requirements: ['GROUP-POLICY-APPLIED'],
  },
  'policy-escalation-allowed': {
    description: 'a caller may create or extend a policy with an access its own token does not hold',
    requirements: ['POLICY-ESCALATION-REFUSED'],
  },
  'read-only-policy-editable': {
    description: 'PUT and DELETE on a read-only (config-managed) policy succeed instead of answering 403',
    requirements: ['POLICY-READ-ONLY-403'],
  },
  'password-change-keeps-sessions': {
    description: 'a password change leaves the user\'s sessions and access tokens alive',
    requirements: ['PASSWORD-REVOKES-TOKENS'],
    appliesWhere: 'password-change-revokes-sessions',
  },
  'release-behaviours-flipped': {
    description: 'wherever wazo-auth releases differ (spec/releases.yaml), answers the other way from the release played',
    requirements: [
      'TOKEN-UNKNOWN-FIELDS-IGNORED',
      'TOKEN-SESSIONS-REVOKED-HEADER',
      'TOKEN-SESSION-LIMIT-429',
      'REFRESH-LIST-ME',
      'REFRESH-MOBILE-PURGE',
      'MISUSE-TOKEN-ELSEWHERE-401',
      'MISUSE-UNAUTHORIZED-SHAPE',
      'PASSWORD-REVOKES-TOKENS',
      'LIFECYCLE-GET-UTC-FORMAT',
      'USERS-AUTHENTICATION-METHOD',
      'POLICIES-ACCESS-REMOVE',
    ],
  },
  'no-cors': {
    description: 'no CORS headers at all: preflights and answers carry no Access-Control-Allow-*',
    requirements: ['CORS-PREFLIGHT', 'CORS-ALLOW-ORIGIN'],
  },
  'method-not-allowed-as-404': {
    description: 'a known path with an unsupported method gets 404 (no Allow header) instead of 405',
    requirements: ['ROUTING-405-ALLOW'],
  },
  // --- emails ---
  'reset-reveals-unknown-user': {
    description: 'GET /users/password/reset answers 404 No such user for an unknown username or login, telling who has an account',
    requirements: ['RESET-UNKNOWN-USER-204'],
  },
  'reset-token-any-user': {
    description: "a password-reset mail's token resets any user's password, not only its own user's",
    requirements: ['RESET-TOKEN-OWN-USER-ONLY'],
  },
  'unconfirmed-email-login': {
    description: 'an unconfirmed email address is accepted as a login on POST /token',
    requirements: ['EMAILS-NEW-UNCONFIRMED'],
  },
  'email-confirm-not-confirming': {
    description: 'PUT and GET /emails/{uuid}/confirm answer success but the address stays unconfirmed',
    requirements: ['EMAIL-CONFIRM-PUT', 'EMAIL-CONFIRM-LINK'],
  },
  'ldap-config-not-stored': {
    description: 'PUT /backends/ldap answers 200 with the configuration but keeps nothing (GET still shows every field null)',
    requirements: ['LDAP-CONFIG-STORED'],
  },
  'saml-config-not-stored': {
    description: 'POST /backends/saml answers 200 with the configuration but keeps nothing (GET stays 404)',
    requirements: ['SAML-CONFIG-STORED'],
    appliesWhere: 'saml-config',
  },
  'idp-link-ignored': {
    description: 'PUT /idp/{idp_type}/users/{uuid} answers 204 but the user keeps its authentication_method (and logs in with its password)',
    requirements: ['IDP-LINK-SETS-METHOD'],
    appliesWhere: 'idp-operations',
  },
  'session-delete-keeps-token': {
    description: 'DELETE /sessions/{uuid} answers 204 but the session and its access token live on',
    requirements: ['SESSIONS-TENANT-DELETE'],
  },
  'device-token-duplicate-accepted': {
    description: 'a second POST /users/{uuid}/external/mobile replaces the stored device tokens instead of answering 409',
    requirements: ['MOBILE-DEVICE-TOKEN-DUPLICATE-409'],
  },
  'external-config-not-stored': {
    description: 'POST /external/{type}/config answers 201 but stores nothing (GET stays 404)',
    requirements: ['EXTERNAL-CONFIG-CRUD'],
  },
} as const satisfies Record<string, BehaviourFaultInfo>;

/** The name of a behaviour fault. */
export type BehaviourFault = keyof typeof BEHAVIOUR_FAULTS;

/** Every fault name, in table order. */
export const FAULT_NAMES = Object.keys(BEHAVIOUR_FAULTS) as BehaviourFault[];

/** Whether a string names a behaviour fault. */
export function isBehaviourFault(name: string): name is BehaviourFault {
  return Object.hasOwn(BEHAVIOUR_FAULTS, name);
}

/** The closest fault names to a mistyped one (shared prefix or substring), for "did you mean". */
export function suggestFault(name: string): BehaviourFault[] {
  const lower = name.toLowerCase();
  const words = lower.split(/[^a-z0-9]+/).filter((w) => w.length >= 3);
  return FAULT_NAMES.filter((f) => f.includes(lower) || words.some((w) => f.includes(w))).slice(0, 3);
}

/** The error message for an unknown fault name; it lists the names or suggests the closest. */
export function unknownFaultMessage(name: string): string {
  const close = suggestFault(name);
  return close.length > 0
    ? `unknown fault "${name}" (did you mean ${close.join(', ')}?); list them with --list-faults`
    : `unknown fault "${name}"; one of: ${FAULT_NAMES.join(', ')}`;
}

/** A named fault as the developer controls list it. */
export interface BehaviourFaultView extends BehaviourFaultInfo {
  name: BehaviourFault;
  enabled: boolean;
}

/**
 * Request-validation rules a fault makes the mock overlook: the ajv errors it waives. The rules stay in
 * the spec; a fault only ignores what the validator found (mock/validate.ts `validateBody`).
 */
export function waivedByFault(faults: ReadonlySet<BehaviourFault>, error: ErrorObject, data: Record<string, unknown>): boolean {
  if (faults.has('expiration-range-unchecked') && error.instancePath === '/expiration' && (error.keyword === 'minimum' || error.keyword === 'maximum')) {
    return true;
  }
  if (faults.has('offline-without-client-id') && data.access_type === 'offline' && !('refresh_token' in data) && !('client_id' in data)) {
    // The spec's `if access_type is offline then required client_id`: ajv reports the `required` and the `if`.
    return error.keyword === 'if' || (error.keyword === 'required' && (error.params as { missingProperty?: string }).missingProperty === 'client_id');
  }
  return false;
}

/** The operation faults armed and the behaviour faults switched on. */
export class FaultRegistry {
  private readonly byOperation = new Map<string, OperationFault>();
  /** The behaviour faults on now; handlers read it (live) as `HandlerContext.faults`. */
  readonly behaviour = new Set<BehaviourFault>();
  private readonly initial: readonly BehaviourFault[];

  /** `initial`: the behaviour faults given at start-up (`--fault`); {@link reset} comes back to them. */
  constructor(initial: Iterable<BehaviourFault> = []) {
    this.initial = [...new Set(initial)];
    for (const name of this.initial) this.behaviour.add(name);
  }

  set(fault: OperationFault): void {
    this.byOperation.set(fault.operationId, { ...fault });
  }

  /** Takes the fault for one call of an operation, counting it down. */
  take(operationId: string): OperationFault | undefined {
    const fault = this.byOperation.get(operationId);
    if (!fault) return undefined;
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.byOperation.delete(operationId);
    }
    return fault;
  }

  list(): OperationFault[] {
    return [...this.byOperation.values()].map((f) => ({ ...f }));
  }

  /** Switches a behaviour fault on or off. */
  switch(name: BehaviourFault, enabled: boolean): void {
    if (enabled) this.behaviour.add(name);
    else this.behaviour.delete(name);
  }

  /** Every behaviour fault of the table, with whether it is on. */
  named(): BehaviourFaultView[] {
    return FAULT_NAMES.map((name) => ({ name, ...BEHAVIOUR_FAULTS[name], requirements: [...BEHAVIOUR_FAULTS[name].requirements], enabled: this.behaviour.has(name) }));
  }

  /** Disarms every operation fault and switches every behaviour fault off. */
  clear(): void {
    this.byOperation.clear();
    this.behaviour.clear();
  }

  /** Back to the start-up configuration: no operation fault, the `--fault` ones on, no other. */
  reset(): void {
    this.clear();
    for (const name of this.initial) this.behaviour.add(name);
  }
}

/**
 * The requests the fuzz phase sends, as data: for every operation of spec/wazo-auth.yaml, valid
 * requests drawn from its schemas and requests that break exactly one constraint, or carry an odd
 * credential, body encoding or header. A case never holds a value that depends on the target (a token,
 * a user's UUID): it names a {@link Slot}, filled in when the request is sent (run.ts), so that one seed
 * gives the same cases against any target.
 *
 * Safety (issue 16): no case can lock, delete or change the password of the configured user or the
 * administrator. Destructive operations only ever target the fuzz phase's throwaway user, things the
 * fuzz phase itself created, or random (unknown) identifiers; wrong passwords are only tried on the
 * throwaway user or on a user that does not exist; a mobile offline login (which revokes the user's
 * other mobile refresh tokens) is only made as the throwaway user; client_ids are the run's own.
 */
import fc from 'fast-check';
import type { ApiSpec, JsonObject, Operation, Parameter } from '../spec/loader.ts';
import { breaks, email, filler, text, uuid, valid, type ConstraintKind } from './schema-arbitrary.ts';

/** A value known only once the target is set up (run.ts fills it in). */
export type Slot =
  /** An access token of the configured user. */
  | 'userToken'
  | 'adminToken'
  | 'throwawayToken'
  /** A fresh access token of the configured user, obtained just before the request (which may revoke it). */
  | 'disposableToken'
  /** The fuzz phase's refresh token of the configured user, and its client_id. */
  | 'refreshToken'
  | 'refreshClientId'
  | 'userUuid'
  | 'adminUuid'
  | 'throwawayUuid'
  /** The tenant of the configured user. */
  | 'tenantUuid';

/** A placeholder for a slot, wherever a string goes (path, query, body). */
export interface SlotRef {
  $slot: Slot;
}

export const slot = (name: Slot): SlotRef => ({ $slot: name });
export const isSlot = (value: unknown): value is SlotRef => value !== null && typeof value === 'object' && typeof (value as SlotRef).$slot === 'string';

/** Who a request authenticates as. */
export type Auth =
  | { kind: 'none' }
  /** `Authorization: Basic` with the right password of that account. */
  | { kind: 'basic'; who: 'user' | 'admin' | 'throwaway' }
  /** `Authorization: Basic` with a wrong password: only for the throwaway user or a user that does not exist. */
  | { kind: 'basic-wrong'; who: 'throwaway' | 'nobody'; password: string }
  /** A token: in X-Auth-Token, or (wrongly) as `Authorization: Bearer`. */
  | { kind: 'token'; token: Slot; as: 'x-auth-token' | 'bearer' }
  /** A literal header value (malformed Basic, odd X-Auth-Token). */
  | { kind: 'raw'; header: 'authorization' | 'x-auth-token'; value: string };

/** The body of a case. */
export type Body =
  | { kind: 'none' }
  /** JSON (placeholders allowed), with a Content-Type (null: none). */
  | { kind: 'json'; value: unknown; contentType: string | null }
  /** Bytes as given (latin1 string: one character per byte). */
  | { kind: 'raw'; bytes: string; contentType: string | null };

/** What a case changes from a valid request. */
export interface Mutation {
  kind: ConstraintKind | 'credentials' | 'malformed-json' | 'content-type' | 'header';
  /** `body.expiration`, `query.limit`, `path.user_uuid`, `header.authorization`, `body`. */
  where: string;
  note: string;
}

/** One request of the fuzz phase. */
export interface FuzzCase {
  operationId: string;
  auth: Auth;
  path: Record<string, string | SlotRef>;
  query: [string, string | SlotRef][];
  /** Other request headers (lower-case names). */
  headers: Record<string, string | SlotRef>;
  body: Body;
  /** Absent: a valid request. */
  mutation?: Mutation;
  /**
   * accept: valid; the server must not refuse it as invalid (400, 413, 415, 422).
   * refuse: breaks a constraint or carries bad credentials; the server must answer 4xx.
   * any: odd but not invalid by the description (a Content-Type the service ignores, an odd optional header).
   */
  expect: 'accept' | 'refuse' | 'any';
}

/** Everything generation needs besides the spec: the prefix of the client_ids and usernames it invents. */
export interface CaseContext {
  /** e.g. `wak-fz1a2b`: client_ids and usernames of the fuzz phase start with it (clean-up finds them by it). */
  prefix: string;
  /** Only these operations (by operationId); every operation of the description when omitted. */
  only?: readonly string[];
}

/** Placeholder values used only to check a case against the description before its slots are filled. */
const SAMPLE: Record<Slot, string> = {
  userToken: '00000000-0000-4000-8000-000000000001',
  adminToken: '00000000-0000-4000-8000-000000000002',
  throwawayToken: '00000000-0000-4000-8000-000000000003',
  disposableToken: '00000000-0000-4000-8000-000000000004',
  refreshToken: '00000000-0000-4000-8000-000000000005',
  refreshClientId: 'wak-sample',
  userUuid: '00000000-0000-4000-8000-000000000006',
  adminUuid: '00000000-0000-4000-8000-000000000007',
  throwawayUuid: '00000000-0000-4000-8000-000000000008',
  tenantUuid: '00000000-0000-4000-8000-000000000009',
};

/** Replaces every placeholder of a JSON value. */
export function fill(value: unknown, resolve: (s: Slot) => string): unknown {
  if (isSlot(value)) return resolve(value.$slot);
  if (Array.isArray(value)) return value.map((v) => fill(v, resolve));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, resolve)]));
  return value;
}
const sample = (value: unknown) => fill(value, (s) => SAMPLE[s]);

// --- what the operations' parameters stand for --------------------------------------------------------

const any = (...choices: (string | SlotRef)[]) => fc.constantFrom(...choices);
const unknownUuid = () => uuid() as fc.Arbitrary<string | SlotRef>;
const idpTypes = () => fc.constantFrom<string | SlotRef>('default', 'native', 'ldap', 'saml', 'wak-unknown-idp');
const authType = () => fc.oneof(any('google', 'microsoft', 'mobile'), fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/));
const readableUser = () => fc.oneof(any(slot('userUuid'), slot('adminUuid'), slot('throwawayUuid')), unknownUuid());
const readableToken = () => fc.oneof(any(slot('userToken'), slot('adminToken'), slot('throwawayToken')), unknownUuid());

/**
 * Values of the path parameters, by operation: what each stands for decides what is safe to send
 * (the "never a request that could lock or delete the configured user"). The configured user
 * and the administrator are only ever read; writes go to the throwaway user or to unknown UUIDs.
 * An operation absent from this table gets values from its schema (unknown identifiers).
 */
function pathRoles(prefix: string): Record<string, Record<string, fc.Arbitrary<string | SlotRef>>> {
  const ownClientId = fuzzName(prefix, 'c');
  return {
    getToken: { token: readableToken() },
    checkToken: { token: readableToken() },
    checkTokenScopes: { token: readableToken() },
    revokeToken: { token: fc.oneof(any(slot('disposableToken')), unknownUuid()) },
    listUserRefreshTokens: { user_uuid_or_me: fc.oneof(any('me', slot('userUuid'), slot('adminUuid'), slot('throwawayUuid')), unknownUuid()) },
    // Only the run's own client_ids: another client's refresh token of the configured user is never touched.
    deleteRefreshToken: { user_uuid_or_me: fc.oneof(any('me', slot('userUuid'), slot('throwawayUuid')), unknownUuid()), client_id: ownClientId },
    getUser: { user_uuid: fc.oneof(any(slot('userUuid'), slot('adminUuid'), slot('throwawayUuid')), unknownUuid()) },
    updateUser: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    deleteUser: { user_uuid: unknownUuid() },
    changeUserPassword: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    listUserSessions: { user_uuid: fc.oneof(any(slot('userUuid'), slot('adminUuid'), slot('throwawayUuid')), unknownUuid()) },
    deleteUserSession: { user_uuid: fc.oneof(any(slot('userUuid'), slot('throwawayUuid')), unknownUuid()), session_uuid: unknownUuid() },
    // --- emails: never the configured user's or the administrator's addresses
    updateUserEmails: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    updateAdminUserEmails: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    sendUserEmailConfirmation: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()), email_uuid: unknownUuid() },
    confirmEmailFromLink: { email_uuid: unknownUuid() },
    confirmEmail: { email_uuid: unknownUuid() },
    // IdP links change a user's authentication_method: the throwaway user's (set back at once, run.ts) or unknown users'.
    // idp_type: the known types and an unknown one; never a dot segment (`.`, `..`), which the HTTP client
    // folds into another path before it is sent.
    addIdpUser: { idp_type: idpTypes(), user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    removeIdpUser: { idp_type: idpTypes(), user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    addIdpUsers: { idp_type: idpTypes() },
    // Policies and groups (issue 15): writes only to unknown policies and groups (never a seeded or
    // system one: a policy path also takes a slug, so never a schema-drawn string), links only for the
    // throwaway user; what the fuzz phase creates is deleted at once (run.ts).
    getPolicy: { policy_uuid: unknownUuid() },
    updatePolicy: { policy_uuid: unknownUuid() },
    deletePolicy: { policy_uuid: unknownUuid() },
    addPolicyAccess: { policy_uuid: unknownUuid() },
    removePolicyAccess: { policy_uuid: unknownUuid() },
    addUserPolicy: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()), policy_uuid: unknownUuid() },
    removeUserPolicy: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()), policy_uuid: unknownUuid() },
    updateGroup: { group_uuid: unknownUuid() },
    deleteGroup: { group_uuid: unknownUuid() },
    addGroupPolicy: { group_uuid: unknownUuid(), policy_uuid: unknownUuid() },
    removeGroupPolicy: { group_uuid: unknownUuid(), policy_uuid: unknownUuid() },
    addGroupUser: { group_uuid: unknownUuid(), user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    removeGroupUser: { group_uuid: unknownUuid(), user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    // External auth and mobile push: reads of anyone, writes on the throwaway user or unknown UUIDs only.
    listUserExternalAuths: { user_uuid: readableUser() },
    getMobileAuth: { user_uuid: readableUser() },
    getMobileSenderId: { user_uuid: readableUser() },
    getGoogleToken: { user_uuid: readableUser() },
    getMicrosoftToken: { user_uuid: readableUser() },
    createMobileAuth: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    updateMobileAuth: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    deleteMobileAuth: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    deleteGoogleToken: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    deleteMicrosoftToken: { user_uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) },
    // Unknown users only: with a config stored on the host, a known user would start a real OAuth flow.
    createGoogleAuth: { user_uuid: unknownUuid() },
    createMicrosoftAuth: { user_uuid: unknownUuid() },
    deleteSession: { session_uuid: unknownUuid() },
    // Plain names: `.` or `..` would be resolved away by the URL, and `/` would change the path.
    getExternalConfig: { auth_type: authType() },
    createExternalConfig: { auth_type: authType() },
    updateExternalConfig: { auth_type: authType() },
    deleteExternalConfig: { auth_type: authType() },
    listExternalUsers: { auth_type: authType() },
  };
}

/**
 * Values of query parameters that stand for someone, by operation: a password reset is only ever asked
 * for unknown logins of this run (a known user with a confirmed address would get a mail), and only an
 * unknown user's password is ever reset (the administrator's token carries the reset ACL for anyone).
 */
function queryRoles(prefix: string): Record<string, Record<string, fc.Arbitrary<string | SlotRef>>> {
  return {
    requestPasswordReset: {
      username: fuzzName(prefix, 'u'),
      login: fuzzName(prefix, 'u'),
      email: fuzzName(prefix, 'u').map((name) => `${name}@example.com`),
    },
    resetPassword: { user_uuid: unknownUuid() },
  };
}

/** Operations that take exactly one of these query parameters (a rule the description cannot express). */
const EXACTLY_ONE_QUERY: Record<string, string[]> = { requestPasswordReset: ['username', 'email', 'login'] };

/** `<prefix>-<tag>-<random>`: a client_id or username of this fuzz run. */
export const fuzzName = (prefix: string, tag: string): fc.Arbitrary<string> => fc.stringMatching(/^[a-z0-9]{6}$/).map((s) => `${prefix}-${tag}-${s}`);

/**
 * Body properties whose value stands for something: a client_id must be the run's own (an offline login
 * with another client's client_id returns that client's refresh token, which the clean-up would then
 * delete), a username must carry the run's prefix (so that clean-up finds the user even if the answer
 * is lost), an email address must be one every validator takes.
 */
function bodyRoles(prefix: string): Record<string, Record<string, fc.Arbitrary<unknown>>> {
  return {
    createToken: { client_id: fuzzName(prefix, 'c'), refresh_token: uuid() },
    createUser: { username: fuzzName(prefix, 'u'), email_address: email(), uuid: uuid() },
    updateUser: { username: fc.option(fuzzName(prefix, 'u'), { nil: null }) },
    createTenant: { name: fuzzName(prefix, 't'), uuid: uuid() },
    // Were registration enabled on the target, its user must be the run's (cleaned up by username).
    registerUser: { username: fuzzName(prefix, 'u'), email_address: fuzzName(prefix, 'u').map((name) => `${name}@example.com`) },
    addIdpUsers: { users: fc.array(fc.record({ uuid: fc.oneof(any(slot('throwawayUuid')), unknownUuid()) }), { maxLength: 3 }) },
    createPolicy: { name: fuzzName(prefix, 'p') },
    createGroup: { name: fuzzName(prefix, 'g') },
    // 1 to 512 characters: from 26.01 the service refuses others (mobile-token-length-checked), before it takes them.
    createMobileAuth: { token: fc.string({ minLength: 1, maxLength: 40 }) },
    updateMobileAuth: { token: fc.string({ minLength: 1, maxLength: 40 }) },
  };
}

/**
 * The role tables of a prefix, built once: fast-check's `stringMatching` arbitraries are costly to build
 * (a regular expression each) and immutable, and the tables hold dozens of them; built per operation and
 * case they took most of a short run's time (150 requests: 36 s of 37).
 */
const roleTables = new Map<string, { path: ReturnType<typeof pathRoles>; body: ReturnType<typeof bodyRoles> }>();
function rolesFor(prefix: string): { path: ReturnType<typeof pathRoles>; body: ReturnType<typeof bodyRoles> } {
  let tables = roleTables.get(prefix);
  if (!tables) {
    tables = { path: pathRoles(prefix), body: bodyRoles(prefix) };
    roleTables.set(prefix, tables);
  }
  return tables;
}

/** Properties a created thing must have for the clean-up to find it (usernames: see {@link bodyRoles}); the shrinker keeps them too. */
export const REQUIRED_FOR_CLEANUP: Record<string, string[]> = {
  createUser: ['username'],
  createTenant: ['name'],
  registerUser: ['username'],
  createPolicy: ['name'],
  createGroup: ['name'],
};

/**
 * Query parameters left out of valid requests: `order` names a column to sort on, which the
 * description types as any string; a random one is refused by the real service, and the description
 * cannot say which names are columns.
 */
const UNSPECIFIED_VALUES = new Set(['order']);

const securedBy = (op: Operation, scheme: string) => op.security.some((s) => scheme in s);

/**
 * Operations that change a tenant-wide configuration (LDAP, SAML): never sent with a real token, so that
 * the fuzz phase cannot change or delete a host's configuration; an unknown token gets the 401.
 */
export const TENANT_CONFIG_WRITES = new Set(['updateLDAPBackendConfig', 'deleteLDAPBackendConfig', 'createSAMLBackendConfig', 'updateSAMLBackendConfig', 'deleteSAMLBackendConfig']);

/**
 * Operations that change the whole tenant or service (the running configuration, the tenant's external
 * configs, any session of the tenant): sent with plain users' tokens only, which they refuse (401), so
 * that a fuzz run never changes a real host's behaviour or ends a session it did not open.
 */
const PLAIN_USERS_ONLY = new Set(['patchConfig', 'createExternalConfig', 'updateExternalConfig', 'deleteExternalConfig', 'deleteSession']);

/** Whole request bodies by operation, where the body is not an object the generator can build: a no-op JSON Patch. */
const WHOLE_BODIES: Record<string, fc.Arbitrary<unknown>> = { patchConfig: fc.constant([]) };

/** The credentials a valid request of the operation may carry. */
function validAuth(op: Operation): fc.Arbitrary<Auth> {
  if (TENANT_CONFIG_WRITES.has(op.operationId)) return fc.constant<Auth>({ kind: 'raw', header: 'x-auth-token', value: '00000000-0000-4000-8000-00000000fa11' });
  if (PLAIN_USERS_ONLY.has(op.operationId)) {
    return fc.constantFrom<Auth>({ kind: 'token', token: 'userToken', as: 'x-auth-token' }, { kind: 'token', token: 'throwawayToken', as: 'x-auth-token' });
  }
  if (securedBy(op, 'wazo_auth_basic')) {
    return fc.constantFrom<Auth>({ kind: 'basic', who: 'user' }, { kind: 'basic', who: 'admin' }, { kind: 'basic', who: 'throwaway' });
  }
  if (securedBy(op, 'wazo_auth_token')) {
    return fc.constantFrom<Auth>(
      { kind: 'token', token: 'userToken', as: 'x-auth-token' },
      { kind: 'token', token: 'adminToken', as: 'x-auth-token' },
      { kind: 'token', token: 'throwawayToken', as: 'x-auth-token' },
    );
  }
  return fc.constant<Auth>({ kind: 'none' });
}

const stringified = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;

function paramValue(p: Parameter): fc.Arbitrary<string> {
  return valid(p.schema).map((v) => stringified(v) ?? '').filter((s) => s !== '');
}

/** A valid request of the operation (may need filtering by the description: see {@link validCase}). */
function validCaseRaw(op: Operation, ctx: CaseContext): fc.Arbitrary<FuzzCase> {
  const roles = rolesFor(ctx.prefix).path[op.operationId] ?? {};
  const bodyRole = rolesFor(ctx.prefix).body[op.operationId] ?? {};
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const path = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, roles[p.name] ?? (paramValue(p) as fc.Arbitrary<string | SlotRef>)])));
  const queryParams = op.parameters.filter((p) => p.in === 'query' && !UNSPECIFIED_VALUES.has(p.name));
  const queryRole = queryRoles(ctx.prefix)[op.operationId] ?? {};
  const exactlyOne = EXACTLY_ONE_QUERY[op.operationId];
  const valueOf = (p: Parameter) => queryRole[p.name] ?? (paramValue(p) as fc.Arbitrary<string | SlotRef>);
  const query: fc.Arbitrary<[string, string | SlotRef][]> = exactlyOne
    ? fc.constantFrom(...queryParams.filter((p) => exactlyOne.includes(p.name))).chain((p) => valueOf(p).map((v) => [[p.name, v] as [string, string | SlotRef]]))
    : fc
        .tuple(...queryParams.map((p) => fc.option(valueOf(p), { nil: undefined })))
        .map((values) => values.flatMap((v, i) => (v === undefined ? [] : [[queryParams[i]!.name, v] as [string, string | SlotRef]])));
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const headers = fc
    .tuple(...headerParams.map((p) => fc.option(headerValue(p), { nil: undefined })))
    .map((values) => Object.fromEntries(values.flatMap((v, i) => (v === undefined ? [] : [[headerParams[i]!.name.toLowerCase(), v]]))));
  let body: fc.Arbitrary<Body> = fc.constant<Body>({ kind: 'none' });
  if (op.requestBody) {
    const object = op.requestBody.object;
    const properties = (object.properties ?? {}) as Record<string, JsonObject>;
    const required = new Set([...((object.required ?? []) as string[]), ...(REQUIRED_FOR_CLEANUP[op.operationId] ?? [])]);
    const model = Object.fromEntries(
      Object.entries(properties)
        .filter(([, s]) => typeof s === 'object')
        .map(([name, s]) => [name, bodyRole[name] ?? valid(s)]),
    );
    body = fc
      .record(model, { requiredKeys: Object.keys(model).filter((k) => required.has(k)) })
      .map((value) => ({ kind: 'json', value, contentType: 'application/json' }) as Body);
    const whole = WHOLE_BODIES[op.operationId];
    if (whole) body = whole.map((value) => ({ kind: 'json', value, contentType: 'application/json' }) as Body);
  }
  // A body that is a form (POST /saml/acs, /backends/saml): the JSON drawn here is no valid form, so no verdict on validity.
  const formBody = op.requestBody !== undefined && !((op.raw.requestBody as JsonObject | undefined)?.content as JsonObject | undefined)?.['application/json'];
  const expect = formBody ? ('any' as const) : ('accept' as const);
  return fc.record({ auth: validAuth(op), path, query, headers, body }).map((parts) => ({ operationId: op.operationId, ...parts, expect }));
}

/** A valid value of a header parameter: the tenant of the configured user, or a session type. */
function headerValue(p: Parameter): fc.Arbitrary<string | SlotRef> {
  if (p.name.toLowerCase() === 'wazo-tenant') return fc.constant(slot('tenantUuid'));
  // Sent as UTF-8 bytes: HTTP header values are bytes, and undici refuses characters above U+00FF.
  return paramValue(p)
    .filter((v) => !/^mobile$/i.test(v))
    .map(utf8Bytes);
}

/**
 * A valid request, checked against the description (the body with the operation's validator, the
 * parameters with the parameter validator) and made safe: a mobile offline login only as the throwaway user.
 */
export function validCase(spec: ApiSpec, op: Operation, ctx: CaseContext): fc.Arbitrary<FuzzCase> {
  const checked = guarded(validCaseRaw(op, ctx), (c) => isValidRequest(spec, c));
  if (!checked) throw new Error(`[fuzz] cannot generate a valid request of ${op.operationId} from its schemas`);
  return checked.map(makeSafe);
}

/**
 * `arb.filter(keep)`, or undefined when a probe of 20 values finds none to keep: fast-check retries a
 * filter forever, and a mutation the description happens to accept must be dropped, not hang the run.
 */
export function guarded(arb: fc.Arbitrary<FuzzCase>, keep: (c: FuzzCase) => boolean): fc.Arbitrary<FuzzCase> | undefined {
  const probe = fc.sample(arb, { seed: 42, numRuns: 20 });
  return probe.some(keep) ? arb.filter(keep) : undefined;
}

/** The refresh grant: POST /token with the run's refresh token and its client_id, no credentials. */
function refreshGrant(op: Operation): fc.Arbitrary<FuzzCase> {
  const expiration = ((op.requestBody?.object.properties ?? {}) as Record<string, JsonObject>).expiration;
  return fc.option(expiration ? valid(expiration) : fc.constant(undefined), { nil: undefined }).map((exp) => ({
    operationId: op.operationId,
    auth: { kind: 'none' },
    path: {},
    query: [],
    headers: {},
    body: { kind: 'json', value: { client_id: slot('refreshClientId'), refresh_token: slot('refreshToken'), ...(exp !== undefined ? { expiration: exp } : {}) }, contentType: 'application/json' },
    expect: 'accept',
  }));
}

function makeSafe(c: FuzzCase): FuzzCase {
  const mobile = Object.entries(c.headers).some(([name, v]) => name === 'wazo-session-type' && typeof v === 'string' && /^\s*mobile\s*$/i.test(v));
  if (mobile && c.auth.kind === 'basic' && c.auth.who !== 'throwaway') return { ...c, auth: { kind: 'basic', who: 'throwaway' } };
  return c;
}

/** Whether the request's parameters and body satisfy the description (placeholders replaced by samples). */
export function isValidRequest(spec: ApiSpec, c: FuzzCase): boolean {
  const op = spec.operation(c.operationId);
  const header: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.headers)) header[k.toLowerCase()] = sample(v);
  const parameters = {
    path: sample(c.path),
    query: Object.fromEntries(c.query.map(([k, v]) => [k, sample(v)])),
    header,
  };
  if (!op.validateParameters(parameters)) return false;
  if (!op.requestBody) return c.body.kind === 'none';
  if (c.body.kind === 'none') return !op.requestBody.required;
  if (c.body.kind !== 'json') return false;
  return op.requestBody.validate(sample(c.body.value));
}

// --- requests that break one constraint -------------------------------------------------------------

/** Body, query and path mutations of an operation, each confirmed invalid by the description. */
function constraintCases(spec: ApiSpec, op: Operation, ctx: CaseContext): fc.Arbitrary<FuzzCase>[] {
  const out: fc.Arbitrary<FuzzCase>[] = [];
  const base = validCase(spec, op, ctx);
  // Exactly one constraint broken: the description refuses the request, and accepts it again once the
  // broken field gets a valid value (a type break of refresh_token alone would also break "refresh_token
  // needs client_id"; such a case is dropped).
  const invalid = (c: FuzzCase) => !isValidRequest(spec, c) && repairable(spec, c);
  const push = (arb: fc.Arbitrary<FuzzCase>) => {
    const kept = guarded(arb, invalid);
    if (kept) out.push(kept);
  };
  if (op.requestBody) {
    const object = op.requestBody.object;
    const properties = (object.properties ?? {}) as Record<string, JsonObject | boolean>;
    for (const [name, schema] of Object.entries(properties)) {
      if (typeof schema !== 'object') continue;
      for (const broken of breaks(schema)) {
        const mutation: Mutation = { kind: broken.kind, where: `body.${name}`, note: `${name}: ${broken.note}` };
        push(base.map((c) => withBody(c, { ...(c.body.kind === 'json' ? (c.body.value as JsonObject) : {}), [name]: broken.value }, mutation)));
      }
    }
    for (const name of (object.required ?? []) as string[]) {
      const mutation: Mutation = { kind: 'required', where: `body.${name}`, note: `required property ${name} left out` };
      push(
        base.map((c) => {
          const { [name]: _dropped, ...rest } = (c.body.kind === 'json' ? c.body.value : {}) as JsonObject;
          return withBody(c, rest, mutation);
        }),
      );
    }
    if (object.additionalProperties === false) {
      const mutation: Mutation = { kind: 'extra-property', where: 'body.wak_extra', note: 'a property the schema does not allow' };
      push(base.map((c) => withBody(c, { ...(c.body.kind === 'json' ? (c.body.value as JsonObject) : {}), wak_extra: 'x' }, mutation)));
    }
    // The body as a whole: a JSON value of a type the schema refuses.
    for (const broken of breaks(op.requestBody.schema).filter((b) => b.kind === 'type')) {
      push(base.map((c) => withBody(c, broken.value, { kind: 'type', where: 'body', note: `the body is ${broken.note}` })));
    }
    if (op.requestBody.required) {
      out.push(base.map((c) => ({ ...c, body: { kind: 'none' } as Body, mutation: { kind: 'required', where: 'body', note: 'no body' } as Mutation, expect: 'refuse' as const })));
    }
  }
  for (const p of op.parameters.filter((x) => x.in === 'query' || x.in === 'path')) {
    const seen = new Set<string>();
    // No oversized value in a URL: a 16 KiB path is refused by HTTP servers before any route (414, 431).
    for (const broken of breaks(p.schema, { oversized: false })) {
      const value = stringified(broken.value);
      // An empty path segment is another route, not a bad value.
      if (value === undefined || seen.has(value) || (p.in === 'path' && value === '') || /^me$/i.test(value)) continue;
      seen.add(value);
      const mutation: Mutation = { kind: broken.kind, where: `${p.in}.${p.name}`, note: `${p.name}: ${broken.note}` };
      push(
        base.map((c): FuzzCase => {
          if (p.in === 'path') return { ...c, path: { ...c.path, [p.name]: value }, mutation, expect: 'refuse' };
          return { ...c, query: [...c.query.filter(([k]) => k !== p.name), [p.name, value]], mutation, expect: 'refuse' };
        }),
      );
    }
  }
  return out;
}

/**
 * Whether giving the broken field of a constraint case a valid value (one of a few drawn from its
 * schema, or leaving an optional query parameter out) makes the request valid again.
 */
export function repairable(spec: ApiSpec, c: FuzzCase): boolean {
  const where = c.mutation?.where;
  if (!where) return false;
  const [area, name] = where.split('.', 2) as [string, string | undefined];
  const op = spec.operation(c.operationId);
  if (area === 'body') {
    if (name === undefined) return true;
    const schema = ((op.requestBody?.object.properties ?? {}) as Record<string, JsonObject>)[name];
    if (!schema || c.body.kind !== 'json') return false;
    const body = c.body;
    return fc.sample(valid(schema), { seed: 0, numRuns: 10 }).some((v) => isValidRequest(spec, { ...c, body: { ...body, value: { ...(body.value as JsonObject), [name]: v } } }));
  }
  const p = op.parameters.find((x) => x.in === area && x.name === name);
  if (!p) return false;
  if (area === 'query' && !p.required) return isValidRequest(spec, { ...c, query: c.query.filter(([k]) => k !== name) });
  return fc.sample(paramValue(p), { seed: 0, numRuns: 10 }).some((v) => isValidRequest(spec, { ...c, path: { ...c.path, [p.name]: v } }));
}

function withBody(c: FuzzCase, value: unknown, mutation: Mutation): FuzzCase {
  return { ...c, body: { kind: 'json', value, contentType: 'application/json' }, mutation, expect: 'refuse' };
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
/** UTF-8 bytes of a text, as the one-character-per-byte string undici sends as is. */
export const utf8Bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

/** Malformed or foreign `Authorization` values for POST /token: every one must be refused (401). */
const ODD_AUTHORIZATIONS: [string, string][] = [
  ['Basic !!!', 'Basic with malformed base64'],
  ['Basic', 'Basic without credentials'],
  ['Basic ', 'Basic with an empty value'],
  [`Basic ${b64('wak-nocolon')}`, 'Basic credentials without a colon'],
  [`Basic ${b64(':')}`, 'Basic credentials with an empty username and password'],
  [`Basic ${b64('wak-nobody:pw')}===`, 'Basic with extra padding'],
  [`Basic ${b64('wak-nobody:pw')} trailing`, 'Basic followed by a second word'],
  [`basic ${b64('wak-nobody:pw')}`, 'Basic in lower case, unknown user'],
  [`Basic ${b64('wak-nobodé:pä')}`, 'Basic credentials in UTF-8'],
  [`Basic ${Buffer.from('wak-nobod\u00e9:p\u00e4', 'latin1').toString('base64')}`, 'Basic credentials in Latin-1'],
  [utf8Bytes('Basic 中文'), 'Basic with raw UTF-8 bytes'],
  ['Basic \u00e9\u00e9\u00e9\u00e9', 'Basic with Latin-1 bytes'],
  ['Bearer 00000000-0000-4000-8000-00000000beef', 'a Bearer token'],
  ['Digest username="wak-nobody"', 'another scheme'],
  [`Basic ${filler(8192)}`, 'Basic with an 8 KiB value'],
];

/** Odd X-Auth-Token values: every one must be refused (401) where a token is required. */
const ODD_TOKENS: [string, string][] = [
  ['', 'an empty X-Auth-Token'],
  ['not-a-token', 'an X-Auth-Token that is not a token'],
  ['00000000-0000-4000-8000-00000000beef', 'an unknown token'],
  ['\u00e9', 'a Latin-1 X-Auth-Token'],
  [utf8Bytes('中文🙂'), 'an X-Auth-Token of raw UTF-8 bytes'],
  [filler(8192), 'an 8 KiB X-Auth-Token'],
  ['null', 'the X-Auth-Token "null"'],
  ['%00', 'a percent-encoded NUL as X-Auth-Token'],
];

/** Base64-alphabet strings of any length, mostly not valid base64 (a length that is not a multiple of 4). */
const randomBase64 = fc.stringMatching(/^[A-Za-z0-9+/=]{1,12}$/);

/** Requests with bad credentials. */
function credentialCases(spec: ApiSpec, op: Operation, ctx: CaseContext): fc.Arbitrary<FuzzCase>[] {
  const out: fc.Arbitrary<FuzzCase>[] = [];
  // The body must not carry a refresh grant, which would authenticate the request by itself.
  const base = validCase(spec, op, ctx).map((c) => {
    if (c.body.kind !== 'json' || !c.body.value || typeof c.body.value !== 'object' || Array.isArray(c.body.value)) return c;
    const { refresh_token: _r, ...rest } = c.body.value as JsonObject;
    return { ...c, body: { ...c.body, value: rest } };
  });
  const refuse = (auth: Auth, note: string) => base.map((c): FuzzCase => ({ ...c, auth, mutation: { kind: 'credentials', where: `header.${auth.kind === 'raw' ? auth.header : 'authorization'}`, note }, expect: 'refuse' }));
  if (securedBy(op, 'wazo_auth_basic')) {
    for (const [value, note] of ODD_AUTHORIZATIONS) out.push(refuse({ kind: 'raw', header: 'authorization', value }, note));
    out.push(randomBase64.chain((v) => refuse({ kind: 'raw', header: 'authorization', value: `Basic ${v}` }, 'Basic with random base64 text')));
    out.push(text(0, 16).chain((pw) => refuse({ kind: 'basic-wrong', who: 'nobody', password: pw }, 'an unknown user')));
    out.push(text(0, 16).chain((pw) => refuse({ kind: 'basic-wrong', who: 'throwaway', password: `${pw}-wrong` }, 'a wrong password')));
  }
  if (securedBy(op, 'wazo_auth_token')) {
    for (const [value, note] of ODD_TOKENS) out.push(refuse({ kind: 'raw', header: 'x-auth-token', value }, note));
    out.push(refuse({ kind: 'token', token: 'userToken', as: 'bearer' }, 'the token as Authorization: Bearer instead of X-Auth-Token'));
    out.push(refuse({ kind: 'token', token: 'refreshToken', as: 'x-auth-token' }, 'a refresh token as X-Auth-Token'));
    out.push(refuse({ kind: 'none' }, 'no X-Auth-Token'));
  }
  // A token in the path is the credential of these operations.
  const tokenPath = op.parameters.find((p) => p.in === 'path' && p.name === 'token');
  if (tokenPath) {
    // Revoking an unknown token is not an error (LIFECYCLE-DELETE-IDEMPOTENT).
    const expect = op.method === 'delete' ? 'any' : 'refuse';
    for (const [value, note] of [...ODD_TOKENS.filter(([v]) => v !== '' && !v.includes('%')), [slot('refreshToken'), 'a refresh token in the path'] as const]) {
      out.push(base.map((c): FuzzCase => ({ ...c, path: { ...c.path, token: value }, mutation: { kind: 'credentials', where: 'path.token', note: String(note).replace('X-Auth-Token', 'token in the path') }, expect })));
    }
  }
  return out;
}

/** Malformed JSON texts: none parses. */
const MALFORMED_JSON = ['{', '{"expiration": 60', "{'expiration': 60}", '{"a": 1}}', 'nul', '[1,', '{"expiration": 60,}', 'expiration=60', '\u0000', '\u00ff\u00fe{}'];

/** Bodies in odd encodings and with odd Content-Types, and odd optional headers. */
function encodingCases(spec: ApiSpec, op: Operation, ctx: CaseContext): fc.Arbitrary<FuzzCase>[] {
  const out: fc.Arbitrary<FuzzCase>[] = [];
  const base = validCase(spec, op, ctx);
  if (op.requestBody) {
    for (const bytes of MALFORMED_JSON) {
      out.push(base.map((c): FuzzCase => ({ ...c, body: { kind: 'raw', bytes, contentType: 'application/json' }, mutation: { kind: 'malformed-json', where: 'body', note: `malformed JSON ${JSON.stringify(bytes)}` }, expect: 'refuse' })));
    }
    // A valid body cut short: never parses either.
    const cut = guarded(
      base.chain((c) => {
        const textBody = JSON.stringify(sample(c.body.kind === 'json' ? c.body.value : {}));
        return fc.integer({ min: 1, max: Math.max(1, textBody.length - 1) }).map((cut): FuzzCase => ({
          ...c,
          body: { kind: 'raw', bytes: utf8Bytes(JSON.stringify(c.body.kind === 'json' ? c.body.value : {})).slice(0, cut), contentType: 'application/json' },
          mutation: { kind: 'malformed-json', where: 'body', note: `a valid body cut after ${cut} bytes` },
          expect: 'refuse',
        }));
      }),
      (c) => c.body.kind === 'raw' && !parses(c.body.bytes),
    );
    if (cut) out.push(cut);
    // The service reads the body as JSON whatever the Content-Type says (obs. 1e): not an error by the description.
    for (const contentType of [null, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/xml']) {
      out.push(base.map((c): FuzzCase => ({ ...c, body: c.body.kind === 'json' ? { ...c.body, contentType } : c.body, mutation: { kind: 'content-type', where: 'header.content-type', note: `Content-Type ${contentType ?? '(none)'}` }, expect: 'any' })));
    }
  }
  for (const p of op.parameters.filter((x) => x.in === 'header')) {
    for (const value of ['', 'not-a-tenant-or-type', utf8Bytes('中文🙂'), '\u00e9', filler(4096), '00000000-0000-4000-8000-00000000beef']) {
      out.push(base.map((c): FuzzCase => ({ ...makeSafe({ ...c, headers: { ...c.headers, [p.name.toLowerCase()]: value } }), mutation: { kind: 'header', where: `header.${p.name}`, note: `${p.name}: ${JSON.stringify(value.slice(0, 24))}${value.length > 24 ? '…' : ''}` }, expect: 'any' })));
    }
  }
  return out;
}

function parses(bytes: string): boolean {
  try {
    JSON.parse(Buffer.from(bytes, 'latin1').toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** Every kind of case of one operation, weighted: valid requests, broken constraints, credentials, encodings. */
export function operationCases(spec: ApiSpec, op: Operation, ctx: CaseContext): { weight: number; arbitrary: fc.Arbitrary<FuzzCase> } {
  const groups: { weight: number; arbitrary: fc.Arbitrary<FuzzCase> }[] = [{ weight: 3, arbitrary: validCase(spec, op, ctx) }];
  if (op.operationId === 'createToken') groups.push({ weight: 1, arbitrary: refreshGrant(op) });
  const add = (weight: number, list: fc.Arbitrary<FuzzCase>[]) => {
    if (list.length > 0) groups.push({ weight, arbitrary: fc.oneof(...list) });
  };
  add(4, constraintCases(spec, op, ctx));
  add(3, credentialCases(spec, op, ctx));
  add(2, encodingCases(spec, op, ctx));
  // An operation with more kinds of cases gets more requests: HEAD /status has only one.
  return { weight: groups.length, arbitrary: fc.oneof(...groups) };
}

/** The cases of every operation of the description, an operation weighted by its kinds of cases. */
export function allCases(spec: ApiSpec, ctx: CaseContext): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    ...spec.operations.filter((op) => !ctx.only || ctx.only.includes(op.operationId)).map((op) => {
      const cases = operationCases(spec, op, ctx);
      // The operations behind authentication (Basic credentials, refresh grants) get three times the share:
      // that is where the interesting failures are (issue 16).
      return op.security.some((s) => 'wazo_auth_basic' in s) ? { ...cases, weight: cases.weight * 3 } : cases;
    }),
  );
}

/**
 * The first `count` cases for a seed: the same seed gives the same cases (fast-check's generator is
 * seeded; nothing else is random here).
 */
export function generateCases(spec: ApiSpec, seed: number, count: number, ctx: CaseContext): FuzzCase[] {
  return fc.sample(allCases(spec, ctx), { seed, numRuns: count });
}

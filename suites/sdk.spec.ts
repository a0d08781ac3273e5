/**
 * The @wazo/sdk compatibility profile: the pinned @wazo/sdk's `WazoApiClient#auth`, in Node, through
 * the flows frontends use, against the target. The reports sum its requirements (SDK-COMPAT-*, area
 * `sdk`) up as "compatible with @wazo/sdk X.Y.Z" (cli/report/sdk-compat.ts).
 *
 * The SDK hard-codes https and the /api/auth prefix (sdk-target.ts): a WAZO_AUTH_URL of another form
 * (wazo-auth itself on http://HOST:9497/0.1) is reached through the kit's local TLS relay (sdk-relay.ts),
 * one per test, and each test says so in an `sdk-relay` annotation. Everything it creates is recorded for the cleanup
 * (client_ids before the login, tokens as they come, those of the SDK's automatic refreshes included).
 * Reference: ../shared/reference/wazo-js-sdk.md.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { Agent } from 'undici';
import type { CleanupRegistry } from './cleanup.ts';
import { ANNOTATION, covers } from './covers.ts';
import { expect, expectSameSecret, NEEDS_ADMIN, test as base } from './fixtures.ts';
import { redactor } from './redact.ts';
import { startSdkRelay } from './sdk-relay.ts';
import { SDK_NOT_INSTALLED, sdkTarget } from './sdk-target.ts';
import { target } from './target.ts';
import { pollUntil } from './time.ts';
import { awaitMail } from './mailbox.ts';

/** What the SDK's `Session.parse` makes of a token answer (the fields the profile reads). */
interface Session {
  token: string;
  refreshToken: string | null;
  uuid: string;
  tenantUuid: string;
  sessionUuid: string;
  expiresAt: Date;
  acl: string[];
  hasExpired(): boolean;
}

/** The part of `WazoApiClient` the profile drives. */
interface Client {
  auth: {
    logIn(params: { username: string; password: string; expiration?: number }): Promise<Session>;
    refreshToken(refreshToken: string, backend: string, expiration: number): Promise<Session>;
    checkToken(token: string): Promise<boolean>;
    authenticate(token: string): Promise<Session>;
    getUserSession(uuid: string): Promise<{ items: unknown[] }>;
    deleteRefreshToken(clientId: string): Promise<boolean>;
    logOut(token: string): Promise<boolean>;
    listTenants(): Promise<{ total: number; filtered: number; items: { uuid: string; name: string | null }[] }>;
    getTenant(uuid: string): Promise<{ uuid: string; name: string | null; parent_uuid: string; phone: string | null }>;
    createTenant(name: string): Promise<{ uuid: string; name: string | null; parent_uuid: string }>;
    updateTenant(uuid: string, name: string, contact: string | undefined, phone: string, address: unknown): Promise<{ uuid: string; name: string | null; phone: string | null }>;
    deleteTenant(uuid: string): Promise<boolean>;
    addUserEmail(userUuid: string, email: string, main: boolean): Promise<unknown>;
    sendResetPasswordEmail(params: { username?: string; email?: string }): Promise<unknown>;
    resetPassword(userUuid: string, password: string): Promise<unknown>;
    // Policies and groups (issue 15).
    createPolicy(name: string, description: string, acl: string[]): Promise<{ uuid: string; name: string; acl: string[] }>;
    listPolicies(): Promise<{ items: { uuid: string; name: string }[]; total: number }>;
    deletePolicy(uuid: string): Promise<unknown>;
    addUserPolicy(userUuid: string, policyUuid: string): Promise<unknown>;
    deleteUserPolicy(userUuid: string, policyUuid: string): Promise<unknown>;
    createGroup(name: string): Promise<{ uuid: string; name: string }>;
    listGroups(): Promise<{ items: { uuid: string; name: string }[]; total: number; filtered: number }>;
    deleteGroup(uuid: string): Promise<unknown>;
    addUserGroup(userUuid: string, groupUuid: string): Promise<unknown>;
    listUsersGroup(groupUuid: string): Promise<{ items: { uuid: string }[] }>;
    deleteUserGroup(userUuid: string, groupUuid: string): Promise<unknown>;
    initiateIdpAuthentication(domain: string, redirectUrl: string): Promise<unknown>;
    samlLogOut(): Promise<unknown>;
  };
  client: { token?: string };
  setToken(token: string): void;
  setRefreshToken(refreshToken: string): void;
  setOnRefreshToken(callback: (token: string) => void): void;
  setRequestTimeout(ms: number): void;
  disableErrorLogging(): void;
}

type ClientClass = new (options: { server: string; clientId?: string; fetchOptions?: Record<string, unknown> }) => Client;

const resolved = sdkTarget(target());
let WazoApiClient: ClientClass | undefined;
let notLoaded: string | undefined;
try {
  // The SDK's ESM build does not resolve in Node 20; `require` takes its UMD build (wazo-js-sdk.md).
  WazoApiClient = (createRequire(import.meta.url)('@wazo/sdk') as { WazoApiClient: ClientClass }).WazoApiClient;
} catch (error) {
  // An optional peer dependency of the kit (its own dependencies are heavy and one is a git URL): a user
  // who installs it next to the kit gets this profile; the clone always has it (a devDependency).
  const absent = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (error as Error).message.includes("'@wazo/sdk'");
  notLoaded = absent ? SDK_NOT_INSTALLED : `@wazo/sdk could not be loaded: ${(error as Error).message.split('\n')[0]}`;
}

/** An SDK error as the tests see it: `status` is the HTTP status of a refused call. */
const status = (error: unknown) => (error as { status?: number }).status;

/** The profile's per-test helper: SDK clients on the target, each login recorded for the cleanup. */
class SdkProfile {
  private readonly dispatcher?: Agent;

  constructor(
    private readonly cleanup: CleanupRegistry,
    private readonly prefix: string,
    private readonly credentials: { username: string; password: string },
    settings: { server: string; insecure: boolean },
    /** The administrator's credentials, for the SDK's administration methods; undefined without them. */
    readonly admin?: { username: string; password: string },
  ) {
    this.server = settings.server;
    // Node's fetch takes an undici dispatcher: the certificate exception stays on this client's calls.
    if (settings.insecure) this.dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  }

  readonly server: string;

  /** A new client, as an app creates it; `clientId` makes its logins offline (a refresh token). */
  client(clientId?: string): Client {
    const client = new WazoApiClient!({ server: this.server, ...(clientId ? { clientId } : {}), ...(this.dispatcher ? { fetchOptions: { dispatcher: this.dispatcher } } : {}) });
    client.disableErrorLogging();
    // The SDK's own timeout is 300 s; a hung server should fail a test, not the run.
    client.setRequestTimeout(15_000);
    // Tokens the SDK gets by itself (automatic refresh) are the test's to clean up too.
    client.setOnRefreshToken((token) => this.keep(token));
    return client;
  }

  /** `wak-<run>-<label>-<random>`, recorded before use so that a killed run still cleans it up. */
  clientId(label: string): string {
    const clientId = `${this.prefix}-sdk-${label}-${randomUUID().slice(0, 6)}`;
    this.cleanup.add({ kind: 'client', clientId, username: this.credentials.username });
    return clientId;
  }

  /** `auth.logIn` with the configured user; the answer's tokens are recorded. */
  async logIn(client: Client, expiration = 600, clientId?: string): Promise<Session> {
    const session = await client.auth.logIn({ ...this.credentials, expiration });
    this.keep(session.token);
    if (session.refreshToken && clientId) {
      redactor.token(session.refreshToken);
      this.cleanup.add({ kind: 'refresh', refreshToken: session.refreshToken, clientId });
    }
    return session;
  }

  /** A client logged in as the administrator (the caller skips without admin credentials). */
  async adminClient(): Promise<Client> {
    const client = this.client();
    const session = await client.auth.logIn({ ...this.admin!, expiration: 600 });
    this.keep(session.token);
    client.setToken(session.token);
    return client;
  }

  /** A run-prefixed tenant name, recorded before use so that a killed run still finds the tenant. */
  tenantName(label: string): string {
    const name = `${this.prefix}-sdk-${label}-${randomUUID().slice(0, 6)}`;
    this.cleanup.add({ kind: 'tenant-name', name });
    return name;
  }

  /** Records a tenant the SDK created, for the cleanup. */
  keepTenant(uuid: string, name: string): void {
    this.cleanup.add({ kind: 'tenant', uuid, name });
  }

  /** Records an access token for the cleanup and for redaction. */
  keep(token: unknown): void {
    if (typeof token !== 'string' || token === '') return;
    redactor.token(token);
    this.cleanup.add({ kind: 'token', token });
  }
}

const test = base.extend<{ sdk: SdkProfile }>({
  // Test-scoped on purpose: a worker-scoped fixture here would give this file workers of its own, started
  // after every other test (Playwright groups tests by their worker fixtures), and would no longer let
  // whole-run.spec.ts be the run's last test. A relay starts in milliseconds (the certificate is cached).
  sdk: async ({ cleanup, target: t }, use, testInfo) => {
    if ('skip' in resolved) throw new Error(resolved.skip); // unreachable: the file is skipped
    if (!('relay' in resolved)) return use(new SdkProfile(cleanup, t.prefix, t.user, resolved, t.admin));
    const relay = await startSdkRelay(resolved.relay);
    testInfo.annotations.push({ type: ANNOTATION.sdkRelay, description: `through the kit's local TLS relay (${relay.description}): the SDK only talks to https://HOST/api/auth/0.1` });
    try {
      // The relay's certificate is the kit's self-signed development one.
      await use(new SdkProfile(cleanup, t.prefix, t.user, { server: relay.server, insecure: true }, t.admin));
    } finally {
      await relay.close();
    }
  },
});

const skipReason = 'skip' in resolved ? resolved.skip : notLoaded;
test.skip(skipReason !== undefined, skipReason);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

test('logIn: a session with the token, the user and tenant, a future expiry and the ACL', covers('SDK-COMPAT-LOGIN'), async ({ sdk }) => {
  const before = Date.now();
  const session = await sdk.logIn(sdk.client(), 600);
  expect(typeof session.token === 'string' && session.token.length > 0, 'a token').toBe(true);
  expect(session.uuid, 'metadata.uuid').toMatch(UUID);
  expect(session.tenantUuid, 'metadata.tenant_uuid').toMatch(UUID);
  expect(session.refreshToken ?? null, 'no refresh token without a clientId').toBeNull();
  // utc_expires_at read as UTC: about 600 s from now (a missing or zone-shifted one would be off by hours).
  const lifetime = (session.expiresAt.getTime() - before) / 1000;
  expect(lifetime, 'expiresAt − now, in seconds (requested 600)').toBeGreaterThan(540);
  expect(lifetime).toBeLessThan(660);
  expect(session.hasExpired(), 'the SDK sees a live session').toBe(false);
  expect(Array.isArray(session.acl) && session.acl.length > 0, 'a non-empty acl').toBe(true);
});

test('logIn with a clientId (offline): a refresh token, the same one at the next desktop login', covers('SDK-COMPAT-OFFLINE-LOGIN'), async ({ sdk }) => {
  const clientId = sdk.clientId('offline');
  const client = sdk.client(clientId);
  const first = await sdk.logIn(client, 600, clientId);
  expect(typeof first.refreshToken === 'string' && first.refreshToken.length > 0, 'a refresh token in the answer').toBe(true);
  const second = await sdk.logIn(client, 600, clientId);
  expectSameSecret(second.refreshToken, first.refreshToken, 'desktop offline login again: the same refresh token');
});

test('refreshToken: a new access token for the same user', covers('SDK-COMPAT-REFRESH'), async ({ sdk }) => {
  const clientId = sdk.clientId('refresh');
  const client = sdk.client(clientId);
  const session = await sdk.logIn(client, 600, clientId);
  const refreshed = await client.auth.refreshToken(session.refreshToken!, 'wazo_user', 600);
  sdk.keep(refreshed.token);
  expectSameSecret(refreshed.token, session.token, 'the refreshed token differs from the first', false);
  expect(refreshed.uuid).toBe(session.uuid);
  expect(refreshed.hasExpired()).toBe(false);
  expect(await client.auth.checkToken(refreshed.token), 'the refreshed token is valid').toBe(true);
});

test('refreshToken from a client with another clientId is refused with 401', covers('SDK-COMPAT-WRONG-CLIENT-ID'), async ({ sdk }) => {
  const clientId = sdk.clientId('owner');
  const session = await sdk.logIn(sdk.client(clientId), 600, clientId);
  const other = sdk.client(sdk.clientId('other'));
  const error = await other.auth.refreshToken(session.refreshToken!, 'wazo_user', 600).then(
    (s) => {
      sdk.keep(s.token);
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error, 'the refresh with a wrong client_id must be refused').toBeDefined();
  expect(status(error), `the SDK's error status (${String(error)})`).toBe(401);
});

test('checkToken: true for a live token, false for an unknown one; authenticate reads the live one', covers('SDK-COMPAT-CHECK-TOKEN'), async ({ sdk }) => {
  const client = sdk.client();
  const session = await sdk.logIn(client, 600);
  expect(await client.auth.checkToken(session.token)).toBe(true);
  expect(await client.auth.checkToken(randomUUID()), 'an unknown token').toBe(false);
  const read = await client.auth.authenticate(session.token);
  expectSameSecret(read.token, session.token, 'authenticate reads the same token');
  expect(read.uuid).toBe(session.uuid);
  expect(read.sessionUuid).toBe(session.sessionUuid);
});

test('authenticate of an expired token refreshes with the refresh token and reads the new token', covers('SDK-COMPAT-AUTHENTICATE-REFRESH'), async ({ sdk }) => {
  const clientId = sdk.clientId('auth');
  const client = sdk.client(clientId);
  const session = await sdk.logIn(client, 1, clientId);
  client.setRefreshToken(session.refreshToken!);
  const dead = await pollUntil(() => client.auth.checkToken(session.token), (valid) => valid === false, { timeoutMs: 10_000 });
  expect(dead, 'the 1-second token expired within 10 s').toBe(false);
  const read = await client.auth.authenticate(session.token);
  sdk.keep(read.token);
  expectSameSecret(read.token, session.token, 'authenticate answered with a new token', false);
  expectSameSecret(client.client.token, read.token, 'the client now uses the refreshed token');
  expect(read.uuid).toBe(session.uuid);
  expect(read.hasExpired()).toBe(false);
});

test('a call answered 401 (dead X-Auth-Token) refreshes the token and replays the call', covers('SDK-COMPAT-AUTO-REFRESH-401'), async ({ sdk, api }) => {
  const clientId = sdk.clientId('auto');
  const client = sdk.client(clientId);
  const session = await sdk.logIn(client, 600, clientId);
  client.setToken(session.token);
  client.setRefreshToken(session.refreshToken!);
  // Revoked behind the SDK's back (the suite's own client), as another tab or an admin would.
  expect((await api.delete(`/token/${session.token}`)).status, 'DELETE /token/{t}').toBe(200);
  const sessions = await client.auth.getUserSession(session.uuid);
  expect(Array.isArray(sessions.items), 'the replayed GET /users/{uuid}/sessions answered a list').toBe(true);
  expectSameSecret(client.client.token, session.token, 'the SDK refreshed its token before the replay', false);
  expect(await client.auth.checkToken(client.client.token!), 'the refreshed token is valid').toBe(true);
});

test('deleteRefreshToken(clientId) answers true and the refresh token stops working', covers('SDK-COMPAT-DELETE-REFRESH-TOKEN'), async ({ sdk }) => {
  const clientId = sdk.clientId('delete');
  const client = sdk.client(clientId);
  const session = await sdk.logIn(client, 600, clientId);
  client.setToken(session.token);
  expect(await client.auth.deleteRefreshToken(clientId)).toBe(true);
  const error = await client.auth.refreshToken(session.refreshToken!, 'wazo_user', 600).then(
    (s) => {
      sdk.keep(s.token);
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(status(error), 'a refresh with the deleted refresh token is refused').toBe(401);
});

test('logOut answers true and the token is no longer valid', covers('SDK-COMPAT-LOGOUT'), async ({ sdk }) => {
  const client = sdk.client();
  const session = await sdk.logIn(client, 600);
  expect(await client.auth.logOut(session.token)).toBe(true);
  expect(await client.auth.checkToken(session.token), 'checkToken after logOut').toBe(false);
});

test('tenants: createTenant, listTenants, getTenant, updateTenant, deleteTenant for an administrator', covers('SDK-COMPAT-TENANTS'), async ({ sdk }) => {
  test.skip(!sdk.admin, NEEDS_ADMIN);
  const client = await sdk.adminClient();
  const name = sdk.tenantName('tenant');
  const created = await client.auth.createTenant(name);
  sdk.keepTenant(created.uuid, name);
  expect(created.uuid, 'createTenant answers the new tenant').toMatch(UUID);
  expect(created.name).toBe(name);
  const listed = await client.auth.listTenants();
  expect(listed.items.map((t) => t.uuid), 'listTenants includes it').toContain(created.uuid);
  expect((await client.auth.getTenant(created.uuid)).name, 'getTenant reads it').toBe(name);
  // The SDK's types declare `address` as an array, which the real service answers with 500 (the mock,
  // with 400): the call fails and nothing changes. Given an object, the replacement is made.
  const refused = await client.auth.updateTenant(created.uuid, `${name}-x`, undefined, '555-0199', [{ city: 'Quebec' }]).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refused, 'updateTenant with an array address is refused').toBeDefined();
  expect(status(refused) ?? 0, 'refused with an error status').toBeGreaterThanOrEqual(400);
  expect((await client.auth.getTenant(created.uuid)).name, 'the refused update changed nothing').toBe(name);
  const updated = await client.auth.updateTenant(created.uuid, `${name}-b`, undefined, '555-0199', { city: 'Quebec' });
  expect(updated.name).toBe(`${name}-b`);
  expect(updated.phone).toBe('555-0199');
  expect(await client.auth.deleteTenant(created.uuid), 'deleteTenant answers true').toBe(true);
  const gone = await client.auth.getTenant(created.uuid).then(() => undefined, (error: unknown) => error);
  expect(status(gone), 'the deleted tenant is 404').toBe(404);
});

// --- emails (issue 15): addUserEmail, sendResetPasswordEmail, resetPassword, on throwaway users ---

test('addUserEmail with an administrator\'s token sets the main address, unconfirmed', covers('SDK-COMPAT-ADD-USER-EMAIL'), async ({ sdk, api, accounts, target: t }) => {
  test.skip(!t.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('sdk-email');
  const client = sdk.client();
  client.setToken(await api.adminToken());
  const address = `${bob.username}@example.com`.toLowerCase();
  // The SDK's defaultParser spreads the answered list into an object ({0: {...}, _headers}): read item "0".
  const answer = (await client.auth.addUserEmail(bob.uuid, address, true)) as Record<string, { address?: string; main?: boolean } | undefined>;
  expect(answer['0']?.address, 'the first address the SDK hands back').toBe(address);
  expect(answer['0']?.main).toBe(true);
  const read = await api.get(`/users/${bob.uuid}`, { token: await api.adminToken() });
  expect(read.body.emails, read.describe()).toEqual([expect.objectContaining({ address, main: true, confirmed: false })]);
});

test('sendResetPasswordEmail resolves for an unknown user and for one without a confirmed address', covers('SDK-COMPAT-SEND-RESET-EMAIL'), async ({ sdk, accounts, api, target: t }) => {
  const client = sdk.client();
  await client.auth.sendResetPasswordEmail({ username: `${t.prefix}-sdk-nobody-${randomUUID().slice(0, 6)}` });
  if (!t.hasAdmin) return; // the second half needs a throwaway user
  const bob = await accounts.create('sdk-reset-unconfirmed');
  await api.put(`/users/${bob.uuid}/emails`, { token: await api.adminToken(), json: { emails: [{ address: `${bob.username}@example.com`.toLowerCase(), main: true }] } });
  await client.auth.sendResetPasswordEmail({ username: bob.username });
});

test('resetPassword with the reset token as the client\'s token sets the password', covers('SDK-COMPAT-RESET-PASSWORD'), async ({ sdk, api, accounts, cleanup, target: t }, testInfo) => {
  test.skip(!t.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('sdk-reset');
  let token: string;
  if (t.mailboxURL) {
    const address = `${bob.username}@example.com`.toLowerCase();
    await api.put(`/admin/users/${bob.uuid}/emails`, { token: await api.adminToken(), json: { emails: [{ address, main: true, confirmed: true }] } });
    await sdk.client().auth.sendResetPasswordEmail({ username: bob.username });
    token = (await awaitMail(t, cleanup, address, 'password_reset')).token;
  } else {
    // No mailbox (a real host mails by SMTP): the administrator's token, whose `#` carries the reset ACL.
    testInfo.annotations.push({ type: 'note', description: "no mailbox: reset with the administrator's token instead of the mail's" });
    token = await api.adminToken();
  }
  const client = sdk.client();
  client.setToken(token);
  const password = `pw-${randomUUID()}`;
  redactor.password(password, bob.username);
  await client.auth.resetPassword(bob.uuid, password);
  const fresh = await api.login({ username: bob.username, password }, { expiration: 60 });
  expect(fresh.status, `the new password works: ${fresh.describe()}`).toBe(200);
});

/** Runs an SDK call whose answer may make the SDK throw (a 204 with an empty body it tries to parse as JSON). */
async function settled(call: Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    return { ok: false, error };
  }
}

test('policies: createPolicy, listPolicies, addUserPolicy (204 empty body: the policy is given), deleteUserPolicy, deletePolicy', covers('SDK-COMPAT-POLICIES'), async ({ sdk, api, accounts, cleanup, target: t }) => {
  test.skip(!t.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('sdk-policy');
  const admin = await api.adminToken();
  const client = sdk.client();
  client.setToken(admin);
  const access = `${t.prefix.replace(/[^a-z0-9]/gi, '')}.sdk.read`;
  const name = `${t.prefix}-sdk-policy-${randomUUID().slice(0, 6)}`;
  const policy = await client.auth.createPolicy(name, 'kit', [access]);
  cleanup.add({ kind: 'policy', uuid: policy.uuid });
  expect(policy).toMatchObject({ name, acl: [access] });
  const listed = await client.auth.listPolicies();
  expect(listed.items.map((p) => p.uuid), 'listPolicies lists it').toContain(policy.uuid);
  // The real service answers 204 with an empty body; whether the SDK throws on it or not, the policy is given.
  await settled(client.auth.addUserPolicy(bob.uuid, policy.uuid));
  const given = await api.get(`/users/${bob.uuid}/policies`, { token: admin });
  expect(given.body.items.map((p: { uuid: string }) => p.uuid), given.describe()).toEqual([policy.uuid]);
  expect((await api.loginOk(bob)).acl, "bob's next token carries it").toContain(access);
  await settled(client.auth.deleteUserPolicy(bob.uuid, policy.uuid));
  const taken = await api.get(`/users/${bob.uuid}/policies`, { token: admin });
  expect(taken.body.items, taken.describe()).toEqual([]);
  await settled(client.auth.deletePolicy(policy.uuid));
  expect((await api.get(`/policies/${policy.uuid}`, { token: admin })).status, 'deletePolicy deleted it').toBe(404);
});

test('groups: createGroup, listGroups, addUserGroup (204 empty body: the user is added), listUsersGroup, deleteUserGroup, deleteGroup', covers('SDK-COMPAT-GROUPS'), async ({ sdk, api, accounts, cleanup, target: t }) => {
  test.skip(!t.hasAdmin, NEEDS_ADMIN);
  const bob = await accounts.create('sdk-group');
  const admin = await api.adminToken();
  const client = sdk.client();
  client.setToken(admin);
  const name = `${t.prefix}-sdk-group-${randomUUID().slice(0, 6)}`;
  const group = await client.auth.createGroup(name);
  cleanup.add({ kind: 'group', uuid: group.uuid });
  expect(group.name).toBe(name);
  const listed = await client.auth.listGroups();
  expect(listed.items.map((g) => g.uuid), 'listGroups lists it').toContain(group.uuid);
  await settled(client.auth.addUserGroup(bob.uuid, group.uuid));
  const members = await client.auth.listUsersGroup(group.uuid);
  expect(members.items.map((u) => u.uuid), 'addUserGroup added bob').toEqual([bob.uuid]);
  await settled(client.auth.deleteUserGroup(bob.uuid, group.uuid));
  expect((await client.auth.listUsersGroup(group.uuid)).items, 'deleteUserGroup removed bob').toEqual([]);
  await settled(client.auth.deleteGroup(group.uuid));
  expect((await api.get(`/groups/${group.uuid}`, { token: admin })).status, 'deleteGroup deleted it').toBe(404);
});
// --- external auth and mobile push (issue 15): on a throwaway user, never on the configured one ---------

/** The SDK's external-auth and push methods (node_modules/@wazo/sdk dist/index.js, `auth`). */
interface ExternalAuthMethods {
  getProviders(userUuid: string): Promise<{ items: { type: string; enabled: boolean }[]; total: number }>;
  getProviderToken(userUuid: string, provider: string): Promise<unknown>;
  getProviderAuthUrl(userUuid: string, provider: string): Promise<unknown>;
  deleteProviderToken(userUuid: string, provider: string): Promise<unknown>;
  sendDeviceToken(userUuid: string, deviceToken: string, apnsVoipToken?: string, apnsNotificationToken?: string): Promise<Record<string, unknown>>;
  removeDeviceToken(userUuid: string): Promise<unknown>;
  getPushNotificationSenderId(userUuid: string): Promise<string | null>;
}

/** An SDK client logged in as a new throwaway user (its token kept for the clean-up). */
async function throwawayClient(sdk: SdkProfile, accounts: { create(label: string): Promise<{ uuid: string; username: string; password: string }> }, label: string) {
  const user = await accounts.create(label);
  const client = sdk.client();
  const session = await client.auth.logIn({ username: user.username, password: user.password, expiration: 600 });
  sdk.keep(session.token);
  client.setToken(session.token);
  return { user, auth: client.auth as unknown as ExternalAuthMethods };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

test('getProviders lists the external auths; getProviderToken, getProviderAuthUrl and deleteProviderToken are refused with 404 when nothing is configured', covers('SDK-COMPAT-PROVIDERS'), async ({ sdk, accounts, api, target: t }) => {
  test.skip(!t.hasAdmin, NEEDS_ADMIN);
  const google = await api.get('/external/google/config', { token: await api.adminToken() });
  test.skip(google.status === 200, 'the host has a google config: getProviderAuthUrl would start a real OAuth flow');
  const { user, auth } = await throwawayClient(sdk, accounts, 'sdk-providers');
  const providers = await auth.getProviders(user.uuid);
  expect(providers.items.map((i) => i.type)).toEqual(expect.arrayContaining(['google', 'microsoft', 'mobile']));
  expect(status(await refusal(auth.getProviderToken(user.uuid, 'google'))), 'getProviderToken of a provider never linked').toBe(404);
  expect(status(await refusal(auth.getProviderAuthUrl(user.uuid, 'google'))), 'getProviderAuthUrl without a google config').toBe(404);
  expect(status(await refusal(auth.deleteProviderToken(user.uuid, 'google'))), 'deleteProviderToken of a provider never linked').toBe(404);
});

test('sendDeviceToken stores the tokens, a second call is refused with 409, removeDeviceToken forgets them', covers('SDK-COMPAT-DEVICE-TOKEN'), async ({ sdk, accounts, api, target: t }) => {
  test.skip(!t.hasAdmin, NEEDS_ADMIN);
  const { user, auth } = await throwawayClient(sdk, accounts, 'sdk-device');
  const stored = await auth.sendDeviceToken(user.uuid, 'fcm-sdk', 'voip-sdk');
  expect(stored).toMatchObject({ token: 'fcm-sdk', apns_token: 'voip-sdk', apns_voip_token: 'voip-sdk' });
  expect(status(await refusal(auth.sendDeviceToken(user.uuid, 'fcm-sdk-2'))), 'a second sendDeviceToken').toBe(409);
  await auth.removeDeviceToken(user.uuid);
  const admin = await api.adminToken();
  const gone = await api.get(`/users/${user.uuid}/external/mobile`, { token: admin });
  expect(gone.status, `the tokens are forgotten: ${gone.describe()}`).toBe(404);
});

test('getPushNotificationSenderId answers as the service does: refused with 404 without a mobile config, the sender id with one', covers('SDK-COMPAT-SENDER-ID'), async ({ sdk, accounts, api, target: t }) => {
  test.skip(!t.hasAdmin, NEEDS_ADMIN);
  const { user, auth } = await throwawayClient(sdk, accounts, 'sdk-sender');
  const raw = await api.get(`/users/${user.uuid}/external/mobile/sender_id`, { token: await api.adminToken() });
  const result = await auth.getPushNotificationSenderId(user.uuid).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (raw.status === 404) expect(status((result as { error?: unknown }).error), 'refused like GET .../sender_id').toBe(404);
  else expect((result as { value?: unknown }).value, 'the sender id of GET .../sender_id').toBe(raw.body.sender_id);
});

test('initiateIdpAuthentication and samlLogOut are refused as the service refuses them without an IdP, and the token stays valid', covers('SDK-COMPAT-SAML'), async ({ sdk, api, target: t }) => {
  const domain = `${t.prefix}.invalid`;
  const redirectUrl = 'https://app.invalid/after-login';
  // The service's own answers first (the test skips, naming the release, where the host has no SAML flows).
  const sso = await api.post('/saml/sso', { json: { redirect_url: redirectUrl, domain } });
  const client = sdk.client();
  const session = await sdk.logIn(client, 600);
  const logout = await api.get('/saml/logout', { token: session.token });
  expect(sso.status, `POST /saml/sso without an IdP for the domain: ${sso.describe()}`).toBeGreaterThanOrEqual(400);
  expect(logout.status, `GET /saml/logout without a SAML session: ${logout.describe()}`).toBeGreaterThanOrEqual(400);
  // Wazo.Auth.initiateIdpAuthentication turns a 500 into SamlConfigError (and a 404, a host without the route, into NoSamlRouteError).
  expect(status(await refusal(client.auth.initiateIdpAuthentication(domain, redirectUrl))), 'initiateIdpAuthentication: the status of POST /saml/sso').toBe(sso.status);
  expect(status(await refusal(client.auth.samlLogOut())), 'samlLogOut: the status of GET /saml/logout').toBe(logout.status);
  expect(await client.auth.checkToken(session.token), 'a refused SAML logout leaves the token valid').toBe(true);
});

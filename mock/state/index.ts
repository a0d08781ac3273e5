/**
 * The mock's whole state and the rules that change it: logins, refresh grants, mobile revocation,
 * the concurrent-session limit, password changes. Handlers translate HTTP to these calls and back;
 * nothing here knows about HTTP.
 */
import { randomUuid } from './uuid.ts';
import type { BehaviourFault } from '../faults.ts';
import { AccessTokenStore, type AccessTokenRecord } from './access-tokens.ts';
import { AdjustableClock } from './clock.ts';
import { ExternalAuthStore, ServiceConfigState } from './external-auth.ts';
import { RefreshTokenStore, type RefreshTokenRecord } from './refresh-tokens.ts';
import {
  DEFAULT_MAX_USER_SESSIONS,
  DEFAULT_POLICIES,
  DEFAULT_TENANT_UUID,
  DEFAULT_USER_POLICY,
  DEFAULT_USER_POLICY_NAME,
  DEFAULT_USERS,
  MASTER_USER_POLICY_NAME,
  XIVO_UUID,
  type SeedUser,
} from './seed.ts';
import { PolicyStore } from './policies.ts';
import { EMPTY_ADDRESS, TenantStore } from './tenants.ts';
import { UserStore, type UserRecord } from './users.ts';
import { MailStore } from './mails.ts';
import type { XmlElement } from '../xml.ts';
import { playRelease, type PlayedRelease } from '../release.ts';

export type { AccessTokenRecord } from './access-tokens.ts';
export type { RefreshTokenRecord } from './refresh-tokens.ts';
export type { UserRecord, EmailRecord } from './users.ts';
export type { SeedUser } from './seed.ts';
export type { TenantRecord, TenantFields, TenantAddress } from './tenants.ts';
export type { PolicyRecord, GroupRecord } from './policies.ts';

/** A tenant's SAML backend configuration (POST /backends/saml); `idpMetadata` is the IdP's XML as read. */
export interface SamlConfigRecord {
  tenantUuid: string;
  domainUuid: string;
  entityId: string;
  acsUrl: string;
  idpMetadata: XmlElement;
}

/** How the state is set up. Every field has a default. */
export interface StateOptions {
  /** Users to seed (and to re-seed on reset); default admin and alice. */
  users?: readonly SeedUser[];
  /** Live sessions a user may hold; the next login gets 429. Default 100 (obs. 13a). */
  maxUserSessions?: number;
  /** ACL of the default user policy, which every token carries first. Default: the recording's. */
  defaultUserPolicy?: readonly string[];
  xivoUuid?: string;
  clock?: AdjustableClock;
  /** The behaviour faults in force (live); `expired-tokens-valid`, `policy-not-applied` and `group-policy-ignored` reach the state. */
  faults?: ReadonlySet<BehaviourFault>;
  /** The wazo-auth release whose rules apply (mobile revocation, session limit, password change). Default the newest. */
  release?: PlayedRelease;
}

/** What a login or refresh asks for. */
export interface TokenRequest {
  expirationSeconds: number;
  mobile: boolean;
  remoteAddr: string;
  userAgent: string;
}

/** The outcome of issuing a token. */
export type IssueResult =
  | { ok: true; token: AccessTokenRecord; refreshToken?: RefreshTokenRecord; sessionsRevoked: number }
  | { ok: false; reason: 'too-many-sessions'; userUuid: string }
  | { ok: false; reason: 'authentication-failed' };

/** In-memory state of one mock server. */
export class MockState {
  readonly users = new UserStore();
  readonly tenants = new TenantStore();
  // Fault `expired-tokens-valid` (mock/faults.ts): expiry is not enforced while it is on.
  readonly accessTokens = new AccessTokenStore(() => !this.faults.has('expired-tokens-valid'));
  readonly refreshTokens = new RefreshTokenStore();
  /** The mails "sent" (mock/state/mails.ts). */
  readonly mails = new MailStore();
  /** LDAP backend configurations, by tenant UUID (PUT/GET/DELETE /backends/ldap; never used to bind). */
  readonly ldapConfigs = new Map<string, Readonly<Record<string, unknown>>>();
  /** SAML backend configurations, by tenant UUID: read through {@link samlConfig}. */
  private readonly samlConfigs = new Map<string, SamlConfigRecord>();
  /** Policies, groups and their links: a user's token ACL comes from them. */
  readonly policies = new PolicyStore();
  /** External auth configs and user data (config, external, mobile endpoints). */
  readonly external = new ExternalAuthStore();
  /** The writable part of GET /config. */
  readonly serviceConfig = new ServiceConfigState();
  readonly clock: AdjustableClock;
  readonly maxUserSessions: number;
  readonly defaultUserPolicy: readonly string[];
  readonly xivoUuid: string;
  readonly faults: ReadonlySet<BehaviourFault>;
  readonly release: PlayedRelease;
  private readonly seedUsers: readonly SeedUser[];
  /**
   * One frozen ACL per user, shared by all the tokens issued with it until a policy, group or link
   * changes (`PolicyStore.version`): a login does not walk the policies again (bench: policies are
   * applied at every login). With addresses and user agents interned, a live token costs its own
   * strings and indexes only (docs/scale.md).
   */
  private readonly tokenAcls = new Map<string, { version: number; acl: readonly string[] }>();
  private readonly strings = new InternTable(1024);
  /** The user↔policy links of the seed ("user policy"), which the fault `policy-not-applied` keeps. */
  private readonly seededLinks = new Set<string>();

  constructor(options: StateOptions = {}) {
    this.clock = options.clock ?? new AdjustableClock();
    this.maxUserSessions = options.maxUserSessions ?? DEFAULT_MAX_USER_SESSIONS;
    this.defaultUserPolicy = options.defaultUserPolicy ?? DEFAULT_USER_POLICY;
    this.xivoUuid = options.xivoUuid ?? XIVO_UUID;
    this.seedUsers = options.users ?? DEFAULT_USERS;
    this.faults = options.faults ?? new Set();
    const played = options.release ?? playRelease();
    // Fault `release-behaviours-flipped`: every release-dependent behaviour answers the other way.
    this.release = { name: played.name, has: (behaviour) => played.has(behaviour) !== this.faults.has('release-behaviours-flipped') };
    this.reset();
  }

  now(): number {
    return this.clock.now();
  }

  /** Back to the seeded users, no tokens, no clock offset. */
  reset(): void {
    this.users.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.mails.clear();
    this.ldapConfigs.clear();
    this.samlConfigs.clear();
    this.external.clear();
    this.serviceConfig.clear();
    this.clock.reset();
    this.tenants.reset(DEFAULT_TENANT_UUID);
    this.tokenAcls.clear();
    this.seededLinks.clear();
    this.seedPolicies();
    for (const user of this.seedUsers) {
      // A users file may name other tenants: they become sub-tenants of the master tenant.
      if (!this.tenants.get(user.tenant_uuid)) {
        this.tenants.create(DEFAULT_TENANT_UUID, { name: null, contact: null, phone: null, defaultAuthenticationMethod: 'native', domainNames: [], address: { ...EMPTY_ADDRESS } }, { uuid: user.tenant_uuid });
      }
      const record = this.users.seed(user);
      this.grantSeedAcl(record.uuid, user);
    }
  }

  /** The default policies and the all-users group of every tenant the seed users are in (GET /policies, /groups on a fresh wazo-auth). */
  private seedPolicies(): void {
    this.policies.clear();
    const tenants = new Set([DEFAULT_TENANT_UUID, ...this.seedUsers.map((u) => u.tenant_uuid)]);
    for (const tenantUuid of tenants) this.seedTenant(tenantUuid);
  }

  /** What a tenant starts with: the three default policies and its all-users group (for the lead's tenant creation). */
  seedTenant(tenantUuid: string): void {
    for (const p of DEFAULT_POLICIES) {
      const acl = p.name === DEFAULT_USER_POLICY_NAME ? this.defaultUserPolicy : p.acl;
      this.policies.createPolicy({ tenantUuid, name: p.name, slug: p.name, description: p.description, acl, readOnly: p.readOnly });
    }
    const name = `wazo-all-users-tenant-${tenantUuid}`;
    this.policies.createGroup({ tenantUuid, name, slug: name, systemManaged: true });
  }

  /** A users-file `acl`: `['#']` is the master user policy; anything else a policy of the user's own. */
  private grantSeedAcl(userUuid: string, user: SeedUser): void {
    if (user.acl.length === 0) return;
    const tenants = new Set([user.tenant_uuid]);
    let policy = user.acl.length === 1 && user.acl[0] === '#' ? this.policies.findPolicy(MASTER_USER_POLICY_NAME, tenants) : undefined;
    policy ??= this.policies.createPolicy({ tenantUuid: user.tenant_uuid, name: `mock-acl-${user.username}`, description: 'The acl of the users file', acl: user.acl });
    this.policies.addUserPolicy(userUuid, policy.uuid);
    this.seededLinks.add(`${userUuid} ${policy.uuid}`);
  }

  /**
   * A user's token ACL as upstream's `wazo_user` backend builds it: the default user policy, then the
   * policies of the user's groups (the tenant's all-users group included; groups and policies by name),
   * then the user's own policies. Not deduplicated (measured: an access in two policies is there twice).
   * Templates are not rendered: `{{ user_uuid }}` stays as written (measured on every release).
   */
  computeAcl(user: UserRecord): string[] {
    const tenants = new Set([user.tenantUuid]);
    const acl = [...(this.policies.findPolicy(DEFAULT_USER_POLICY_NAME, tenants)?.acl ?? [])];
    const groups = [...this.policies.groupsOfUser(user.uuid)];
    const all = this.policies.allUsersGroup(user.tenantUuid);
    if (all) groups.push(all);
    groups.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const group of groups) {
      // Fault `group-policy-ignored`: the policies of the user's groups do not reach the token.
      if (this.faults.has('group-policy-ignored')) break;
      for (const policy of this.policies.policiesOfGroup(group.uuid)) acl.push(...policy.acl);
    }
    // Fault `policy-not-applied`: a policy given to the user (through the API: not the seeded ones, which
    // make the admin an admin) does not reach its tokens.
    const skipGiven = this.faults.has('policy-not-applied');
    for (const policy of this.policies.policiesOfUser(user.uuid)) {
      if (!skipGiven || this.seededLinks.has(`${user.uuid} ${policy.uuid}`)) acl.push(...policy.acl);
    }
    return acl;
  }

  /** The enabled user with this login and password; undefined otherwise (no hint why). */
  authenticate(login: string, password: string): UserRecord | undefined {
    let user = this.users.findByLogin(login);
    // Fault `unconfirmed-email-login`: any address of a user is a login, confirmed or not.
    if (!user && this.faults.has('unconfirmed-email-login')) user = this.users.list().find((u) => u.emails.some((e) => e.address === login));
    if (!user || !user.enabled || user.password === null || user.password !== password) return undefined;
    // A user linked to an external identity provider (PUT /idp/{saml|ldap}/users/{uuid}) no longer logs
    // in with its password (real 25.01, 26.05: 401).
    if (user.authenticationMethod !== 'default' && user.authenticationMethod !== 'native') return undefined;
    return user;
  }

  /**
   * Logs a user in. With `offline`, also returns a refresh token for (user, client_id): a desktop
   * login returns the existing one (obs. 2b); from 26.05 (`mobile-refresh-token-rotation`) a mobile
   * login issues a new one and revokes every earlier mobile refresh token of the user, whatever its
   * client_id, with the sessions created with them (obs. 11c: 1 revoked, 11g: 2 revoked; online mobile
   * sessions survive, obs. 11i); before, it is a login like any other.
   */
  login(user: UserRecord, request: TokenRequest, offline?: { clientId: string }): IssueResult {
    const now = this.now();
    if (this.limitsSessions(user, now)) {
      return { ok: false, reason: 'too-many-sessions', userUuid: user.uuid };
    }
    let refreshToken: RefreshTokenRecord | undefined;
    let sessionsRevoked = 0;
    if (offline) {
      const existing = this.refreshTokens.find(user.uuid, offline.clientId);
      if (request.mobile && this.release.has('mobile-refresh-token-rotation')) {
        for (const earlier of this.refreshTokens.forUser(user.uuid)) {
          if (!earlier.mobile) continue;
          sessionsRevoked += this.accessTokens.removeByRefreshToken(earlier.token, now);
          this.refreshTokens.remove(earlier.token);
        }
      } else if (existing) {
        refreshToken = existing;
      }
      if (!refreshToken) {
        refreshToken = {
          token: randomUuid(),
          clientId: offline.clientId,
          userUuid: user.uuid,
          tenantUuid: user.tenantUuid,
          mobile: request.mobile,
          createdAtMs: now,
        };
        this.refreshTokens.add(refreshToken);
      }
    }
    const token = this.issue(user, request, now, refreshToken?.token);
    return { ok: true, token, refreshToken, sessionsRevoked };
  }

  /**
   * The refresh-token grant: a new access token for the refresh token's user, if `clientId` matches the
   * one it was created for (obs. 3a, 4a). An access token is not a refresh token (obs. 6a).
   */
  refresh(refreshTokenValue: string, clientId: string, request: TokenRequest): IssueResult {
    const refreshToken = this.refreshTokens.get(refreshTokenValue);
    if (!refreshToken || refreshToken.clientId !== clientId) return { ok: false, reason: 'authentication-failed' };
    const user = this.users.get(refreshToken.userUuid);
    if (!user || !user.enabled) return { ok: false, reason: 'authentication-failed' };
    const now = this.now();
    if (this.limitsSessions(user, now)) {
      return { ok: false, reason: 'too-many-sessions', userUuid: user.uuid };
    }
    const token = this.issue(user, request, now, refreshToken.token);
    return { ok: true, token, sessionsRevoked: 0 };
  }

  /** Whether a new session would pass the user's limit (from 24.09, `session-limit`; obs. 13a). */
  private limitsSessions(user: UserRecord, now: number): boolean {
    return this.release.has('session-limit') && this.accessTokens.userHasAtLeast(user.uuid, this.maxUserSessions, now);
  }

  /** The live access token, or undefined (unknown, expired, revoked, or a refresh token). */
  findAccessToken(token: string): AccessTokenRecord | undefined {
    return this.accessTokens.get(token, this.now());
  }

  /** Ends an access token and its session; unknown tokens are fine (obs. 8f2). */
  revokeAccessToken(token: string): void {
    this.accessTokens.remove(token);
  }

  /** Forces an access token to expire now (developer control). */
  expireAccessToken(token: string): boolean {
    const record = this.findAccessToken(token);
    if (!record) return false;
    record.expiresAtMs = this.now();
    this.accessTokens.remove(token);
    return true;
  }

  /**
   * Changes a password when the old one is right, then, from 26.04 (`password-change-revokes-sessions`),
   * ends every session of the user (obs. 10f8, 10f9). Refresh tokens are kept: the recording does not
   * show them revoked. `endSessions` overrides the release (the behaviour fault
   * `password-change-keeps-sessions`).
   */
  changePassword(
    userUuid: string,
    oldPassword: string,
    newPassword: string,
    { endSessions = this.release.has('password-change-revokes-sessions') } = {},
  ): 'changed' | 'wrong-password' | 'unknown-user' {
    const user = this.users.get(userUuid);
    if (!user) return 'unknown-user';
    if (user.password === null || user.password !== oldPassword) return 'wrong-password';
    this.users.setPassword(userUuid, newPassword);
    if (endSessions) this.accessTokens.removeForUser(userUuid, this.now());
    return 'changed';
  }

  /**
   * Deletes a user. Its access tokens stay valid, as in the real service (obs. 13b); its refresh
   * tokens go, so that they cannot mint new tokens for a user that no longer exists.
   */
  deleteUser(userUuid: string): boolean {
    if (!this.users.delete(userUuid)) return false;
    this.policies.forgetUser(userUuid);
    this.tokenAcls.delete(userUuid);
    this.external.forgetUser(userUuid);
    for (const refreshToken of this.refreshTokens.forUser(userUuid)) this.refreshTokens.remove(refreshToken.token);
    return true;
  }

  /**
   * Deletes a tenant with its users, policies and groups (observed on 24.01–master: the users are gone,
   * as in upstream's cascading foreign keys). The users' tokens stay valid, as for a deleted user (obs. 13b).
   */
  deleteTenant(tenantUuid: string): boolean {
    if (!this.tenants.get(tenantUuid)) return false;
    for (const user of this.users.list()) if (user.tenantUuid === tenantUuid) this.deleteUser(user.uuid);
    // Its policies and groups go with it (upstream's cascading foreign keys).
    const own = new Set([tenantUuid]);
    for (const group of this.policies.listGroups(own)) this.policies.deleteGroup(group.uuid);
    for (const policy of this.policies.listPolicies(own)) this.policies.deletePolicy(policy.uuid);
    this.samlConfigs.delete(tenantUuid);
    return this.tenants.delete(tenantUuid);
  }

  /**
   * The tenant's SAML configuration. It lasts while the tenant has the domain it names: deleting the
   * tenant, or taking the domain out of its `domain_names`, deletes it (upstream's cascading foreign
   * keys; observed on 25.01, 26.05 and master).
   */
  samlConfig(tenantUuid: string): SamlConfigRecord | undefined {
    const config = this.samlConfigs.get(tenantUuid);
    if (config && !this.tenants.get(tenantUuid)?.domains.some((d) => d.uuid === config.domainUuid)) this.samlConfigs.delete(tenantUuid);
    return this.samlConfigs.get(tenantUuid);
  }

  setSamlConfig(config: SamlConfigRecord): void {
    this.samlConfigs.set(config.tenantUuid, config);
  }

  deleteSamlConfig(tenantUuid: string): void {
    this.samlConfigs.delete(tenantUuid);
  }

  /** Every SAML configuration still in force. */
  listSamlConfigs(): SamlConfigRecord[] {
    return [...this.samlConfigs.keys()].map((tenant) => this.samlConfig(tenant)).filter((c): c is SamlConfigRecord => c !== undefined);
  }

  /** Drops expired tokens and their sessions; see {@link AccessTokenStore.sweep}. */
  sweep(): Promise<number> {
    return this.accessTokens.sweep(() => this.now());
  }

  private tokenAcl(user: UserRecord): readonly string[] {
    // The two faults that change the ACL may be switched at run time (/_mock/faults): they are part of the key.
    const version = this.policies.version * 4 + (this.faults.has('policy-not-applied') ? 1 : 0) + (this.faults.has('group-policy-ignored') ? 2 : 0);
    const cached = this.tokenAcls.get(user.uuid);
    if (cached && cached.version === version) return cached.acl;
    const acl = Object.freeze(this.computeAcl(user));
    this.tokenAcls.set(user.uuid, { version, acl });
    return acl;
  }

  private issue(user: UserRecord, request: TokenRequest, now: number, refreshToken: string | undefined): AccessTokenRecord {
    const record: AccessTokenRecord = {
      token: randomUuid(),
      sessionUuid: randomUuid(),
      userUuid: user.uuid,
      tenantUuid: user.tenantUuid,
      purpose: user.purpose,
      pbxUserUuid: user.purpose === 'user' ? user.uuid : null,
      acl: this.tokenAcl(user),
      issuedAtMs: now,
      expiresAtMs: now + request.expirationSeconds * 1000,
      mobile: request.mobile,
      refreshToken,
      remoteAddr: this.strings.intern(request.remoteAddr),
      userAgent: this.strings.intern(request.userAgent),
    };
    this.accessTokens.add(record);
    return record;
  }
}

/** Shares equal strings (client addresses, user agents: a handful of values over many tokens), up to `limit` distinct ones. */
class InternTable {
  private readonly table = new Map<string, string>();
  constructor(private readonly limit: number) {}

  intern(value: string): string {
    const known = this.table.get(value);
    if (known !== undefined) return known;
    if (this.table.size < this.limit) this.table.set(value, value);
    return value;
  }
}

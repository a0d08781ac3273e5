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
import { DEFAULT_MAX_USER_SESSIONS, DEFAULT_USER_POLICY, DEFAULT_USERS, XIVO_UUID, type SeedUser } from './seed.ts';
import { UserStore, type UserRecord } from './users.ts';
import { playRelease, type PlayedRelease } from '../release.ts';

export type { AccessTokenRecord } from './access-tokens.ts';
export type { RefreshTokenRecord } from './refresh-tokens.ts';
export type { UserRecord, EmailRecord } from './users.ts';
export type { SeedUser } from './seed.ts';

/** How the state is set up. Every field has a default. */
export interface StateOptions {
  /** Users to seed (and to re-seed on reset); default admin and alice. */
  users?: readonly SeedUser[];
  /** Live sessions a user may hold; the next login gets 429. Default 100 (obs. 13a). */
  maxUserSessions?: number;
  /** ACL every token carries before the user's own. Default: the recording's default user policy. */
  defaultUserPolicy?: readonly string[];
  xivoUuid?: string;
  clock?: AdjustableClock;
  /** The behaviour faults in force (live); only `expired-tokens-valid` reaches the state. */
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
  // Fault `expired-tokens-valid` (mock/faults.ts): expiry is not enforced while it is on.
  readonly accessTokens = new AccessTokenStore(() => !this.faults.has('expired-tokens-valid'));
  readonly refreshTokens = new RefreshTokenStore();
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
   * One frozen ACL per user ACL, shared by all the tokens issued with it (a token keeps the ACL it was
   * issued with: a user's ACL is replaced, never changed in place). With addresses and user agents
   * interned, a live token costs its own strings and indexes only (docs/scale.md).
   */
  private readonly tokenAcls = new WeakMap<readonly string[], readonly string[]>();
  private readonly strings = new InternTable(1024);

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
    this.external.clear();
    this.serviceConfig.clear();
    this.clock.reset();
    for (const user of this.seedUsers) this.users.seed(user);
  }

  /** The enabled user with this login and password; undefined otherwise (no hint why). */
  authenticate(login: string, password: string): UserRecord | undefined {
    const user = this.users.findByLogin(login);
    if (!user || !user.enabled || user.password === null || user.password !== password) return undefined;
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
    this.external.forgetUser(userUuid);
    for (const refreshToken of this.refreshTokens.forUser(userUuid)) this.refreshTokens.remove(refreshToken.token);
    return true;
  }

  /** Drops expired tokens and their sessions; see {@link AccessTokenStore.sweep}. */
  sweep(): Promise<number> {
    return this.accessTokens.sweep(() => this.now());
  }

  private tokenAcl(user: UserRecord): readonly string[] {
    let acl = this.tokenAcls.get(user.acl);
    if (!acl) {
      acl = Object.freeze([...this.defaultUserPolicy, ...user.acl]);
      this.tokenAcls.set(user.acl, acl);
    }
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

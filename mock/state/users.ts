/**
 * The users the mock knows, indexed for O(1) lookups by UUID and by login (username or confirmed email
 * address: upstream `verify_password` accepts either).
 */
import { randomUuid } from './uuid.ts';
import type { SeedUser } from './seed.ts';

/** One email address of a user. */
export interface EmailRecord {
  uuid: string;
  address: string;
  main: boolean;
  confirmed: boolean;
}

/** A user as the mock stores it. The password is kept in clear: this is a development mock. */
export interface UserRecord {
  uuid: string;
  username: string | null;
  password: string | null;
  firstname: string | null;
  lastname: string | null;
  purpose: string;
  enabled: boolean;
  tenantUuid: string;
  authenticationMethod: string;
  emails: EmailRecord[];
  /** The user's own ACL, granted on top of the default user policy. Replaced, never changed in place. */
  readonly acl: readonly string[];
}

/** Fields a caller may set when creating a user. */
export interface NewUser {
  uuid?: string;
  username: string | null;
  password: string | null;
  firstname: string | null;
  lastname: string | null;
  emailAddress: string | null;
  purpose: string;
  enabled: boolean;
  tenantUuid: string;
  authenticationMethod?: string;
  acl?: string[];
  /** Admin-created addresses are confirmed (obs. 10a). */
  emailConfirmed?: boolean;
}

/** The store of users. */
export class UserStore {
  private readonly byUuid = new Map<string, UserRecord>();
  private readonly byLogin = new Map<string, string>();

  /** Creates a user; the caller has already checked for conflicts with {@link loginTaken}. */
  create(input: NewUser): UserRecord {
    const user: UserRecord = {
      uuid: input.uuid ?? randomUuid(),
      username: input.username,
      password: input.password,
      firstname: input.firstname,
      lastname: input.lastname,
      purpose: input.purpose,
      enabled: input.enabled,
      tenantUuid: input.tenantUuid,
      authenticationMethod: input.authenticationMethod ?? 'default',
      emails: input.emailAddress
        ? [{ uuid: randomUuid(), address: input.emailAddress, main: true, confirmed: input.emailConfirmed ?? true }]
        : [],
      acl: [...(input.acl ?? [])],
    };
    this.byUuid.set(user.uuid, user);
    this.index(user);
    return user;
  }

  /** Adds a user from a users file or the defaults. */
  seed(user: SeedUser): UserRecord {
    return this.create({
      uuid: user.uuid,
      username: user.username,
      password: user.password,
      firstname: user.firstname,
      lastname: user.lastname,
      emailAddress: user.email,
      purpose: user.purpose,
      enabled: true,
      tenantUuid: user.tenant_uuid,
      authenticationMethod: user.authentication_method,
      acl: user.acl,
    });
  }

  get(uuid: string): UserRecord | undefined {
    return this.byUuid.get(uuid);
  }

  has(uuid: string): boolean {
    return this.byUuid.has(uuid);
  }

  /** The user whose username or confirmed email address is `login`. */
  findByLogin(login: string): UserRecord | undefined {
    const uuid = this.byLogin.get(login);
    return uuid === undefined ? undefined : this.byUuid.get(uuid);
  }

  /** Whether `login` is already someone's username or email address (other than `exceptUuid`'s). */
  loginTaken(login: string, exceptUuid?: string): boolean {
    const owner = this.byLogin.get(login);
    return owner !== undefined && owner !== exceptUuid;
  }

  /** Users in insertion order. */
  list(): UserRecord[] {
    return [...this.byUuid.values()];
  }

  get size(): number {
    return this.byUuid.size;
  }

  /** Replaces the editable fields of a user (PUT semantics: the caller passes every field). */
  replace(uuid: string, fields: Pick<UserRecord, 'username' | 'firstname' | 'lastname' | 'purpose' | 'enabled'>): UserRecord | undefined {
    const user = this.byUuid.get(uuid);
    if (!user) return undefined;
    this.unindex(user);
    Object.assign(user, fields);
    this.index(user);
    return user;
  }

  /** Replaces a user's email addresses, its logins re-indexed (PUT /users/{uuid}/emails). */
  setEmails(uuid: string, emails: EmailRecord[]): UserRecord | undefined {
    const user = this.byUuid.get(uuid);
    if (!user) return undefined;
    this.unindex(user);
    user.emails = emails;
    this.index(user);
    return user;
  }

  /** Marks an address confirmed (it becomes a login); the user holding it, or undefined. */
  confirmEmail(emailUuid: string): UserRecord | undefined {
    const found = this.findEmail(emailUuid);
    if (!found) return undefined;
    found.email.confirmed = true;
    this.index(found.user);
    return found.user;
  }

  /** The address `emailUuid` and its user (a scan: addresses are looked up by uuid only on the email endpoints). */
  findEmail(emailUuid: string): { user: UserRecord; email: EmailRecord } | undefined {
    for (const user of this.byUuid.values()) for (const email of user.emails) if (email.uuid === emailUuid) return { user, email };
    return undefined;
  }

  /**
   * Whether `address` is another user's username or address, confirmed or not, in any case (upstream
   * `login_exists`, which PUT /users/{uuid}/emails checks; observed 409 for an upper-cased address).
   */
  addressTaken(address: string, exceptUuid: string): boolean {
    const wanted = address.toLowerCase();
    for (const user of this.byUuid.values()) {
      if (user.uuid === exceptUuid) continue;
      if (user.username?.toLowerCase() === wanted) return true;
      if (user.emails.some((email) => email.address.toLowerCase() === wanted)) return true;
    }
    return false;
  }

  setPassword(uuid: string, password: string | null): void {
    const user = this.byUuid.get(uuid);
    if (user) user.password = password;
  }

  delete(uuid: string): boolean {
    const user = this.byUuid.get(uuid);
    if (!user) return false;
    this.unindex(user);
    return this.byUuid.delete(uuid);
  }

  clear(): void {
    this.byUuid.clear();
    this.byLogin.clear();
  }

  private index(user: UserRecord): void {
    if (user.username) this.byLogin.set(user.username, user.uuid);
    for (const email of user.emails) if (email.confirmed) this.byLogin.set(email.address, user.uuid);
  }

  private unindex(user: UserRecord): void {
    if (user.username && this.byLogin.get(user.username) === user.uuid) this.byLogin.delete(user.username);
    for (const email of user.emails) if (this.byLogin.get(email.address) === user.uuid) this.byLogin.delete(email.address);
  }
}

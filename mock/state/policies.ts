/**
 * Policies, groups and their links (user↔policy, group↔policy, user↔group), as upstream stores them
 * (`wazo_auth/database/queries/policy.py`, `group.py`). Every change bumps {@link PolicyStore.version}
 * so that the state can cache each user's token ACL and drop the cache only when something changed.
 * Nothing here knows about HTTP.
 */
import { randomUuid } from './uuid.ts';

/** A policy. `acl` is kept in the order upstream's `auth_access` ids give it (first seen, first). */
export interface PolicyRecord {
  uuid: string;
  tenantUuid: string;
  name: string;
  slug: string;
  description: string | null;
  acl: string[];
  /** Config-managed (the default policies): PUT and DELETE answer 403. */
  readOnly: boolean;
  shared: boolean;
}

/** A group. `systemManaged` groups (the tenant's all-users group) refuse changes and membership edits. */
export interface GroupRecord {
  uuid: string;
  tenantUuid: string;
  name: string;
  slug: string;
  systemManaged: boolean;
}

/** Fields of a new policy. */
export interface NewPolicy {
  uuid?: string;
  tenantUuid: string;
  name: string;
  slug?: string | null;
  description?: string | null;
  acl?: readonly string[];
  readOnly?: boolean;
  shared?: boolean;
}

/** Upstream `Slug.from_name`: only `[a-zA-Z0-9_-]`, at most 80 characters. */
export function slugFromName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '').slice(0, 80);
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The store of policies, groups and their links. */
export class PolicyStore {
  private readonly policies = new Map<string, PolicyRecord>();
  private readonly groups = new Map<string, GroupRecord>();
  /** user uuid → policy uuids; group uuid → policy uuids; group uuid → user uuids. */
  private readonly userPolicies = new Map<string, Set<string>>();
  private readonly groupPolicies = new Map<string, Set<string>>();
  private readonly groupUsers = new Map<string, Set<string>>();
  /** Upstream's `auth_access` table: an access keeps the id it got when first stored, and a policy's ACL reads in that order. */
  private readonly accessIds = new Map<string, number>();
  private changes = 0;

  /** Bumped by every change that may change a token ACL. */
  get version(): number {
    return this.changes;
  }

  clear(): void {
    this.policies.clear();
    this.groups.clear();
    this.userPolicies.clear();
    this.groupPolicies.clear();
    this.groupUsers.clear();
    this.accessIds.clear();
    this.changes += 1;
  }

  /** Deduplicated, in access-id order (what upstream's many-to-many read returns). */
  private normalise(acl: readonly string[]): string[] {
    for (const access of acl) if (!this.accessIds.has(access)) this.accessIds.set(access, this.accessIds.size);
    return [...new Set(acl)].sort((a, b) => this.accessIds.get(a)! - this.accessIds.get(b)!);
  }

  // --- policies ---

  /** Whether a policy of `tenantUuid` already has this name or slug (upstream's unique constraints). */
  policyConflicts(tenantUuid: string, name: string, slug: string | null, exceptUuid?: string): boolean {
    for (const p of this.policies.values()) {
      if (p.uuid === exceptUuid || p.tenantUuid !== tenantUuid) continue;
      if (p.name === name || (slug !== null && p.slug === slug)) return true;
    }
    return false;
  }

  /** A slug from the name, or a random one when taken or empty (upstream `_generate_slug`). */
  private freeSlug(name: string, tenantUuid: string): string {
    const taken = (slug: string) => [...this.policies.values()].some((p) => p.tenantUuid === tenantUuid && p.slug === slug);
    const slug = slugFromName(name);
    if (slug && !taken(slug)) return slug;
    for (;;) {
      const random = randomUuid().replace(/-/g, '').slice(0, 3);
      if (!taken(random)) return random;
    }
  }

  createPolicy(input: NewPolicy): PolicyRecord {
    const policy: PolicyRecord = {
      uuid: input.uuid ?? randomUuid(),
      tenantUuid: input.tenantUuid,
      name: input.name,
      slug: input.slug ?? this.freeSlug(input.name, input.tenantUuid),
      description: input.description ?? null,
      acl: this.normalise(input.acl ?? []),
      readOnly: input.readOnly ?? false,
      shared: input.shared ?? false,
    };
    this.policies.set(policy.uuid, policy);
    this.changes += 1;
    return policy;
  }

  /** A policy by UUID or by slug (upstream routes both), among `tenants` when given. */
  findPolicy(key: string, tenants?: ReadonlySet<string>): PolicyRecord | undefined {
    const visible = (p: PolicyRecord | undefined) => (p && (!tenants || tenants.has(p.tenantUuid)) ? p : undefined);
    const direct = visible(this.policies.get(key.toLowerCase()));
    if (direct) return direct;
    for (const p of this.policies.values()) if (p.slug === key && visible(p)) return p;
    return undefined;
  }

  listPolicies(tenants?: ReadonlySet<string>): PolicyRecord[] {
    return [...this.policies.values()].filter((p) => !tenants || tenants.has(p.tenantUuid));
  }

  /** Replaces name, description and ACL (PUT); the slug never changes. */
  updatePolicy(uuid: string, fields: { name: string; description: string | null; acl: readonly string[] }): PolicyRecord | undefined {
    const policy = this.policies.get(uuid);
    if (!policy) return undefined;
    policy.name = fields.name;
    policy.description = fields.description;
    policy.acl = this.normalise(fields.acl);
    this.changes += 1;
    return policy;
  }

  /** Adds one access; false when the policy already has it (upstream answers 409). */
  addAccess(uuid: string, access: string): boolean {
    const policy = this.policies.get(uuid);
    if (!policy || policy.acl.includes(access)) return false;
    policy.acl = this.normalise([...policy.acl, access]);
    this.changes += 1;
    return true;
  }

  /** Removes one access; absent is fine. */
  removeAccess(uuid: string, access: string): void {
    const policy = this.policies.get(uuid);
    if (!policy) return;
    policy.acl = policy.acl.filter((a) => a !== access);
    this.changes += 1;
  }

  /** Deletes a policy and every link to it. */
  deletePolicy(uuid: string): boolean {
    if (!this.policies.delete(uuid)) return false;
    for (const set of this.userPolicies.values()) set.delete(uuid);
    for (const set of this.groupPolicies.values()) set.delete(uuid);
    this.changes += 1;
    return true;
  }

  // --- groups ---

  groupConflicts(tenantUuid: string, name: string, slug: string | null, exceptUuid?: string): boolean {
    for (const g of this.groups.values()) {
      if (g.uuid === exceptUuid || g.tenantUuid !== tenantUuid) continue;
      if (g.name === name || (slug !== null && g.slug === slug)) return true;
    }
    return false;
  }

  createGroup(input: { uuid?: string; tenantUuid: string; name: string; slug?: string | null; systemManaged?: boolean }): GroupRecord {
    const taken = (slug: string) => [...this.groups.values()].some((g) => g.tenantUuid === input.tenantUuid && g.slug === slug);
    let slug = input.slug ?? slugFromName(input.name);
    while (!slug || (input.slug == null && taken(slug))) slug = randomUuid().replace(/-/g, '').slice(0, 3);
    const group: GroupRecord = { uuid: input.uuid ?? randomUuid(), tenantUuid: input.tenantUuid, name: input.name, slug, systemManaged: input.systemManaged ?? false };
    this.groups.set(group.uuid, group);
    return group;
  }

  findGroup(uuid: string, tenants?: ReadonlySet<string>): GroupRecord | undefined {
    const group = this.groups.get(uuid.toLowerCase());
    return group && (!tenants || tenants.has(group.tenantUuid)) ? group : undefined;
  }

  listGroups(tenants?: ReadonlySet<string>): GroupRecord[] {
    return [...this.groups.values()].filter((g) => !tenants || tenants.has(g.tenantUuid));
  }

  renameGroup(uuid: string, name: string): GroupRecord | undefined {
    const group = this.groups.get(uuid);
    if (group) group.name = name;
    this.changes += 1;
    return group;
  }

  deleteGroup(uuid: string): boolean {
    if (!this.groups.delete(uuid)) return false;
    this.groupPolicies.delete(uuid);
    this.groupUsers.delete(uuid);
    this.changes += 1;
    return true;
  }

  /** The all-users group of a tenant (upstream `wazo-all-users-tenant-<uuid>`). */
  allUsersGroup(tenantUuid: string): GroupRecord | undefined {
    return [...this.groups.values()].find((g) => g.systemManaged && g.tenantUuid === tenantUuid);
  }

  // --- links ---

  private link(map: Map<string, Set<string>>, from: string, to: string): void {
    let set = map.get(from);
    if (!set) map.set(from, (set = new Set()));
    set.add(to);
    this.changes += 1;
  }

  private unlink(map: Map<string, Set<string>>, from: string, to: string): void {
    map.get(from)?.delete(to);
    this.changes += 1;
  }

  addUserPolicy(userUuid: string, policyUuid: string): void {
    this.link(this.userPolicies, userUuid, policyUuid);
  }
  removeUserPolicy(userUuid: string, policyUuid: string): void {
    this.unlink(this.userPolicies, userUuid, policyUuid);
  }
  addGroupPolicy(groupUuid: string, policyUuid: string): void {
    this.link(this.groupPolicies, groupUuid, policyUuid);
  }
  removeGroupPolicy(groupUuid: string, policyUuid: string): void {
    this.unlink(this.groupPolicies, groupUuid, policyUuid);
  }
  addGroupUser(groupUuid: string, userUuid: string): void {
    this.link(this.groupUsers, groupUuid, userUuid);
  }
  removeGroupUser(groupUuid: string, userUuid: string): void {
    this.unlink(this.groupUsers, groupUuid, userUuid);
  }

  /** Forgets a deleted user's links. */
  forgetUser(userUuid: string): void {
    this.userPolicies.delete(userUuid);
    for (const users of this.groupUsers.values()) users.delete(userUuid);
    this.changes += 1;
  }

  /** A user's own policies, by name (upstream's default order). */
  policiesOfUser(userUuid: string): PolicyRecord[] {
    return [...(this.userPolicies.get(userUuid) ?? [])].map((u) => this.policies.get(u)).filter((p) => p !== undefined).sort(byName);
  }

  policiesOfGroup(groupUuid: string): PolicyRecord[] {
    return [...(this.groupPolicies.get(groupUuid) ?? [])].map((u) => this.policies.get(u)).filter((p) => p !== undefined).sort(byName);
  }

  /** The user UUIDs of a group (the all-users group holds every user of its tenant: the caller adds them). */
  usersOfGroup(groupUuid: string): string[] {
    return [...(this.groupUsers.get(groupUuid) ?? [])];
  }

  /** The groups a user was added to (without the all-users group), by name. */
  groupsOfUser(userUuid: string): GroupRecord[] {
    const out: GroupRecord[] = [];
    for (const [groupUuid, users] of this.groupUsers) {
      const group = this.groups.get(groupUuid);
      if (group && users.has(userUuid)) out.push(group);
    }
    return out.sort(byName);
  }
}

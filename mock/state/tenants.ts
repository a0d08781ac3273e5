/**
 * Tenants: a tree under the master tenant (its own parent). A caller acts in its token's tenant or, with
 * `Wazo-Tenant`, in any tenant of that tenant's subtree; everything outside is invisible to it (the real
 * service answers 404 for a tenant outside the subtree and 401 `unauthorized-tenant` for such a
 * `Wazo-Tenant`, observed on 24.01–master). Slugs follow upstream `wazo_auth/slug.py`: from the name
 * (letters, digits, `_`, at most 10), or 3 random lowercase letters and digits when that is empty or taken.
 */
import { randomUuid } from './uuid.ts';

/** A tenant's postal address; every line may be null. */
export interface TenantAddress {
  line_1: string | null;
  line_2: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  zip_code: string | null;
}

/** A tenant as the mock stores it. */
export interface TenantRecord {
  uuid: string;
  parentUuid: string;
  name: string | null;
  slug: string;
  contact: string | null;
  phone: string | null;
  defaultAuthenticationMethod: string;
  /** The tenant's domain names, each with the uuid GET /tenants/{uuid}/domains shows. */
  domains: { uuid: string; name: string }[];
  address: TenantAddress;
}

/** The fields a creation or a replacement sets (PUT replaces: what is omitted gets its default). */
export type TenantFields = Pick<TenantRecord, 'name' | 'contact' | 'phone' | 'defaultAuthenticationMethod' | 'address'> & { domainNames: string[] };

/** An address with every line null. */
export const EMPTY_ADDRESS: Readonly<TenantAddress> = Object.freeze({ line_1: null, line_2: null, city: null, state: null, country: null, zip_code: null });

const SLUG_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The store of tenants. */
export class TenantStore {
  private readonly byUuid = new Map<string, TenantRecord>();
  private masterUuid = '';

  /** Empties the store and creates the master tenant. */
  reset(masterUuid: string): void {
    this.byUuid.clear();
    this.masterUuid = masterUuid;
    this.byUuid.set(masterUuid, {
      uuid: masterUuid,
      parentUuid: masterUuid,
      name: 'master',
      slug: 'master',
      contact: null,
      phone: null,
      defaultAuthenticationMethod: 'native',
      domains: [],
      address: { ...EMPTY_ADDRESS },
    });
  }

  get master(): string {
    return this.masterUuid;
  }

  get(uuid: string): TenantRecord | undefined {
    return this.byUuid.get(uuid);
  }

  slugTaken(slug: string): boolean {
    for (const tenant of this.byUuid.values()) if (tenant.slug === slug) return true;
    return false;
  }

  /** Creates a sub-tenant of `parentUuid`; the caller has checked the uuid and slug for conflicts. */
  create(parentUuid: string, fields: TenantFields, options: { uuid?: string; slug?: string | null } = {}): TenantRecord {
    const { domainNames, ...rest } = fields;
    const tenant: TenantRecord = { uuid: options.uuid ?? randomUuid(), parentUuid, slug: options.slug || this.newSlug(fields.name), ...rest, domains: [] };
    tenant.domains = this.domainsFor(tenant, domainNames);
    this.byUuid.set(tenant.uuid, tenant);
    return tenant;
  }

  replace(uuid: string, fields: TenantFields): TenantRecord | undefined {
    const tenant = this.byUuid.get(uuid);
    if (!tenant) return undefined;
    const { domainNames, ...rest } = fields;
    Object.assign(tenant, rest);
    tenant.domains = this.domainsFor(tenant, domainNames);
    return tenant;
  }

  /** The first of `names` another tenant already has, if any (domain names are unique across tenants). */
  domainTaken(names: readonly string[], exceptUuid?: string): string | undefined {
    for (const tenant of this.byUuid.values()) {
      if (tenant.uuid === exceptUuid) continue;
      const found = names.find((name) => tenant.domains.some((d) => d.name === name));
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private domainsFor(tenant: TenantRecord, names: readonly string[]): { uuid: string; name: string }[] {
    return [...new Set(names)].map((name) => tenant.domains.find((d) => d.name === name) ?? { uuid: randomUuid(), name });
  }

  setParent(uuid: string, parentUuid: string): void {
    const tenant = this.byUuid.get(uuid);
    if (tenant) tenant.parentUuid = parentUuid;
  }

  delete(uuid: string): boolean {
    return uuid !== this.masterUuid && this.byUuid.delete(uuid);
  }

  hasChildren(uuid: string): boolean {
    for (const tenant of this.byUuid.values()) if (tenant.parentUuid === uuid && tenant.uuid !== uuid) return true;
    return false;
  }

  /** `top` and every tenant below it, `top` first then in creation order; empty when `top` is unknown. */
  subtree(top: string): TenantRecord[] {
    const root = this.byUuid.get(top);
    if (!root) return [];
    const inside = new Set([top]);
    const out = [root];
    // Creation order puts parents before children, except after a parent change: loop until stable.
    for (let grew = true; grew; ) {
      grew = false;
      for (const tenant of this.byUuid.values()) {
        if (!inside.has(tenant.uuid) && inside.has(tenant.parentUuid)) {
          inside.add(tenant.uuid);
          out.push(tenant);
          grew = true;
        }
      }
    }
    return out;
  }

  /** Whether `uuid` is `top` or below it. */
  within(top: string, uuid: string): boolean {
    let current = this.byUuid.get(uuid);
    // Bounded by the number of tenants: a parent change can never make the walk loop forever.
    for (let steps = 0; current && steps <= this.byUuid.size; steps++) {
      if (current.uuid === top) return true;
      if (current.parentUuid === current.uuid) return false;
      current = this.byUuid.get(current.parentUuid);
    }
    return false;
  }

  list(): TenantRecord[] {
    return [...this.byUuid.values()];
  }

  private newSlug(name: string | null): string {
    const fromName = (name ?? '').replace(/[^a-zA-Z0-9_]/g, '').slice(0, 10);
    if (fromName && !this.slugTaken(fromName)) return fromName;
    for (;;) {
      let slug = '';
      for (let i = 0; i < 3; i++) slug += SLUG_CHARS[Math.floor(Math.random() * SLUG_CHARS.length)];
      if (!this.slugTaken(slug)) return slug;
    }
  }
}

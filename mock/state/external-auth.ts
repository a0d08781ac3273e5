/**
 * External authentication state: per tenant, the stored configuration of each external auth type
 * (any JSON value, as the real service stores it: upstream `ExternalAuthService.create_config`); per
 * user, the data of each type (the mobile device tokens; Google and Microsoft tokens only come from an
 * OAuth flow at a third party, which the mock never completes). Nothing here knows about HTTP.
 */
import type { JsonObject } from '../../spec/loader.ts';

/** The external auth plugins the real service enables by default, in the order it lists them. */
export const EXTERNAL_AUTH_TYPES = ['google', 'microsoft', 'mobile'] as const;

/** External auth configs (per tenant) and user data (per user). */
export class ExternalAuthStore {
  private readonly configs = new Map<string, Map<string, unknown>>();
  private readonly userData = new Map<string, Map<string, JsonObject>>();
  /** Types the service knows: the plugins' and every type a config was ever created for (upstream `_find_or_create_type`). */
  private readonly types = new Set<string>(EXTERNAL_AUTH_TYPES);

  /** Whether the service knows the type (a plugin's, or one a config was created for). */
  knowsType(type: string): boolean {
    return this.types.has(type);
  }

  /** Whether a config of `type` is stored for the tenant. */
  hasConfig(tenantUuid: string, type: string): boolean {
    return this.configs.get(tenantUuid)?.has(type) ?? false;
  }

  /** The stored config, or undefined. */
  getConfig(tenantUuid: string, type: string): unknown {
    return this.configs.get(tenantUuid)?.get(type);
  }

  /** Stores a new config; false when one is already stored (409). */
  createConfig(tenantUuid: string, type: string, value: unknown): boolean {
    let byType = this.configs.get(tenantUuid);
    if (!byType) this.configs.set(tenantUuid, (byType = new Map()));
    if (byType.has(type)) return false;
    this.types.add(type);
    byType.set(type, structuredClone(value));
    return true;
  }

  /** Replaces a stored config whole; false when none is stored (404). */
  updateConfig(tenantUuid: string, type: string, value: unknown): boolean {
    const byType = this.configs.get(tenantUuid);
    if (!byType?.has(type)) return false;
    byType.set(type, structuredClone(value));
    return true;
  }

  /** Deletes a stored config; false when none is stored (404). */
  deleteConfig(tenantUuid: string, type: string): boolean {
    return this.configs.get(tenantUuid)?.delete(type) ?? false;
  }

  /** The user's data of `type`, or undefined. */
  getUserData(userUuid: string, type: string): JsonObject | undefined {
    return this.userData.get(userUuid)?.get(type);
  }

  /** Stores the user's data of `type`; false when some is already stored (409). */
  createUserData(userUuid: string, type: string, data: JsonObject): boolean {
    let byType = this.userData.get(userUuid);
    if (!byType) this.userData.set(userUuid, (byType = new Map()));
    if (byType.has(type)) return false;
    byType.set(type, { ...data });
    return true;
  }

  /** Stores or replaces the user's data of `type`. */
  putUserData(userUuid: string, type: string, data: JsonObject): void {
    let byType = this.userData.get(userUuid);
    if (!byType) this.userData.set(userUuid, (byType = new Map()));
    byType.set(type, { ...data });
  }

  /** Forgets the user's data of `type`; false when there was none. */
  deleteUserData(userUuid: string, type: string): boolean {
    const byType = this.userData.get(userUuid);
    if (!byType?.delete(type)) return false;
    if (byType.size === 0) this.userData.delete(userUuid);
    return true;
  }

  /** Forgets everything of a deleted user. */
  forgetUser(userUuid: string): void {
    this.userData.delete(userUuid);
  }

  /** The users that have data of `type`, in the order they got it. */
  usersWith(type: string): string[] {
    return [...this.userData].filter(([, byType]) => byType.has(type)).map(([uuid]) => uuid);
  }

  /** Every stored config, for the state page: `{tenant_uuid, type, config}`. */
  listConfigs(): { tenantUuid: string; type: string; config: unknown }[] {
    return [...this.configs].flatMap(([tenantUuid, byType]) => [...byType].map(([type, config]) => ({ tenantUuid, type, config })));
  }

  /** Every user's data, for the state page: `{user_uuid, type, data}`. */
  listUserData(): { userUuid: string; type: string; data: JsonObject }[] {
    return [...this.userData].flatMap(([userUuid, byType]) => [...byType].map(([type, data]) => ({ userUuid, type, data })));
  }

  clear(): void {
    this.configs.clear();
    this.userData.clear();
    this.types.clear();
    for (const type of EXTERNAL_AUTH_TYPES) this.types.add(type);
  }
}

/**
 * The writable part of the service's configuration (upstream `ConfigService`): `debug` and
 * `profiling_enabled`, changed by PATCH /config until the next restart (a mock reset).
 */
export class ServiceConfigState {
  debug = false;
  profilingEnabled = false;

  clear(): void {
    this.debug = false;
    this.profilingEnabled = false;
  }
}

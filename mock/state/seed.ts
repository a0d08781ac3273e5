/**
 * The data the mock starts with. The values are those of the reference recording
 * (`wazo-auth-observed.md`, header and obs. 1a, 1f, 10b) so that one set of credentials works against
 * both the real service and the mock.
 */

/** The tenant every default user belongs to (obs. 1a metadata.tenant_uuid). */
export const DEFAULT_TENANT_UUID = '1f424b77-c3e5-424d-9bff-b5576fb063e6';

/** The platform's UUID, echoed as `xivo_uuid` in every token (obs. 1a). */
export const XIVO_UUID = '6e5b0e0e-1d3a-4c52-9e1f-0ac1e0a0a001';

/**
 * The default user policy: every token carries it before the user's own ACL (obs. 1a for alice, obs. 1f
 * for admin, whose token ends with `#`). The recording's wazo-auth was configured with this policy.
 */
export const DEFAULT_USER_POLICY: readonly string[] = [
  'default.user.policy',
  'auth.users.me.external.#',
  'auth.users.me.tokens.#',
  'auth.users.me.password.#',
  'auth.users.me.sessions.#',
];

/** A policy the mock starts with (GET /policies on a fresh wazo-auth, measured on 24.01–master). */
export interface SeedPolicy {
  name: string;
  description: string;
  acl: readonly string[];
  readOnly: boolean;
}

/** The name of the policy whose ACL starts every user's token (upstream config `default_user_policy`). */
export const DEFAULT_USER_POLICY_NAME = 'wazo_default_user_policy';
/** The name of the policy that gives the bootstrap admin `#`. */
export const MASTER_USER_POLICY_NAME = 'wazo_default_master_user_policy';

/** The three policies of a fresh master tenant, as GET /policies lists them on every release. */
export const DEFAULT_POLICIES: readonly SeedPolicy[] = [
  { name: 'wazo_default_admin_policy', description: 'Default Wazo policy for administrators', acl: ['default.admin.policy'], readOnly: true },
  {
    name: MASTER_USER_POLICY_NAME,
    description: 'Default Wazo policy for the "master" user\n\nDo not modify this policy, it can be modified in future Wazo upgrades\n',
    acl: ['#'],
    readOnly: false,
  },
  { name: DEFAULT_USER_POLICY_NAME, description: 'Default Wazo policy for users', acl: DEFAULT_USER_POLICY, readOnly: true },
];

/** How many live sessions a user may hold before POST /token answers 429 (obs. 13a). */
export const DEFAULT_MAX_USER_SESSIONS = 100;

/** A user as a users file (or the defaults) describes it. */
export interface SeedUser {
  username: string;
  password: string;
  uuid: string;
  firstname: string | null;
  lastname: string | null;
  email: string | null;
  purpose: 'user' | 'internal' | 'external_api';
  /**
   * The user's own ACL, granted on top of {@link DEFAULT_USER_POLICY}: `['#']` links the master user
   * policy (as the real bootstrap admin has it), anything else a policy of its own, `mock-acl-<username>`.
   */
  acl: string[];
  tenant_uuid: string;
  /** `native` for the bootstrap admin, `default` otherwise (obs. 10b). */
  authentication_method: string;
}

/** A user as a users file (or `startMock({ users })`) gives it: only username and password are required. */
export interface UserEntry {
  username: string;
  password: string;
  uuid?: string;
  firstname?: string | null;
  lastname?: string | null;
  email?: string | null;
  purpose?: SeedUser['purpose'];
  /** Granted on top of the default user policy. */
  acl?: string[];
  tenant_uuid?: string;
  authentication_method?: string;
}

/** admin/admin-secret and alice/alice-pw, as in the reference recording. */
export const DEFAULT_USERS: readonly SeedUser[] = [
  {
    username: 'admin',
    password: 'admin-secret',
    uuid: 'b44da44a-c14d-4fdb-93c1-d722437e42fb',
    firstname: null,
    lastname: null,
    email: null,
    purpose: 'internal',
    acl: ['#'],
    tenant_uuid: DEFAULT_TENANT_UUID,
    authentication_method: 'native',
  },
  {
    username: 'alice',
    password: 'alice-pw',
    uuid: 'a11ce000-0000-4000-8000-000000000001',
    firstname: 'Alice',
    lastname: 'Example',
    email: 'alice@example.com',
    purpose: 'user',
    acl: [],
    tenant_uuid: DEFAULT_TENANT_UUID,
    authentication_method: 'default',
  },
];

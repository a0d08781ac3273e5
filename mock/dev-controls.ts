/**
 * Developer controls under `/_mock/` (outside the API prefixes, so they cannot clash with it):
 *
 * | route                  | what it does                                                        |
 * |------------------------|---------------------------------------------------------------------|
 * | GET    /_mock/         | the state page (HTML, state-page.ts) that drives the routes below   |
 * | GET    /_mock/state    | users, live tokens with remaining lifetime, refresh tokens, sessions |
 * | POST   /_mock/reset    | back to the seeded users, no tokens, clock offset 0, no operation    |
 * |                        | fault, the behaviour faults of the command line (`--fault`) only     |
 * | POST   /_mock/clock    | `{"advance": seconds}` moves the mock's clock forward               |
 * | POST   /_mock/expire   | `{"token": "..."}` makes one access token expire now                |
 * | POST   /_mock/revoke   | `{"refresh_token": "..."}` deletes one refresh token                |
 * | GET    /_mock/faults   | `faults`: the armed operation faults; `named`: every behaviour fault |
 * |                        | (name, description, requirements, enabled)                          |
 * | POST   /_mock/faults   | `{"operationId", "status"?, "latencyMs"?, "times"?}` arms one         |
 * | DELETE /_mock/faults   | disarms them all and switches every behaviour fault off             |
 * | GET    /_mock/faults/N | one behaviour fault                                                 |
 * | PUT    /_mock/faults/N | `{"enabled": true|false}` switches behaviour fault N on or off      |
 * | DELETE /_mock/faults/N | switches behaviour fault N off                                      |
 * | GET    /_mock/mails    | `mails`: every mail the mock "sent" (confirmation, password reset),  |
 * |                        | oldest first, with its link and token; DELETE empties the outbox     |
 *
 * These answers are not part of the spec and are not checked against it. Errors use the bare
 * `{message}` shape.
 */
import type { ApiSpec } from '../spec/loader.ts';
import { bareError, errors, type MockResponse } from './errors.ts';
import { isBehaviourFault, unknownFaultMessage, type FaultRegistry, type OperationFault } from './faults.ts';
import { microTimestamp } from './handlers/views.ts';
import type { MockState } from './state/index.ts';
import type { MailRecord } from './state/mails.ts';
import { statePageHtml } from './state-page.ts';

/** What the controls act on. */
export interface DevControlDeps {
  spec: ApiSpec;
  state: MockState;
  faults: FaultRegistry;
}

const ROUTES: Record<string, string[]> = {
  '/': ['GET'],
  '/state': ['GET'],
  '/reset': ['POST'],
  '/clock': ['GET', 'POST'],
  '/expire': ['POST'],
  '/revoke': ['POST'],
  '/faults': ['GET', 'POST', 'DELETE'],
  '/faults/{name}': ['GET', 'PUT', 'DELETE'],
  '/mails': ['GET', 'DELETE'],
};

/** A mail as `/_mock/mails` and the state page show it (never a password: mails hold none). */
export function mailView(mail: MailRecord): Record<string, unknown> {
  return {
    id: mail.id,
    sent_at: microTimestamp(mail.sentAtMs),
    template: mail.template,
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    body: mail.body,
    link: mail.link,
    token: mail.token,
    user_uuid: mail.userUuid,
    ...(mail.emailUuid ? { email_uuid: mail.emailUuid } : {}),
  };
}

const ok = (body: unknown, status = 200): MockResponse => ({ status, headers: {}, body });

function jsonObject(raw: Buffer | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw && raw.length > 0 ? raw.toString('utf8') : '{}');
  } catch {
    throw errors.badRequest();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bareError(400, '[mock] the body must be a JSON object');
  return value as Record<string, unknown>;
}

/** A readable picture of the whole state. Passwords are never included. */
export function stateSnapshot(state: MockState, faults: FaultRegistry): Record<string, unknown> {
  const now = state.now();
  const live = state.accessTokens.list(now);
  return {
    now: microTimestamp(now),
    wazo_version: state.release.name,
    clock_offset_seconds: state.clock.offsetSeconds,
    max_user_sessions: state.maxUserSessions,
    /** Counts; `stored` includes expired tokens the sweeper has not dropped yet. */
    access_tokens: { stored: state.accessTokens.size, live: live.length },
    users: state.users.list().map((u) => ({
      uuid: u.uuid,
      username: u.username,
      purpose: u.purpose,
      enabled: u.enabled,
      tenant_uuid: u.tenantUuid,
      emails: u.emails.map((e) => e.address),
      authentication_method: u.authenticationMethod,
      /** The ACL the user's next token gets (default user policy, groups' policies, own policies). */
      acl: state.computeAcl(u),
    })),
    policies: state.policies.listPolicies().map((p) => ({
      uuid: p.uuid,
      name: p.name,
      slug: p.slug,
      tenant_uuid: p.tenantUuid,
      read_only: p.readOnly,
      acl: [...p.acl],
      users: state.users.list().filter((u) => state.policies.policiesOfUser(u.uuid).includes(p)).map((u) => u.username ?? u.uuid),
      groups: state.policies.listGroups().filter((g) => state.policies.policiesOfGroup(g.uuid).includes(p)).map((g) => g.name),
    })),
    groups: state.policies.listGroups().map((g) => ({
      uuid: g.uuid,
      name: g.name,
      tenant_uuid: g.tenantUuid,
      system_managed: g.systemManaged,
      users: g.systemManaged ? ['(every user of the tenant)'] : state.policies.usersOfGroup(g.uuid).map((uuid) => state.users.get(uuid)?.username ?? uuid),
      policies: state.policies.policiesOfGroup(g.uuid).map((p) => p.name),
    })),
    tenants: state.tenants.list().map((t) => ({ uuid: t.uuid, parent_uuid: t.parentUuid, name: t.name, slug: t.slug, domain_names: t.domains.map((d) => d.name) })),
    /** LDAP backend configurations by tenant (PUT /backends/ldap); the bind password is never shown. */
    ldap_configs: [...state.ldapConfigs.values()].map(({ bind_password: _secret, ...config }) => config),
    /** SAML backend configurations by tenant (POST /backends/saml), with the entityID of the IdP metadata's root. */
    saml_configs: state.listSamlConfigs().map((c) => ({
      tenant_uuid: c.tenantUuid,
      domain_name: state.tenants.get(c.tenantUuid)?.domains.find((d) => d.uuid === c.domainUuid)?.name ?? null,
      entity_id: c.entityId,
      acs_url: c.acsUrl,
      idp_entity_id: c.idpMetadata.attributes.find((a) => a.name.uri === '' && a.name.local === 'entityID')?.value ?? null,
    })),
    tokens: live.map((t) => ({
      token: t.token,
      user_uuid: t.userUuid,
      session_uuid: t.sessionUuid,
      mobile: t.mobile,
      expires_at: microTimestamp(t.expiresAtMs),
      remaining_seconds: Math.max(0, Math.round((t.expiresAtMs - now) / 1000)),
      refresh_token_client_id: t.refreshToken ? (state.refreshTokens.get(t.refreshToken)?.clientId ?? null) : null,
    })),
    refresh_tokens: state.refreshTokens.list().map((r) => ({
      token: r.token,
      client_id: r.clientId,
      user_uuid: r.userUuid,
      mobile: r.mobile,
      created_at: microTimestamp(r.createdAtMs),
    })),
    sessions: live.map((t) => ({ uuid: t.sessionUuid, user_uuid: t.userUuid, mobile: t.mobile, tenant_uuid: t.tenantUuid })),
    /** External auth: the tenants' configs, the users' data (mobile device tokens), the writable service config. */
    external: {
      configs: state.external.listConfigs().map((c) => ({ tenant_uuid: c.tenantUuid, type: c.type, config: c.config })),
      user_data: state.external.listUserData().map((d) => ({ user_uuid: d.userUuid, type: d.type, data: d.data })),
      debug: state.serviceConfig.debug,
      profiling_enabled: state.serviceConfig.profilingEnabled,
    },
    faults: faults.list(),
    /** The behaviour faults on (names; GET /_mock/faults describes them all). */
    behaviour_faults: [...faults.behaviour],
    /** The mails sent, oldest first (as GET /_mock/mails). */
    mails: state.mails.list().map(mailView),
  };
}

function parseFault(spec: ApiSpec, body: Record<string, unknown>): OperationFault {
  const { operationId, status, latencyMs, times } = body;
  const known = spec.operations.map((o) => o.operationId);
  if (typeof operationId !== 'string' || !known.includes(operationId)) {
    throw bareError(400, `[mock] "operationId" must be one of: ${known.join(', ')}`);
  }
  if (status !== undefined && (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599)) {
    throw bareError(400, '[mock] "status" must be an integer from 100 to 599');
  }
  if (latencyMs !== undefined && (typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs <= 60_000))) {
    throw bareError(400, '[mock] "latencyMs" must be a number of milliseconds from 0 to 60000');
  }
  if (status === undefined && latencyMs === undefined) throw bareError(400, '[mock] give "status", "latencyMs" or both');
  if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) {
    throw bareError(400, '[mock] "times" must be a positive integer (omit it for every call)');
  }
  return {
    operationId,
    ...(status !== undefined ? { status: status as number } : {}),
    ...(latencyMs !== undefined ? { latencyMs: latencyMs as number } : {}),
    ...(times !== undefined ? { times: times as number } : {}),
  };
}

/** Answers one `/_mock/...` request; `path` is what follows `/_mock`. */
export function handleDevControl(deps: DevControlDeps, method: string, path: string, rawBody: Buffer | undefined): MockResponse {
  const { spec, state, faults } = deps;
  const trimmed = path.replace(/\/+$/, '') || '/';
  // `/faults/{name}`: one behaviour fault, by name.
  const named = /^\/faults\/([^/]+)$/.exec(trimmed);
  const faultName = named ? decodeURIComponent(named[1]!) : undefined;
  const route = named ? '/faults/{name}' : trimmed;
  const allowed = ROUTES[route];
  if (!allowed) throw errors.notFound();
  if (method === 'OPTIONS') return { status: 200, headers: { Allow: [...allowed, 'OPTIONS'].join(', ') }, text: '' };
  if (!allowed.includes(method) && !(method === 'HEAD' && allowed.includes('GET'))) throw errors.methodNotAllowed([...allowed, 'OPTIONS']);
  const verb = method === 'HEAD' ? 'GET' : method;
  switch (`${verb} ${route}`) {
    case 'GET /':
      return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, text: statePageHtml() };
    case 'GET /state':
      return ok(stateSnapshot(state, faults));
    case 'POST /reset':
      state.reset();
      faults.reset();
      return ok({ reset: true });
    case 'GET /clock':
      return ok({ now: microTimestamp(state.now()), offset_seconds: state.clock.offsetSeconds });
    case 'POST /clock': {
      const { advance } = jsonObject(rawBody);
      if (typeof advance !== 'number' || !Number.isFinite(advance) || advance < 0) {
        throw bareError(400, '[mock] "advance" must be a number of seconds >= 0, e.g. {"advance": 7200}');
      }
      state.clock.advance(advance);
      return ok({ now: microTimestamp(state.now()), offset_seconds: state.clock.offsetSeconds });
    }
    case 'POST /expire': {
      const { token } = jsonObject(rawBody);
      if (typeof token !== 'string') throw bareError(400, '[mock] "token" must be an access token');
      if (!state.expireAccessToken(token.toLowerCase())) throw bareError(404, '[mock] no live access token with that value');
      return ok({ expired: true });
    }
    case 'POST /revoke': {
      // As DELETE /users/{uuid}/tokens/{client_id}: the access tokens made with it stay valid (obs. 9g).
      const { refresh_token: token } = jsonObject(rawBody);
      if (typeof token !== 'string') throw bareError(400, '[mock] "refresh_token" must be a refresh token');
      if (!state.refreshTokens.remove(token.toLowerCase())) throw bareError(404, '[mock] no refresh token with that value');
      return ok({ revoked: true });
    }
    case 'GET /faults':
      return ok({ faults: faults.list(), named: faults.named() });
    case 'GET /mails':
      return ok({ mails: state.mails.list().map(mailView) });
    case 'DELETE /mails':
      state.mails.clear();
      return ok({ mails: [] });
    case 'POST /faults': {
      const fault = parseFault(spec, jsonObject(rawBody));
      faults.set(fault);
      return ok({ faults: faults.list() }, 201);
    }
    case 'DELETE /faults':
      faults.clear();
      return ok({ faults: [], named: faults.named() });
    case 'GET /faults/{name}':
    case 'PUT /faults/{name}':
    case 'DELETE /faults/{name}': {
      if (!faultName || !isBehaviourFault(faultName)) throw bareError(404, `[mock] ${unknownFaultMessage(faultName ?? '')}`);
      if (verb === 'PUT') {
        const { enabled } = jsonObject(rawBody);
        if (typeof enabled !== 'boolean') throw bareError(400, '[mock] the body must be {"enabled": true} or {"enabled": false}');
        faults.switch(faultName, enabled);
      } else if (verb === 'DELETE') {
        faults.switch(faultName, false);
      }
      return ok(faults.named().find((f) => f.name === faultName));
    }
    default:
      throw errors.methodNotAllowed([...allowed, 'OPTIONS']);
  }
}

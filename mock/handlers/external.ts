/**
 * External authentication (upstream `plugins/http/external`, `plugins/external_auth/google` and
 * `.../microsoft`): a user's list, the tenant's configs per type (stored as given, any JSON value), the
 * users connected to a type, and the Google/Microsoft OAuth endpoints. Those need a third party: the
 * mock answers as the real service does when nothing is configured (404 "No config found"), and once a
 * config is stored it answers the authorization URL the real one builds, without the websocket wait
 * at oauth.wazo.io that follows (nothing ever completes the flow, so no Google/Microsoft token is
 * stored and GET answers 404).
 */
import { randomBytes } from 'node:crypto';
import { apiError, errors } from '../errors.ts';
import { EXTERNAL_AUTH_TYPES } from '../state/external-auth.ts';
import type { Handler, HandlerContext } from './types.ts';
import { listPage } from './views.ts';

/** The service's external-auth errors (upstream `wazo_auth/exceptions.py`), as observed on 26.05. */
export const externalErrors = {
  /** A user's data of that type is not stored. */
  unknownExternalAuth: (type: string) => apiError(404, `No such external auth: "${type}"`, 'unknown-external-auth', { type }, type),
  /** No config of that (known) type in the tenant. */
  configNotFound: (type: string) => apiError(404, `No config found for this external auth type: "${type}"`, 'unknown-external-auth', { type }, type),
  /** GET of a config whose type the service has never heard of. */
  unknownConfigType: (type: string) => apiError(404, `Configuration for this external auth type "${type}" is not defined.`, 'unknown-config', { type }, type),
  /** The users listing of a type the service has never heard of. */
  unknownAuthType: (type: string) => apiError(404, `No such auth type: "${type}"`, 'unknown-external-auth-type', { type }, 'external'),
  /** The user already has data of that type. */
  authExists: (type: string) => apiError(409, `This external authentication method has already been set: "${type}"`, 'conflict', { type }, type),
  /** The tenant already has a config of that type. */
  configExists: (type: string) => apiError(409, `This external authentication config has already been set: "${type}"`, 'conflict', { type }, type),
};

const authType = (context: HandlerContext) => String(context.params.path.auth_type);
const tenantOf = (context: HandlerContext) => context.caller!.tenantUuid;
const userUuidOf = (context: HandlerContext) => String(context.params.path.user_uuid).toLowerCase();

const listUserExternalAuths: Handler = (context) => {
  const userUuid = userUuidOf(context);
  // An unknown user gets the same list, all disabled (observed on 26.05).
  const views = EXTERNAL_AUTH_TYPES.map((type) => ({ type, data: {}, enabled: context.state.external.getUserData(userUuid, type) !== undefined, plugin_info: {} }));
  const { total, filtered, items } = listPage(views, context.params.query, { searchFields: ['type'] });
  return { status: 200, body: { items, total, filtered } };
};

const getExternalConfig: Handler = (context) => {
  const type = authType(context);
  const { external } = context.state;
  if (!external.knowsType(type)) throw externalErrors.unknownConfigType(type);
  if (!external.hasConfig(tenantOf(context), type)) throw externalErrors.configNotFound(type);
  return { status: 200, body: external.getConfig(tenantOf(context), type) };
};

const createExternalConfig: Handler = (context) => {
  const type = authType(context);
  // Fault `external-config-not-stored`: the answer says stored, nothing is.
  if (context.faults.has('external-config-not-stored')) return { status: 201, body: '' };
  if (!context.state.external.createConfig(tenantOf(context), type, context.jsonBody)) throw externalErrors.configExists(type);
  return { status: 201, body: '' };
};

const updateExternalConfig: Handler = (context) => {
  const type = authType(context);
  if (!context.state.external.updateConfig(tenantOf(context), type, context.jsonBody)) throw externalErrors.configNotFound(type);
  return { status: 204 };
};

const deleteExternalConfig: Handler = (context) => {
  const type = authType(context);
  if (!context.state.external.deleteConfig(tenantOf(context), type)) throw externalErrors.configNotFound(type);
  return { status: 204 };
};

const listExternalUsers: Handler = (context) => {
  const type = authType(context);
  const { external, users } = context.state;
  if (!external.knowsType(type)) throw externalErrors.unknownAuthType(type);
  const tenant = tenantOf(context);
  const views = external
    .usersWith(type)
    .filter((uuid) => users.get(uuid)?.tenantUuid === tenant)
    .map((uuid) => ({ uuid }));
  const { total, items } = listPage(views, context.params.query, { searchFields: [] });
  // `filtered` is `total` (upstream `ExternalUsers.get`).
  return { status: 200, body: { items, total, filtered: total } };
};

/** What each OAuth plugin puts in its authorization URL (upstream config defaults and `http.py`). */
const OAUTH = {
  google: {
    base: 'https://accounts.google.com/o/oauth2/v2/auth',
    scope: ['https://www.googleapis.com/auth/userinfo.profile', 'https://www.googleapis.com/auth/contacts'],
    extra: '&access_type=offline&prompt=consent',
  },
  microsoft: {
    base: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    scope: ['offline_access', 'Contacts.Read'],
    extra: '',
  },
} as const;

const STATE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** oauthlib's `generate_token`: 30 characters of letters and digits. */
function oauthState(): string {
  return [...randomBytes(30)].map((b) => STATE_ALPHABET[b % STATE_ALPHABET.length]).join('');
}

function startOAuth(type: 'google' | 'microsoft'): Handler {
  return (context) => {
    const config = context.state.external.getConfig(tenantOf(context), type);
    if (config === undefined) throw externalErrors.configNotFound(type);
    // A stored config that is not an object: the plugin's `config.get(...)` fails, a 500.
    if (typeof config !== 'object' || config === null || Array.isArray(config)) throw errors.internal();
    const userUuid = userUuidOf(context);
    if (!context.state.users.has(userUuid)) throw errors.unknownUser(userUuid);
    const plugin = OAUTH[type];
    const requested = Array.isArray(context.body.scope) && context.body.scope.length > 0 ? (context.body.scope as string[]) : [...plugin.scope];
    const clientId = (config as Record<string, unknown>).client_id;
    const state = oauthState();
    const query = new URLSearchParams({ response_type: 'code', ...(typeof clientId === 'string' ? { client_id: clientId } : {}), redirect_uri: `https://oauth.wazo.io/${type}/authorize` });
    const url = `${plugin.base}?${query.toString()}&scope=${requested.map(encodeURIComponent).join('+')}&state=${state}${plugin.extra}`;
    return { status: 201, body: { authorization_url: url, state } };
  };
}

/** GET and DELETE of a user's OAuth token: 404 unknown-user, else 404 unknown-external-auth when none is stored. */
function storedToken(type: 'google' | 'microsoft', remove: boolean): Handler {
  return (context) => {
    const userUuid = userUuidOf(context);
    if (!context.state.users.has(userUuid)) throw errors.unknownUser(userUuid);
    const data = context.state.external.getUserData(userUuid, type);
    if (!data) throw externalErrors.unknownExternalAuth(type);
    if (remove) {
      context.state.external.deleteUserData(userUuid, type);
      return { status: 204 };
    }
    return { status: 200, body: { access_token: data.access_token, scope: data.scope, token_expiration: data.token_expiration } };
  };
}

/** Handlers of the external-auth operations, by operationId. */
export const externalHandlers: Record<string, Handler> = {
  listUserExternalAuths,
  getExternalConfig,
  createExternalConfig,
  updateExternalConfig,
  deleteExternalConfig,
  listExternalUsers,
  getGoogleToken: storedToken('google', false),
  createGoogleAuth: startOAuth('google'),
  deleteGoogleToken: storedToken('google', true),
  getMicrosoftToken: storedToken('microsoft', false),
  createMicrosoftAuth: startOAuth('microsoft'),
  deleteMicrosoftToken: storedToken('microsoft', true),
};

/**
 * GET/PATCH /config and GET /backends (upstream `plugins/http/config`, `plugins/http/backends`). The
 * configuration shown is the mock's own, shaped like the real one's keys; `debug` and
 * `profiling_enabled` are the writable part (upstream `ConfigPatchSchema`), kept until a reset as the
 * real one keeps them until a restart.
 */
import { apiError } from '../errors.ts';
import type { Handler, HandlerContext } from './types.ts';

/** What the real service lists in GET /backends and `loaded_plugins` (observed on every release). */
const BACKENDS = ['ldap_user', 'wazo_user'];

function configView(context: HandlerContext): Record<string, unknown> {
  const { state } = context;
  return {
    log_level: state.serviceConfig.debug ? 10 : 20,
    debug: state.serviceConfig.debug,
    ...(state.release.has('config-profiling-enabled') ? { profiling_enabled: state.serviceConfig.profilingEnabled } : {}),
    default_token_lifetime: 7200,
    max_user_concurrent_sessions: state.maxUserSessions,
    uuid: state.xivoUuid,
    oauth2_synchronization_redirect_url_template: 'https://oauth.wazo.io/{auth_type}/authorize',
    enabled_external_auth_plugins: { google: true, microsoft: true, mobile: true },
    loaded_plugins: BACKENDS,
  };
}

const getConfig: Handler = (context) => ({ status: 200, body: configView(context) });

/** marshmallow's Boolean: true, false and its truthy/falsy spellings; undefined for anything else. */
function marshmallowBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  if (['t', 'true', 'on', 'y', 'yes', '1'].includes(value.toLowerCase())) return true;
  if (['f', 'false', 'off', 'n', 'no', '0'].includes(value.toLowerCase())) return false;
  return undefined;
}

/**
 * Any item the service's schema refuses is an uncaught ValidationError on the real service: 500 whose
 * body is the request body (observed on 24.01, 25.01, 26.05 and master); an item without `op`, `path` or
 * `value` is its bare 500. The mock refuses both cleanly instead, 400 `invalid-data` (a deliberate
 * difference, mock/README.md; requirement CONFIG-PATCH-INVALID-REFUSED), and changes nothing.
 */
const patchConfig: Handler = (context) => {
  const patch = context.jsonBody;
  const paths = context.state.release.has('config-profiling-enabled') ? ['/debug', '/profiling_enabled'] : ['/debug'];
  const changes: { path: string; value: boolean }[] = [];
  let schemaError = !Array.isArray(patch);
  let applyError = false;
  for (const item of Array.isArray(patch) ? patch : []) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      schemaError = true;
      continue;
    }
    const entry = item as Record<string, unknown>;
    const value = 'value' in entry ? marshmallowBoolean(entry.value) : undefined;
    if (Object.keys(entry).some((k) => !['op', 'path', 'value'].includes(k))) schemaError = true;
    if ('op' in entry && entry.op !== 'replace') schemaError = true;
    if ('path' in entry && !paths.includes(entry.path as string)) schemaError = true;
    if ('value' in entry && value === undefined) schemaError = true;
    if (!('op' in entry) || !('path' in entry) || !('value' in entry)) applyError = true;
    else if (value !== undefined) changes.push({ path: entry.path as string, value });
  }
  if (schemaError || applyError) {
    const message = 'Each item must be {"op": "replace", "path": one of ' + paths.join(', ') + ', "value": a boolean}';
    throw apiError(400, message, 'invalid-data', { patch: { constraint_id: 'json-patch', message } }, 'config');
  }
  for (const change of changes) {
    if (change.path === '/debug') context.state.serviceConfig.debug = change.value;
    else context.state.serviceConfig.profilingEnabled = change.value;
  }
  return { status: 200, body: configView(context) };
};

const listBackends: Handler = () => ({ status: 200, body: { data: [...BACKENDS] } });


/** Handlers of GET/PATCH /config and GET /backends, by operationId. */
export const configHandlers: Record<string, Handler> = { getConfig, patchConfig, listBackends };

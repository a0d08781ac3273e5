/**
 * Mobile push notifications (upstream `plugins/external_auth/mobile`): a user's device tokens (FCM and
 * APNs) stored as the user's `mobile` external auth, and the Firebase sender ID of the tenant's
 * `mobile` config. Observed on 24.01, 25.01, 26.05 and master.
 */
import type { JsonObject } from '../../spec/loader.ts';
import { apiError, errors } from '../errors.ts';
import { externalErrors } from './external.ts';
import type { Handler, HandlerContext } from './types.ts';

const TYPE = 'mobile';
const BASE_FIELDS = ['token', 'apns_token', 'apns_voip_token', 'apns_notification_token'] as const;
const TOPIC_FIELDS = ['apns_call_topic', 'apns_default_topic'] as const;

/** The fields the release's MobileSchema has (the APNs topics from 26.05, `mobile-apns-topics`). */
function fields(context: HandlerContext): readonly string[] {
  return context.state.release.has('mobile-apns-topics') ? [...BASE_FIELDS, ...TOPIC_FIELDS] : BASE_FIELDS;
}

/** What MobileSchema loads: known fields only (unknown ones dropped), absent ones null. */
function load(context: HandlerContext): JsonObject {
  const data: JsonObject = {};
  for (const name of fields(context)) data[name] = (context.body[name] as string | null | undefined) ?? null;
  if (context.state.release.has('mobile-token-length-checked')) {
    // From 26.01 the Length validators apply (before, the ignored `min`/`max` arguments let anything through).
    const token = data.token;
    if (typeof token === 'string' && (token.length < 1 || token.length > 512)) {
      const message = 'Length must be between 1 and 512.';
      throw apiError(400, message, 'invalid-data', { token: { constraint_id: 'length', constraint: { min: 1, max: 512 }, message } }, 'users');
    }
    for (const name of fields(context).slice(1)) {
      const value = data[name];
      if (typeof value === 'string' && value.length > 512) {
        const message = 'Longer than maximum length 512.';
        throw apiError(400, message, 'invalid-data', { [name]: { constraint_id: 'length', constraint: { max: 512 }, message } }, 'users');
      }
    }
  }
  return data;
}

function view(context: HandlerContext, data: JsonObject): JsonObject {
  return Object.fromEntries(fields(context).map((name) => [name, data[name] ?? null]));
}

function existingUser(context: HandlerContext): string {
  const userUuid = String(context.params.path.user_uuid).toLowerCase();
  if (!context.state.users.has(userUuid)) throw errors.unknownUser(userUuid);
  return userUuid;
}

const getMobileAuth: Handler = (context) => {
  const userUuid = existingUser(context);
  const data = context.state.external.getUserData(userUuid, TYPE);
  if (!data) throw externalErrors.unknownExternalAuth(TYPE);
  return { status: 200, body: view(context, data) };
};

/** 201 with what was stored; 409 when device tokens are already stored (the issue's `sendDeviceToken` twice). */
const createMobileAuth: Handler = (context) => {
  const data = load(context);
  const userUuid = existingUser(context);
  // Fault `device-token-duplicate-accepted`: a second POST replaces the stored tokens.
  if (context.faults.has('device-token-duplicate-accepted')) context.state.external.putUserData(userUuid, TYPE, data);
  else if (!context.state.external.createUserData(userUuid, TYPE, data)) throw externalErrors.authExists(TYPE);
  return { status: 201, body: view(context, data) };
};

/** PUT (from 25.12): stores or replaces whole, 200 (upstream `update_or_create`). */
const updateMobileAuth: Handler = (context) => {
  const data = load(context);
  const userUuid = existingUser(context);
  context.state.external.putUserData(userUuid, TYPE, data);
  return { status: 200, body: view(context, data) };
};

const deleteMobileAuth: Handler = (context) => {
  const userUuid = existingUser(context);
  if (!context.state.external.deleteUserData(userUuid, TYPE)) throw externalErrors.unknownExternalAuth(TYPE);
  return { status: 204 };
};

/** The user is not looked up: the tenant's mobile config answers (observed: an unknown user gets the same). */
const getMobileSenderId: Handler = (context) => {
  const config = context.state.external.getConfig(context.caller!.tenantUuid, TYPE);
  if (config === undefined) throw externalErrors.configNotFound(TYPE);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw errors.internal();
  const sender = (config as Record<string, unknown>).fcm_sender_id;
  return { status: 200, body: { sender_id: sender === undefined ? null : sender } };
};

/** Handlers of the mobile push operations, by operationId. */
export const mobileHandlers: Record<string, Handler> = { getMobileAuth, createMobileAuth, updateMobileAuth, deleteMobileAuth, getMobileSenderId };

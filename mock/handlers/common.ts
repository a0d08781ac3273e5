/** Small helpers shared by the handlers. */
import type { HandlerContext } from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path value is a UUID (what wazo-auth's URL converters accept). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A `{user_uuid_or_me}` or `{user_uuid}` value as a user UUID: `me` is the caller's own. */
export function targetUser(context: HandlerContext, value: unknown): string {
  const text = String(value);
  if (text === 'me' && context.caller) return context.caller.userUuid;
  return text.toLowerCase();
}

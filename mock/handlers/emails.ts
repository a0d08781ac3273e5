/**
 * User emails and their confirmation (upstream plugins/http/user_email, email_confirm; observed on the
 * real 24.01, 25.01, 26.05 and master), and self-registration, switched off as upstream's default config.
 */
import type { JsonObject } from '../../spec/loader.ts';
import { apiError, errors } from '../errors.ts';
import { sendConfirmation, updateEmails, type EmailInput } from '../state/emails.ts';
import { connectionParams } from './mail-link.ts';
import { targetUser } from './common.ts';
import type { Handler, HandlerContext } from './types.ts';

const unknownEmail = errors.unknownEmail;

/** The `_schema` rules of upstream user_email/schemas.py, checked once every field passed (as marshmallow does). */
function schemaRule(emails: readonly EmailInput[]): string | undefined {
  if (emails.length === 0) return undefined;
  const mains = emails.filter((email) => email.main).length;
  if (mains > 1) return 'Only one address should be main';
  if (mains === 0) return 'At least one address should be main';
  if (new Set(emails.map((email) => email.address)).size !== emails.length) return 'The same address can only be used once';
  return undefined;
}

function putEmails(context: HandlerContext, admin: boolean) {
  const uuid = targetUser(context, context.params.path.user_uuid);
  const raw = (context.body.emails as JsonObject[] | undefined) ?? [];
  const inputs: EmailInput[] = raw.map((item) => ({
    address: String(item.address),
    main: item.main === true,
    // The user endpoint ignores `confirmed` (observed: `confirmed: true` there leaves the address unconfirmed).
    ...(admin ? { confirmed: typeof item.confirmed === 'boolean' ? item.confirmed : null } : {}),
  }));
  const rule = schemaRule(inputs);
  if (rule) throw apiError(400, { _schema: [rule] }, 'invalid-data', {}, 'emails');
  const user = context.state.users.get(uuid);
  if (!user) throw errors.unknownUser(String(context.params.path.user_uuid));
  const outcome = updateEmails(context.state, user, inputs);
  if (!outcome.ok) {
    throw apiError(409, 'Conflict detected', 'conflict', { email_address: { constraint_id: 'unique', message: `The login "${outcome.conflict}" is already used` } }, 'users');
  }
  return { status: 200, body: outcome.emails };
}

const updateUserEmails: Handler = (context) => putEmails(context, false);
const updateAdminUserEmails: Handler = (context) => putEmails(context, true);

const sendUserEmailConfirmation: Handler = (context) => {
  const uuid = targetUser(context, context.params.path.user_uuid);
  const user = context.state.users.get(uuid);
  if (!user) throw errors.unknownUser(String(context.params.path.user_uuid));
  const emailUuid = String(context.params.path.email_uuid).toLowerCase();
  const email = user.emails.find((e) => e.uuid === emailUuid);
  if (!email) throw unknownEmail(String(context.params.path.email_uuid));
  if (email.confirmed) throw apiError(409, `This email already confirmed: "${email.uuid}"`, 'conflict', { uuid: email.uuid }, 'emails');
  sendConfirmation(context.state, user, email, connectionParams(context));
  return { status: 204 };
};

function confirm(context: HandlerContext): void {
  const emailUuid = String(context.params.path.email_uuid).toLowerCase();
  // Fault `email-confirm-not-confirming`: answers as if confirmed, the address stays unconfirmed.
  const found = context.faults.has('email-confirm-not-confirming') ? context.state.users.findEmail(emailUuid) : context.state.users.confirmEmail(emailUuid);
  if (!found) throw unknownEmail(String(context.params.path.email_uuid));
}

/** The `email_confirmation_get_body` template of the kit's real hosts. */
const CONFIRMED_BODY = 'Email address confirmed';

const confirmEmailFromLink: Handler = (context) => {
  confirm(context);
  return { status: 200, text: { body: CONFIRMED_BODY, contentType: 'text/html; charset=utf-8' } };
};

const confirmEmail: Handler = (context) => {
  confirm(context);
  return { status: 204 };
};

/** Never reached while the plugin is off (`x-wazo-plugin-disabled`, app.ts answers 404 first). */
const registerUser: Handler = () => {
  throw errors.notFound();
};

/** Handlers of the email operations, by operationId. */
export const emailHandlers: Record<string, Handler> = {
  updateUserEmails,
  updateAdminUserEmails,
  sendUserEmailConfirmation,
  confirmEmailFromLink,
  confirmEmail,
  registerUser,
};

/**
 * The rules of user emails, email confirmation and password reset (upstream wazo_auth/services/email.py,
 * services/user.py, plugins/http/user_email, email_confirm, password_reset; observed on 24.01 – master).
 * Nothing here knows HTTP: handlers translate.
 */
import type { MockState } from './index.ts';
import { confirmationMail, passwordResetMail, type ConnectionParams, type MailRecord } from './mails.ts';
import type { AccessTokenRecord } from './access-tokens.ts';
import type { EmailRecord, UserRecord } from './users.ts';
import { randomUuid } from './uuid.ts';

/** Lifetime of a confirmation token (`email_confirmation_expiration`, upstream config.yml). */
export const CONFIRMATION_TOKEN_SECONDS = 172800;
/** Lifetime of a reset token (`password_reset_expiration`). */
export const RESET_TOKEN_SECONDS = 172800;

/** The ACL of a confirmation mail's token. */
export const confirmationAcl = (emailUuid: string) => `auth.emails.${emailUuid}.confirm.update`;
/** The ACL of a reset mail's token, and what POST /users/password/reset requires. */
export const resetAcl = (userUuid: string) => `auth.users.password.reset.${userUuid}.create`;

/** One address of a PUT /users/{uuid}/emails body (after validation). */
export interface EmailInput {
  address: string;
  main: boolean;
  /** Only from the admin endpoint: true/false set it, null/undefined keep an existing address's flag. */
  confirmed?: boolean | null;
}

/** What PUT .../emails answers: each address as given, with uuid and the confirmed flag (null echoed, obs. emails-2605). */
export interface UpdatedEmail {
  address: string;
  main: boolean;
  confirmed: boolean | null;
  uuid: string;
}

/**
 * Replaces a user's addresses: a kept address keeps its uuid and, unless `confirmed` says otherwise, its
 * flag; a new one is unconfirmed. `conflict`: an address that is another user's login (checked first).
 */
export function updateEmails(
  state: MockState,
  user: UserRecord,
  inputs: readonly EmailInput[],
): { ok: true; emails: UpdatedEmail[] } | { ok: false; conflict: string } {
  for (const input of inputs) if (state.users.addressTaken(input.address, user.uuid)) return { ok: false, conflict: input.address };
  const old = new Map(user.emails.map((email) => [email.address, email]));
  const answer: UpdatedEmail[] = [];
  const stored: EmailRecord[] = [];
  for (const input of inputs) {
    const existing = old.get(input.address);
    // A new address: the admin endpoint echoes its null `confirmed`, the user endpoint (no such key) false
    // (upstream `_add_user_email` setdefault; observed on 26.05).
    const confirmed = input.confirmed ?? existing?.confirmed ?? ('confirmed' in input ? null : false);
    const uuid = existing?.uuid ?? randomUuid();
    answer.push({ address: input.address, main: input.main, confirmed, uuid });
    stored.push({ uuid, address: input.address, main: input.main, confirmed: confirmed ?? false });
  }
  state.users.setEmails(user.uuid, stored);
  return { ok: true, emails: answer };
}

/** A token with one ACL, as upstream's `_new_generic_token` makes it: auth_id `wazo-auth`, no user, no tenant. */
function mailToken(state: MockState, acl: string, seconds: number): AccessTokenRecord {
  const now = state.now();
  const record: AccessTokenRecord = {
    token: randomUuid(),
    sessionUuid: randomUuid(),
    userUuid: 'wazo-auth',
    tenantUuid: '',
    purpose: 'internal',
    pbxUserUuid: null,
    acl: Object.freeze([acl]),
    issuedAtMs: now,
    expiresAtMs: now + seconds * 1000,
    mobile: false,
    remoteAddr: '',
    userAgent: 'wazo-auth-email-reset',
  };
  state.accessTokens.add(record);
  return record;
}

/** Sends the confirmation mail of one of `user`'s addresses. */
export function sendConfirmation(state: MockState, user: UserRecord, email: EmailRecord, connection: ConnectionParams): MailRecord {
  const token = mailToken(state, confirmationAcl(email.uuid), CONFIRMATION_TOKEN_SECONDS);
  const mail = confirmationMail(user.username ?? '', email.address, email.uuid, token.token, connection);
  return state.mails.add({ ...mail, sentAtMs: state.now(), userUuid: user.uuid });
}

/** How GET /users/password/reset names the user: exactly one of these. */
export interface ResetQuery {
  username?: string;
  email?: string;
  login?: string;
}

function findForReset(state: MockState, query: ResetQuery): UserRecord | undefined {
  // Upstream `list_users(**search_params)`: exact (case-insensitive) username, any address, or either.
  const lower = (value: string | undefined) => value?.toLowerCase();
  const username = lower(query.username);
  const email = lower(query.email);
  const login = lower(query.login);
  return state.users.list().find((user) => {
    const name = user.username?.toLowerCase();
    const addresses = user.emails.map((e) => e.address.toLowerCase());
    if (username !== undefined) return name === username;
    if (email !== undefined) return addresses.includes(email);
    return login !== undefined && (name === login || addresses.includes(login));
  });
}

/**
 * GET /users/password/reset: the mail, or undefined when none goes out (unknown user, external
 * authentication, no confirmed address). With `email`, the mail goes to that address even unconfirmed.
 */
export function requestReset(state: MockState, query: ResetQuery, connection: ConnectionParams): MailRecord | undefined {
  const user = findForReset(state, query);
  if (!user || user.authenticationMethod !== 'default') return undefined;
  const confirmed = user.emails.find((e) => e.main && e.confirmed) ?? user.emails.find((e) => e.confirmed);
  const address = query.email ?? confirmed?.address;
  if (!address) return undefined;
  const token = mailToken(state, resetAcl(user.uuid), RESET_TOKEN_SECONDS);
  const mail = passwordResetMail(user.username ?? '', address, user.uuid, token.token, connection);
  return state.mails.add({ ...mail, sentAtMs: state.now(), userUuid: user.uuid });
}

/**
 * POST /users/password/reset once the token passed: sets (or, with null, removes) the password, then,
 * where the release has `password-change-revokes-sessions`, ends the user's sessions (upstream
 * `change_password(..., reset=True)` and `delete_password` both call `session.delete_by_user`).
 * The token is not used up.
 */
export function resetPassword(state: MockState, userUuid: string, password: string | null, endSessions: boolean): boolean {
  if (!state.users.has(userUuid)) return false;
  state.users.setPassword(userUuid, password);
  if (endSessions) state.accessTokens.removeForUser(userUuid, state.now());
  return true;
}

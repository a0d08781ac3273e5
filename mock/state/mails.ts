/**
 * The mails the mock "sends" (email confirmation, password reset), kept so that a frontend developer
 * can follow the link or copy the token a real mail would carry (`/_mock/mails`, the state page). The
 * texts follow the templates the kit's real hosts use (../shared/real-wazo-auth, var/templates/*.jinja);
 * a mail never holds a password.
 */

/** Which template a mail was made from (upstream's config keys). */
export type MailTemplate = 'email_confirmation' | 'password_reset';

/** One mail, as sent. */
export interface MailRecord {
  id: number;
  sentAtMs: number;
  template: MailTemplate;
  from: string;
  to: string;
  subject: string;
  body: string;
  /** The link the body carries. */
  link: string;
  /** The token the link carries (an access token with one ACL, see MockState). */
  token: string;
  userUuid: string;
  /** The confirmed address, for a confirmation mail. */
  emailUuid?: string;
}

/** Where the mail's link points: the request's Host (upstream plugin_helpers/flask.py `extract_connection_params`). */
export interface ConnectionParams {
  hostname?: string;
  port?: number;
  prefix?: string;
}

/** The most mails kept; older ones are dropped first (a long-running mock must not grow without bound). */
export const MAX_MAILS = 200;

const hostPart = (c: ConnectionParams): string => `${c.hostname ?? ''}${c.port ? `:${c.port}` : ''}`;

/** The confirmation mail for `address` (template email_confirmation.jinja and its subject). */
export function confirmationMail(username: string, address: string, emailUuid: string, token: string, connection: ConnectionParams) {
  const link = `https://${hostPart(connection)}${connection.prefix ?? ''}/0.1/emails/${emailUuid}/confirm?token=${token}`;
  return {
    template: 'email_confirmation' as const,
    from: 'wazo-auth <noreply@wazo.community>',
    to: address,
    subject: `Email confirmation for ${username}`,
    body: `You've registered a new account on wazo-auth for ${username}\n\nClick on the following link to confirm this email address:\n\n${link}\n`,
    link,
    token,
    emailUuid,
  };
}

/** The password-reset mail (template password_reset_email.jinja and its subject). */
export function passwordResetMail(username: string, address: string, userUuid: string, token: string, connection: ConnectionParams) {
  const link = `https://app.wazo.io/reset-password?host=${hostPart(connection)}&token=${token}&user_uuid=${userUuid}`;
  return {
    template: 'password_reset' as const,
    from: 'wazo-auth <noreply@wazo.community>',
    to: address,
    subject: 'New password requested',
    body:
      `Hello ${username},\n\nIt seems you forgot your Wazo password.\nWe are going to assist you getting back to business.\n` +
      `If you did not ask to reset your password, please ignore this email.\n\nTo reset your password, click on the following link:\n\n${link}\n\n` +
      'The Wazo team wishes you a great day.\n',
    link,
    token,
  };
}

/** The outbox. */
export class MailStore {
  private mails: MailRecord[] = [];
  private nextId = 1;

  add(mail: Omit<MailRecord, 'id'>): MailRecord {
    const record = { ...mail, id: this.nextId++ };
    this.mails.push(record);
    if (this.mails.length > MAX_MAILS) this.mails.splice(0, this.mails.length - MAX_MAILS);
    return record;
  }

  /** Oldest first. */
  list(): readonly MailRecord[] {
    return this.mails;
  }

  clear(): void {
    this.mails = [];
    this.nextId = 1;
  }
}

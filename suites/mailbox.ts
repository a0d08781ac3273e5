/**
 * Reads the mails the target sent (confirmation, password reset) from a JSON outbox (`target.mailboxURL`:
 * the embedded mock's `/_mock/mails`, or WAZO_MAILBOX_URL). A real wazo-auth sends them by SMTP, which
 * the suite cannot read: tests that need a mail's token skip with {@link NEEDS_MAILBOX} there. This is
 * the one place the suite reads the mock's developer controls, and only this read-only outbox.
 */
import type { CleanupRegistry } from './cleanup.ts';
import { redactor } from './redact.ts';
import type { Target } from './target.ts';
import { pollUntil } from './time.ts';

/** The skip reason of the tests that need a mail's token. */
export const NEEDS_MAILBOX =
  "needs the mails the target sends (a real wazo-auth sends them by SMTP, which the suite cannot read): set WAZO_MAILBOX_URL to a JSON outbox shaped like the mock's GET /_mock/mails";

/** One mail, as the outbox lists it. */
export interface Mail {
  id: number;
  template: string;
  to: string;
  subject: string;
  link: string;
  token: string;
  user_uuid: string;
  email_uuid?: string;
}

async function readOutbox(url: string): Promise<Mail[]> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`[wazo-auth-kit] the mailbox ${url} answered ${response.status}`);
  const body = (await response.json()) as { mails?: Mail[] };
  return Array.isArray(body.mails) ? body.mails : [];
}

/** The mails to `to` (case-insensitive), oldest first. */
export async function mailsTo(target: Target, to: string): Promise<Mail[]> {
  if (!target.mailboxURL) throw new Error(NEEDS_MAILBOX);
  const wanted = to.toLowerCase();
  return (await readOutbox(target.mailboxURL)).filter((mail) => mail.to.toLowerCase() === wanted);
}

/**
 * Waits (bounded) for the newest mail of `template` to `to` and returns it; its token is registered for
 * redaction and for the cleanup (it is an access token).
 */
export async function awaitMail(target: Target, cleanup: CleanupRegistry, to: string, template: string): Promise<Mail> {
  const found = await pollUntil(
    async () => (await mailsTo(target, to)).filter((mail) => mail.template === template).pop(),
    (mail) => mail !== undefined,
    { timeoutMs: 5_000 },
  );
  if (!found) throw new Error(`[wazo-auth-kit] no ${template} mail to ${to} within 5 s`);
  redactor.token(found.token);
  cleanup.add({ kind: 'token', token: found.token });
  return found;
}

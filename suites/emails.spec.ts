/**
 * Area emails: user email addresses, their confirmation, password reset, self-registration (upstream
 * plugins/http/user_email, email_confirm, password_reset, user_registration). Every address is set on a
 * throwaway user (removed with it), so nearly everything needs the administrator. The mails' tokens are
 * read from the target's outbox (suites/mailbox.ts): the embedded mock's; a real wazo-auth sends them by
 * SMTP, and those tests are skipped there with their reason. Facts: observed on the real 24.01, 25.01,
 * 26.05 and master (see the spec's descriptions).
 */
import { randomBytes } from 'node:crypto';
import type { Exchange } from './api.ts';
import { covers } from './covers.ts';
import { expectAuthenticationFailed, expectNoSuchToken, expectUnauthorized } from './expectations.ts';
import { expect, NEEDS_ADMIN, should, test, type Account } from './fixtures.ts';
import { awaitMail, mailsTo, NEEDS_MAILBOX } from './mailbox.ts';
import { redactor } from './redact.ts';
import { observe } from './releases.ts';

/** A throwaway address of this run (example.com: never delivered). */
const address = (prefix: string, label: string) => `${prefix}-${label}-${randomBytes(3).toString('hex')}@example.com`.toLowerCase();

const newPassword = () => {
  const value = `pw-${randomBytes(12).toString('base64url')}`;
  redactor.password(value);
  return value;
};

/** The 400 of PUT .../emails: invalid-data whose message is marshmallow's dict with this `_schema` message. */
function expectEmailsSchemaError(res: Exchange, message: string): void {
  expect(res.status, res.describe()).toBe(400);
  expect(res.body?.error_id, res.describe()).toBe('invalid-data');
  expect(res.body?.message?._schema, res.describe()).toEqual([message]);
}

test.describe('user emails', () => {
  test('PUT /users/{uuid}/emails replaces the addresses; a kept one keeps its uuid; [] removes them', covers('EMAILS-PUT-REPLACES'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('emails');
    const admin = await api.adminToken();
    const [a, b] = [address(target.prefix, 'a'), address(target.prefix, 'b')];
    const first = await api.put(`/users/${bob.uuid}/emails`, { token: admin, json: { emails: [{ address: a, main: true }] } });
    expect(first.status, first.describe()).toBe(200);
    expect(first.body.map((e: { address: string }) => e.address), first.describe()).toEqual([a]);
    const uuidOfA = first.body[0].uuid;
    const second = await api.put(`/users/${bob.uuid}/emails`, { token: admin, json: { emails: [{ address: b, main: true }, { address: a, main: false }] } });
    expect(second.status, second.describe()).toBe(200);
    const kept = second.body.find((e: { address: string }) => e.address === a);
    expect(kept?.uuid, `the kept address keeps its uuid: ${second.describe()}`).toBe(uuidOfA);
    const read = await api.get(`/users/${bob.uuid}`, { token: admin });
    expect(read.body.emails.map((e: { address: string }) => e.address).sort(), read.describe()).toEqual([a, b].sort());
    expect(read.body.emails.find((e: { address: string }) => e.address === b)?.main, read.describe()).toBe(true);
    const cleared = await api.put(`/users/${bob.uuid}/emails`, { token: admin, json: { emails: [] } });
    expect(cleared.status, cleared.describe()).toBe(200);
    expect(cleared.body, cleared.describe()).toEqual([]);
    expect((await api.get(`/users/${bob.uuid}`, { token: admin })).body.emails).toEqual([]);
  });

  test('a new address is unconfirmed (confirmed ignored on the user endpoint) and is no login', covers('EMAILS-NEW-UNCONFIRMED'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('unconfirmed');
    const admin = await api.adminToken();
    const mail = address(target.prefix, 'unconfirmed');
    const res = await api.put(`/users/${bob.uuid}/emails`, { token: admin, json: { emails: [{ address: mail, main: true, confirmed: true }] } });
    expect(res.status, res.describe()).toBe(200);
    expect(res.body[0].confirmed, res.describe()).toBe(false);
    const read = await api.get(`/users/${bob.uuid}`, { token: admin });
    expect(read.body.emails[0]?.confirmed, read.describe()).toBe(false);
    expectAuthenticationFailed(await api.login({ username: mail, password: bob.password }, { expiration: 60 }));
  });

  test('two main addresses, none, or one address twice: 400 with the _schema message', covers('EMAILS-ONE-MAIN-400'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('one-main');
    const admin = await api.adminToken();
    const [a, b] = [address(target.prefix, 'a'), address(target.prefix, 'b')];
    const put = (emails: unknown[], path = `/users/${bob.uuid}/emails`) => api.put(path, { token: admin, json: { emails } });
    expectEmailsSchemaError(await put([{ address: a, main: true }, { address: b, main: true }]), 'Only one address should be main');
    expectEmailsSchemaError(await put([{ address: a, main: false }]), 'At least one address should be main');
    expectEmailsSchemaError(await put([{ address: a, main: true }, { address: a, main: false }]), 'The same address can only be used once');
    expectEmailsSchemaError(await put([{ address: a, main: true }, { address: b, main: true }], `/admin/users/${bob.uuid}/emails`), 'Only one address should be main');
    expect((await api.get(`/users/${bob.uuid}`, { token: admin })).body.emails, 'nothing was stored').toEqual([]);
  });

  test("another user's address, in any case, gets 409 conflict", covers('EMAILS-LOGIN-CONFLICT-409'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const [bob, carol] = [await accounts.create('owner'), await accounts.create('taker')];
    const admin = await api.adminToken();
    const mail = address(target.prefix, 'taken');
    expect((await api.put(`/users/${bob.uuid}/emails`, { token: admin, json: { emails: [{ address: mail, main: true }] } })).status).toBe(200);
    const res = await api.put(`/users/${carol.uuid}/emails`, { token: admin, json: { emails: [{ address: mail.toUpperCase(), main: true }] } });
    expect(res.status, res.describe()).toBe(409);
    expect(res.body?.error_id, res.describe()).toBe('conflict');
    expect(Object.keys(res.body?.details ?? {}), res.describe()).toContain('email_address');
  });

  test('a plain user may not change its own addresses nor confirm one (401)', covers('EMAILS-USER-NO-SELF-SERVICE-401'), async ({ api, accounts, target }) => {
    // On a throwaway user: were a target to grant it, the configured user's record would change.
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('self-emails');
    const admin = await api.adminToken();
    const mail = address(target.prefix, 'self');
    const set = await api.put(`/users/${bob.uuid}/emails`, { token: admin, json: { emails: [{ address: mail, main: true }] } });
    const { token } = await api.loginOk(bob, { expiration: 600 });
    expectUnauthorized(await api.put(`/users/${bob.uuid}/emails`, { token, json: { emails: [] } }));
    expectUnauthorized(await api.put(`/emails/${set.body[0].uuid}/confirm`, { token }));
    expectUnauthorized(await api.get(`/emails/${set.body[0].uuid}/confirm`, { query: { token } }));
    const read = await api.get(`/users/${bob.uuid}`, { token: admin });
    expect(read.body.emails, `unchanged and unconfirmed: ${read.describe()}`).toEqual([expect.objectContaining({ address: mail, confirmed: false })]);
  });

  test('the admin endpoint obeys confirmed: true confirms (a login), false unconfirms', covers('EMAILS-ADMIN-CONFIRMED'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('admin-confirmed');
    const admin = await api.adminToken();
    const mail = address(target.prefix, 'admin');
    const res = await api.put(`/admin/users/${bob.uuid}/emails`, { token: admin, json: { emails: [{ address: mail, main: true, confirmed: true }] } });
    expect(res.status, res.describe()).toBe(200);
    expect(res.body[0].confirmed, res.describe()).toBe(true);
    const login = await api.login({ username: mail, password: bob.password }, { expiration: 60 });
    expect(login.status, `a confirmed address is a login: ${login.describe()}`).toBe(200);
    const off = await api.put(`/admin/users/${bob.uuid}/emails`, { token: admin, json: { emails: [{ address: mail, main: true, confirmed: false }] } });
    expect(off.body[0].confirmed, off.describe()).toBe(false);
    expectAuthenticationFailed(await api.login({ username: mail, password: bob.password }, { expiration: 60 }));
  });
});

test.describe('email confirmation', () => {
  /** bob with one unconfirmed main address; answers its uuid. */
  async function withAddress(api: Parameters<Parameters<typeof test>[2]>[0]['api'], bob: Account, mail: string): Promise<string> {
    const res = await api.put(`/users/${bob.uuid}/emails`, { token: await api.adminToken(), json: { emails: [{ address: mail, main: true }] } });
    expect(res.status, res.describe()).toBe(200);
    return res.body[0].uuid as string;
  }

  test('PUT /emails/{uuid}/confirm confirms the address, which becomes a login; unknown: 404', covers('EMAIL-CONFIRM-PUT'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('confirm');
    const mail = address(target.prefix, 'confirm');
    const uuid = await withAddress(api, bob, mail);
    const admin = await api.adminToken();
    const res = await api.put(`/emails/${uuid}/confirm`, { token: admin });
    expect(res.status, res.describe()).toBe(204);
    const read = await api.get(`/users/${bob.uuid}`, { token: admin });
    expect(read.body.emails[0]?.confirmed, read.describe()).toBe(true);
    const login = await api.login({ username: mail, password: bob.password }, { expiration: 60 });
    expect(login.status, `a confirmed address is a login: ${login.describe()}`).toBe(200);
    const again = await api.put(`/emails/${uuid}/confirm`, { token: admin });
    expect(again.status, `confirming again: ${again.describe()}`).toBe(204);
    const unknown = await api.put('/emails/00000000-0000-4000-8000-00000000dead/confirm', { token: admin });
    expect(unknown.status, unknown.describe()).toBe(404);
    expect(unknown.body?.error_id, unknown.describe()).toBe('unknown-email');
  });

  test('GET /emails/{uuid}/confirm?token= (the link form) confirms, 200 text/html', covers('EMAIL-CONFIRM-LINK'), async ({ api, accounts, target }) => {
    // With the administrator's token in the query, as the mail's link carries its own (any release reads ?token= here).
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('confirm-link');
    const uuid = await withAddress(api, bob, address(target.prefix, 'link'));
    const admin = await api.adminToken();
    const res = await api.get(`/emails/${uuid}/confirm`, { query: { token: admin } });
    expect(res.status, res.describe()).toBe(200);
    expect(res.header('content-type') ?? '', res.describe()).toContain('text/html');
    expect((await api.get(`/users/${bob.uuid}`, { token: admin })).body.emails[0]?.confirmed).toBe(true);
  });

  test("the confirmation mail's link confirms the address", covers('EMAIL-CONFIRM-LINK'), async ({ api, accounts, target, cleanup }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    test.skip(!target.mailboxURL, NEEDS_MAILBOX);
    const bob = await accounts.create('confirm-mail');
    const mail = address(target.prefix, 'mail');
    const uuid = await withAddress(api, bob, mail);
    const sent = await api.get(`/users/${bob.uuid}/emails/${uuid}/confirm`, { token: await api.adminToken() });
    expect(sent.status, sent.describe()).toBe(204);
    const received = await awaitMail(target, cleanup, mail, 'email_confirmation');
    expect(received.link, 'the link points at GET /emails/{uuid}/confirm with the token').toContain(`/emails/${uuid}/confirm?token=`);
    const res = await api.get(`/emails/${uuid}/confirm`, { query: { token: received.token } });
    expect(res.status, res.describe()).toBe(200);
    const login = await api.login({ username: mail, password: bob.password }, { expiration: 60 });
    expect(login.status, `the confirmed address is a login: ${login.describe()}`).toBe(200);
  });

  test('asking to confirm an address already confirmed: 409; one not the user\'s: 404', covers('EMAIL-CONFIRM-RESEND-409'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const [bob, carol] = [await accounts.create('resend'), await accounts.create('resend-other')];
    const admin = await api.adminToken();
    const set = await api.put(`/admin/users/${bob.uuid}/emails`, { token: admin, json: { emails: [{ address: address(target.prefix, 'resend'), main: true, confirmed: true }] } });
    const uuid = set.body[0].uuid;
    const res = await api.get(`/users/${bob.uuid}/emails/${uuid}/confirm`, { token: admin });
    expect(res.status, res.describe()).toBe(409);
    expect(res.body?.error_id, res.describe()).toBe('conflict');
    const other = await api.get(`/users/${carol.uuid}/emails/${uuid}/confirm`, { token: admin });
    expect(other.status, other.describe()).toBe(404);
    expect(other.body?.error_id, other.describe()).toBe('unknown-email');
  });
});

test.describe('password reset', () => {
  test('GET /users/password/reset: 204 for an unknown username, login or address', covers('RESET-UNKNOWN-USER-204'), async ({ api, target }) => {
    const nobody = `${target.prefix}-nobody-${randomBytes(3).toString('hex')}`;
    const queries: Record<string, string>[] = [{ username: nobody }, { login: nobody }, { email: `${nobody}@example.com` }];
    for (const query of queries) {
      const res = await api.get('/users/password/reset', { query });
      expect(res.status, res.describe()).toBe(204);
    }
  });

  test('GET /users/password/reset: 204 and no mail for a user without a confirmed address', covers('RESET-UNCONFIRMED-204'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('reset-unconfirmed');
    const mail = address(target.prefix, 'reset-unconfirmed');
    await api.put(`/users/${bob.uuid}/emails`, { token: await api.adminToken(), json: { emails: [{ address: mail, main: true }] } });
    const res = await api.get('/users/password/reset', { query: { username: bob.username } });
    expect(res.status, res.describe()).toBe(204);
    if (target.mailboxURL) expect(await mailsTo(target, mail), 'no mail to the unconfirmed address').toEqual([]);
  });

  test('GET /users/password/reset needs exactly one of username, email, login (400)', covers('RESET-ONE-FIELD-400'), async ({ api, target }) => {
    const none = await api.get('/users/password/reset');
    expect(none.status, none.describe()).toBe(400);
    expect(none.body?.error_id, none.describe()).toBe('invalid-data');
    expect(none.body?.resource, none.describe()).toBe('reset');
    const two = await api.get('/users/password/reset', { query: { username: `${target.prefix}-x`, login: `${target.prefix}-y` } });
    expect(two.status, two.describe()).toBe(400);
    expect(two.body?.message, two.describe()).toEqual(['"username" or "email" or "login" should be used']);
  });

  test('POST /users/password/reset without a token, or with the user\'s own token: 401, the password stays', covers('RESET-NEEDS-TOKEN-401'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('reset-401');
    const { token } = await api.loginOk(bob, { expiration: 600 });
    for (const options of [{}, { token }]) {
      const res = await api.post('/users/password/reset', { ...options, query: { user_uuid: bob.uuid }, json: { password: newPassword() } });
      expect(res.status, res.describe()).toBe(401);
      expect(res.body?.error_id, res.describe()).toBe('unauthorized');
    }
    const still = await api.login(bob, { expiration: 60 });
    expect(still.status, `the old password still works: ${still.describe()}`).toBe(200);
  });

  test('a token carrying the reset ACL (the administrator\'s) sets the password', covers('RESET-TOKEN-SETS-PASSWORD'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('reset-admin');
    const password = newPassword();
    const res = await api.post('/users/password/reset', { token: await api.adminToken(), query: { user_uuid: bob.uuid }, json: { password } });
    expect(res.status, res.describe()).toBe(204);
    const fresh = await api.login({ username: bob.username, password }, { expiration: 60 });
    expect(fresh.status, `the new password works: ${fresh.describe()}`).toBe(200);
    expectAuthenticationFailed(await api.login(bob, { expiration: 60 }));
  });

  test("the reset mail's token sets its user's password (as the link's page does)", covers('RESET-TOKEN-SETS-PASSWORD'), async ({ api, accounts, target, cleanup }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    test.skip(!target.mailboxURL, NEEDS_MAILBOX);
    const bob = await accounts.create('reset-mail');
    const mail = address(target.prefix, 'reset');
    await api.put(`/admin/users/${bob.uuid}/emails`, { token: await api.adminToken(), json: { emails: [{ address: mail, main: true, confirmed: true }] } });
    const asked = await api.get('/users/password/reset', { query: { username: bob.username } });
    expect(asked.status, asked.describe()).toBe(204);
    const received = await awaitMail(target, cleanup, mail, 'password_reset');
    expect(received.user_uuid, 'the mail names its user').toBe(bob.uuid);
    expect(received.link, "the link carries the user's uuid").toContain(bob.uuid);
    const password = newPassword();
    const res = await api.post('/users/password/reset', { token: received.token, query: { user_uuid: bob.uuid }, json: { password } });
    expect(res.status, res.describe()).toBe(204);
    const fresh = await api.login({ username: bob.username, password }, { expiration: 60 });
    expect(fresh.status, `the new password works: ${fresh.describe()}`).toBe(200);
    expectAuthenticationFailed(await api.login(bob, { expiration: 60 }));
  });

  test("a reset mail's token does not reset another user's password", covers('RESET-TOKEN-OWN-USER-ONLY'), async ({ api, accounts, target, cleanup }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    test.skip(!target.mailboxURL, NEEDS_MAILBOX);
    const [bob, carol] = [await accounts.create('reset-own'), await accounts.create('reset-victim')];
    const mail = address(target.prefix, 'reset-own');
    await api.put(`/admin/users/${bob.uuid}/emails`, { token: await api.adminToken(), json: { emails: [{ address: mail, main: true, confirmed: true }] } });
    expect((await api.get('/users/password/reset', { query: { username: bob.username } })).status).toBe(204);
    const received = await awaitMail(target, cleanup, mail, 'password_reset');
    const res = await api.post('/users/password/reset', { token: received.token, query: { user_uuid: carol.uuid }, json: { password: newPassword() } });
    expect(res.status, res.describe()).toBe(401);
    const still = await api.login(carol, { expiration: 60 });
    expect(still.status, `carol's password is unchanged: ${still.describe()}`).toBe(200);
  });

  test('password null removes the password: no password login any more', covers('RESET-NULL-REMOVES-PASSWORD'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('reset-null');
    const res = await api.post('/users/password/reset', { token: await api.adminToken(), query: { user_uuid: bob.uuid }, json: { password: null } });
    expect(res.status, res.describe()).toBe(204);
    expectAuthenticationFailed(await api.login(bob, { expiration: 60 }));
  });

  test("a password reset ends the user's access tokens where the release does so", covers('RESET-REVOKES-SESSIONS'), async ({ api, accounts, target }) => {
    test.skip(!target.hasAdmin, NEEDS_ADMIN);
    const bob = await accounts.create('reset-revokes');
    const { token } = await api.loginOk(bob, { expiration: 600 });
    const res = await api.post('/users/password/reset', { token: await api.adminToken(), query: { user_uuid: bob.uuid }, json: { password: newPassword() } });
    expect(res.status, res.describe()).toBe(204);
    const read = await api.get(`/token/${token}`);
    expect([200, 404], `the user's token after the reset: ${read.describe()}`).toContain(read.status);
    if (observe('password-change-revokes-sessions', read.status === 404, `GET /token/{the user's token} after a password reset: ${read.describe()}`)) {
      expectNoSuchToken(read);
    } else {
      expect(read.status, read.describe()).toBe(200);
    }
  });
});

test(
  'POST /users/register is not there by default (404)',
  covers('REGISTER-DISABLED-404'),
  should(async ({ api }) => {
    // `{}`: were registration enabled, this body would be refused (400) without creating anything.
    const res = await api.post('/users/register', { json: {} });
    expect(res.status, res.describe()).toBe(404);
  }),
);

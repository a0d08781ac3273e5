import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact, redactDeep, redactToken, safeUrl } from './redact.ts';

const token = '4c8a7e12-3b5d-4f6e-9a1b-2c3d4e5f6a7b';

test('a token keeps only its last 8 characters', () => {
  assert.equal(redactToken(token), '…4e5f6a7b');
  assert.equal(redact(`GET /0.1/token/${token} → 404`), 'GET /0.1/token/…4e5f6a7b → 404');
});

test('passwords are removed wherever they appear, longest first', () => {
  assert.equal(redact('login alice-pw then alice-pw2', ['alice-pw', 'alice-pw2']), 'login [redacted] then [redacted]');
});

test('Basic credentials are removed (base64 of user:password is the password in clear)', () => {
  const header = `Authorization: Basic ${Buffer.from('alice:alice-pw').toString('base64')}`;
  assert.equal(redact(header, []), 'Authorization: Basic [redacted]');
});

test('JWT-shaped and long opaque tokens are shortened too', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl';
  assert.equal(redact(`token ${jwt}`, []), `token …${jwt.slice(-8)}`);
  const opaque = 'a'.repeat(20) + 'B'.repeat(20);
  assert.equal(redact(opaque, []), `…${opaque.slice(-8)}`);
});

test('ordinary text is left alone', () => {
  const text = 'expected 400, got 200 for POST /0.1/token (TOKEN-EXPIRATION-RANGE)';
  assert.equal(redact(text, ['secret-pw']), text);
});

test('redactDeep walks JSON values, keys included', () => {
  assert.deepEqual(redactDeep({ body: { [token]: [`x ${token}`, 3] } }, []), {
    body: { [redactToken(token)]: [`x ${redactToken(token)}`, 3] },
  });
});

test('safeUrl drops credentials, query and fragment', () => {
  assert.equal(safeUrl('https://alice:pw@wazo.example.com/api/auth/0.1/?x=1#y'), 'https://wazo.example.com/api/auth/0.1');
});

test('prose about Basic credentials is not taken for a header', () => {
  const title = 'Basic credentials without a colon get 401; Basic auth with an empty password';
  assert.equal(redact(title, []), title);
  assert.equal(redact(`Basic ${Buffer.from('no-colon').toString('base64')}`, []), `Basic ${Buffer.from('no-colon').toString('base64')}`);
  assert.equal(redact(`basic ${Buffer.from('alice:').toString('base64')}`, []), 'basic [redacted]');
});

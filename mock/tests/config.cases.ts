import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, HELP, resolveConfig } from '../config.ts';

const dir = mkdtempSync(join(tmpdir(), 'wazo-mock-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('configuration', () => {
  test('defaults: 127.0.0.1:9497, TLS auto, info, 100 sessions, the two default users, response checks on', () => {
    const config = resolveConfig([], {});
    assert.deepEqual(
      [config.host, config.port, config.tls, config.logLevel, config.maxUserSessions, config.checkResponses],
      ['127.0.0.1', 9497, 'auto', 'info', 100, true],
    );
    assert.deepEqual(config.users.map((u) => [u.username, u.purpose]), [['admin', 'internal'], ['alice', 'user']]);
    assert.equal(resolveConfig([], { NODE_ENV: 'production' }).checkResponses, false);
  });

  test('options beat environment variables, which beat defaults', () => {
    const env = { WAZO_MOCK_HOST: '0.0.0.0', WAZO_MOCK_PORT: '8000', WAZO_MOCK_TLS: 'off', WAZO_MOCK_LOG_LEVEL: 'debug', WAZO_MOCK_MAX_SESSIONS: '5', WAZO_MOCK_CHECK_RESPONSES: 'off' };
    const fromEnv = resolveConfig([], env);
    assert.deepEqual([fromEnv.host, fromEnv.port, fromEnv.tls, fromEnv.logLevel, fromEnv.maxUserSessions, fromEnv.checkResponses], ['0.0.0.0', 8000, 'off', 'debug', 5, false]);
    const fromArgs = resolveConfig(['--host', '::1', '--port', '0', '--tls', 'on', '--log-level', 'silent', '--max-sessions', '2', '--check-responses', 'on'], env);
    assert.deepEqual([fromArgs.host, fromArgs.port, fromArgs.tls, fromArgs.logLevel, fromArgs.maxUserSessions, fromArgs.checkResponses], ['::1', 0, 'on', 'silent', 2, true]);
  });

  test('the release played: the newest by default, --wazo-version, then WAZO_VERSION; unknown ones refused', () => {
    assert.equal(resolveConfig([], {}).wazoVersion, '26.05');
    assert.equal(resolveConfig([], { WAZO_VERSION: 'wazo-24.01' }).wazoVersion, '24.01');
    assert.equal(resolveConfig(['--wazo-version', 'master'], { WAZO_VERSION: '24.01' }).wazoVersion, 'master');
    assert.throws(() => resolveConfig(['--wazo-version', '23.17'], {}), (e: unknown) => e instanceof ConfigError && /not a supported wazo-auth release; give one of 24\.01 – master/.test(e.message));
  });

  test('invalid values are refused with a hint', () => {
    const cases: [string[], RegExp][] = [
      [['--port', 'http'], /0 to 65535/],
      [['--port', '70000'], /0 to 65535/],
      [['--tls', 'maybe'], /auto, on, off/],
      [['--log-level', 'loud'], /silent, error, info, debug/],
      [['--max-sessions', '0'], /at least 1/],
      [['--cert', '/nope.pem'], /go together/],
      [['--cert', '/nope.pem', '--key', '/nope.key'], /cannot read/],
      [['--bogus'], /--help/],
      [['extra'], /--help/],
    ];
    for (const [args, message] of cases) assert.throws(() => resolveConfig(args, {}), (e: unknown) => e instanceof ConfigError && message.test(e.message), args.join(' '));
  });

  test('a users file replaces the default users; defaults fill the optional fields', () => {
    const path = file('users.yaml', 'users:\n  - {username: carol, password: carol-pw, acl: ["confd.#"]}\n  - username: dave\n    password: 1234\n    purpose: internal\n    uuid: D0000000-0000-4000-8000-000000000004\n');
    const config = resolveConfig(['--users', path], {});
    assert.equal(config.usersFile, path);
    assert.deepEqual(config.users.map((u) => u.username), ['carol', 'dave']);
    assert.deepEqual(config.users[0]!.acl, ['confd.#']);
    assert.equal(config.users[0]!.purpose, 'user');
    assert.match(config.users[0]!.uuid, /^[0-9a-f-]{36}$/);
    assert.equal(config.users[1]!.password, '1234');
    assert.equal(config.users[1]!.uuid, 'd0000000-0000-4000-8000-000000000004');
    assert.equal(resolveConfig([], { WAZO_MOCK_USERS: file('list.yaml', '- {username: erin, password: x}\n') }).users[0]!.username, 'erin');
  });

  test('a JSON users file is read as such, and a YAML flow list starting with [ still parses', () => {
    const json = file('users.json', JSON.stringify({ users: [{ username: 'frank', password: 'f-pw', acl: ['confd.#'] }] }));
    const config = resolveConfig(['--users', json], {});
    assert.deepEqual(config.users.map((u) => [u.username, u.password, u.acl]), [['frank', 'f-pw', ['confd.#']]]);
    // Not JSON (unquoted keys), but valid YAML: the YAML parser takes over.
    assert.equal(resolveConfig(['--users', file('flow.yaml', '[{username: gina, password: g-pw}]')], {}).users[0]!.username, 'gina');
    assert.throws(() => resolveConfig(['--users', file('bad.json', '{"users": [')], {}), /not valid YAML/);
  });

    test('a broken users file is refused with the user and the field at fault', () => {
    const cases: [string, RegExp][] = [
      ['users: []', /non-empty list/],
      ['- {password: x}', /user #1: "username" is required/],
      ['- {username: a}', /"password" is required/],
      ['- {username: a, password: x}\n- {username: a, password: y}', /user #2: username "a" appears twice/],
      ['- {username: a, password: x, purpose: root}', /"purpose" must be one of user, internal, external_api/],
      ['- {username: a, password: x, uuid: 12}', /"uuid" must be a UUID/],
      ['- {username: a, password: x, acl: "#"}', /"acl" must be a list/],
      ['users: [', /not valid YAML/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => resolveConfig(['--users', file('bad.yaml', text)], {}), (e: unknown) => e instanceof ConfigError && message.test(e.message), text);
    }
    assert.throws(() => resolveConfig(['--users', join(dir, 'missing.yaml')], {}), /cannot read/);
  });

  test('--help documents every option with its variable and default', () => {
    assert.equal(resolveConfig(['--help'], {}).help, true);
    for (const word of ['--host', 'WAZO_MOCK_HOST', '127.0.0.1', '--port', '9497', '--users', '--tls', 'auto', '--cert', '--key', '--log-level', 'info', '--max-sessions', '100', '/_mock/']) {
      assert.ok(HELP.includes(word), word);
    }
  });
});

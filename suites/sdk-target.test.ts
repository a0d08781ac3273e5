/** Where the @wazo/sdk profile points the SDK (sdk-target.ts). Run: node --import tsx --test suites/sdk-target.test.ts */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { sdkTarget } from './sdk-target.ts';

const remote = (baseURL: string, insecure = false) => sdkTarget({ baseURL, embeddedMock: false, insecure });

test('the embedded mock: its port over HTTPS, its self-signed certificate accepted', () => {
  assert.deepEqual(sdkTarget({ baseURL: 'http://127.0.0.1:4321/0.1', embeddedMock: true, mockPort: 4321, insecure: false }), { server: '127.0.0.1:4321', insecure: true });
});

test('a target at https://HOST[:PORT]/api/auth/0.1: server is HOST[:PORT], WAZO_INSECURE honoured', () => {
  assert.deepEqual(remote('https://wazo.example.com/api/auth/0.1'), { server: 'wazo.example.com', insecure: false });
  assert.deepEqual(remote('https://10.0.0.5:8443/api/auth/0.1/', true), { server: '10.0.0.5:8443', insecure: true });
  assert.deepEqual(remote('https://[::1]:9497/api/auth/0.1'), { server: '[::1]:9497', insecure: false });
});

test('any other URL form goes through the relay, to the target URL as given, WAZO_INSECURE honoured', () => {
  for (const url of ['http://127.0.0.1:9497/0.1', 'http://wazo.example.com/api/auth/0.1', 'https://wazo.example.com/0.1', 'https://wazo.example.com:9497/0.1', 'https://wazo.example.com/auth/api/auth/0.1']) {
    assert.deepEqual(remote(url), { relay: { upstream: url, insecure: false } }, url);
  }
  assert.deepEqual(remote('https://wazo.example.com:9497/0.1', true), { relay: { upstream: 'https://wazo.example.com:9497/0.1', insecure: true } });
});

test('an unusable URL is skipped with the reason', () => {
  const result = remote('not a url');
  assert.ok('skip' in result);
  assert.match(result.skip, /not a valid URL/);
});

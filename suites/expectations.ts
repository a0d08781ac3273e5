/**
 * Assertions shared by several areas. They read only non-secret fields, so a failure message never
 * prints a token or a password; the exchange summary they add is redacted (Exchange.describe).
 */
import { expect } from '@playwright/test';
import type { Exchange, Json } from './api.ts';
import { secondsBetween } from './time.ts';

/** The /token error shape: `{reason: [msg], timestamp: [number], status_code}` (obs. 7a, 7g, 8c). */
export function expectErrorShape(res: Exchange, status: number): void {
  expect(res.status, res.describe()).toBe(status);
  const body = res.body as Json;
  expect(Array.isArray(body?.reason) && body.reason.length >= 1 && body.reason.every((r: unknown) => typeof r === 'string'), `reason is a list of strings: ${res.describe()}`).toBe(true);
  expect(Array.isArray(body?.timestamp) && body.timestamp.every((n: unknown) => typeof n === 'number'), `timestamp is a list of numbers: ${res.describe()}`).toBe(true);
  expect(body?.status_code, `status_code repeats the status: ${res.describe()}`).toBe(status);
}

/** 401 `Authentication Failed` in the /token error shape (obs. 7a–7d4, 4a–4c). */
export function expectAuthenticationFailed(res: Exchange): void {
  expectErrorShape(res, 401);
  expect(res.body.reason[0], res.describe()).toBe('Authentication Failed');
}

/** 404 `No such token` in the /token error shape (obs. 8c, 8f). HEAD answers carry no body. */
export function expectNoSuchToken(res: Exchange): void {
  expect(res.status, res.describe()).toBe(404);
  if (!res.line.startsWith('HEAD')) {
    expectErrorShape(res, 404);
    expect(res.body.reason[0], res.describe()).toBe('No such token');
  }
}

/** The 401 of resource endpoints: APIError with error_id `unauthorized` and the ACL needed (obs. 5a, 9b2, 10g). */
export function expectUnauthorized(res: Exchange): void {
  expect(res.status, res.describe()).toBe(401);
  expect(res.body?.error_id, res.describe()).toBe('unauthorized');
  expect(typeof res.body?.message, res.describe()).toBe('string');
  expect(typeof res.body?.details?.required_access, `details.required_access: ${res.describe()}`).toBe('string');
  expect(res.body.details.required_access.length, `details.required_access is not empty: ${res.describe()}`).toBeGreaterThan(0);
}

/** A validation 400 of POST /token naming the refused field in its reason (obs. 7g, 7s). */
export function expectTokenValidationError(res: Exchange, ...fields: string[]): void {
  expectErrorShape(res, 400);
  for (const field of fields) expect(res.body.reason[0], `the reason names "${field}": ${res.describe()}`).toContain(field);
}

/** The lifetime a token answer declares, from both timestamp pairs; both must equal `seconds` within 1 s. */
export function expectLifetime(data: Json, seconds: number, what: string): void {
  const utc = secondsBetween(data?.utc_issued_at, data?.utc_expires_at);
  const local = secondsBetween(data?.issued_at, data?.expires_at);
  expect(Math.abs(utc - seconds), `${what}: utc_expires_at − utc_issued_at = ${utc} s, expected ${seconds} s (±1)`).toBeLessThanOrEqual(1);
  expect(Math.abs(local - seconds), `${what}: expires_at − issued_at = ${local} s, expected ${seconds} s (±1)`).toBeLessThanOrEqual(1);
}

/** The `Wazo-Sessions-Revoked` count of a POST /token answer (NaN when absent or not a count). */
export function sessionsRevoked(res: Exchange): number {
  const value = res.header('wazo-sessions-revoked');
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
}

/**
 * Time helpers: wazo-auth's zone-less ISO timestamps, and bounded polling for expiry tests (no fixed
 * sleeps: a test waits only as long as the server takes, up to a deadline).
 */

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Milliseconds since the epoch of an ISO 8601 timestamp such as `2026-11-28T06:20:12.919559`
 * (wazo-auth's `utc_` fields carry no zone, obs. 1a). A zone-less value is read as UTC, so that
 * differences do not depend on the machine's time zone. NaN when the text is not such a timestamp.
 */
export function parseTimestamp(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  const m = NAIVE.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + Number(`0.${frac || '0'}`) * 1000;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/** `later − earlier` in seconds (NaN when either is not a timestamp). */
export function secondsBetween(earlier: unknown, later: unknown): number {
  return (parseTimestamp(later) - parseTimestamp(earlier)) / 1000;
}

/**
 * Calls `probe` until `done(result)` holds or `timeoutMs` passes; returns the last result (the caller
 * asserts on it, so a deadline miss fails with the last answer in the message).
 */
export async function pollUntil<T>(probe: () => Promise<T>, done: (result: T) => boolean, { timeoutMs, intervalMs = 200 }: { timeoutMs: number; intervalMs?: number }): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await probe();
    if (done(result) || Date.now() >= deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

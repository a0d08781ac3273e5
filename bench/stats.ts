/**
 * Small statistics helpers for the report.
 */

/** The median of `values` (mean of the two middle values for an even count); NaN when empty. */
export function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** `a / b`, NaN when b is 0 or either is not finite. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/** Megabytes (10^6 bytes) with one decimal. */
export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 1e6).toFixed(1) : 'n/a';
}

/** A number with thousands separators and no decimals. */
export function int(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/** Milliseconds with two decimals (sub-millisecond latencies matter here). */
export function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

/** A ratio as `5.3×`. */
export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

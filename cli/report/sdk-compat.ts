/**
 * The @wazo/sdk compatibility line of the reports: the requirements of area `sdk` (SDK-COMPAT-*,
 * checked by suites/sdk.spec.ts with the installed, pinned @wazo/sdk) summed up as one verdict,
 * "compatible with @wazo/sdk 0.44.7".
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RequirementResult, SdkCompatibility } from './model.ts';

/** The catalogue area of the compatibility profile. */
export const SDK_AREA = 'sdk';
/** The package the profile drives. */
export const SDK_PACKAGE = '@wazo/sdk';

/** The installed @wazo/sdk's version, from its package.json; null when it is not installed. */
export function installedSdkVersion(): string | null {
  try {
    // Its `exports` map does not expose package.json: go up from the resolved entry point (dist/...).
    const entry = createRequire(import.meta.url).resolve(SDK_PACKAGE);
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === SDK_PACKAGE && typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

/** What the summary line says when the SDK reached the target through the kit's relay. */
export const RELAYED = "through the kit's TLS relay";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The verdict over the `sdk` requirements; undefined when the catalogue has none.
 * - compatible: every one passed (a `should` warning counts as passed: it does not break the SDK);
 * - incompatible: one failed, or is an expected failure (the host is known not to support that flow);
 * - partial: none failed but some were skipped (e.g. under --grep);
 * - not-checked: all skipped, with the first reason (e.g. @wazo/sdk is not installed).
 * `relay` (the `sdk-relay` annotation of the profile's tests) says the SDK reached the target through
 * the kit's TLS relay (suites/sdk-relay.ts); the summary says so.
 */
export function sdkCompatibility(requirements: readonly RequirementResult[], version: string | null, relay?: string): SdkCompatibility | undefined {
  const profile = requirements.filter((r) => r.area === SDK_AREA);
  if (profile.length === 0) return undefined;
  const name = `${version ? `${SDK_PACKAGE} ${version}` : `${SDK_PACKAGE} (version unknown)`}${relay ? ` (${RELAYED})` : ''}`;
  const failed = profile.filter((r) => r.status === 'failed' || r.status === 'expected-failure').map((r) => r.id);
  const skipped = profile.filter((r) => r.status === 'skipped');
  const passed = profile.length - failed.length - skipped.length;
  const base = { package: SDK_PACKAGE, version, requirements: profile.length, passed, failed, ...(relay ? { relay } : {}) };
  if (failed.length > 0) {
    return { ...base, status: 'incompatible', summary: `not compatible with ${name}: ${failed.join(', ')} ${failed.length === 1 ? 'fails' : 'fail'}` };
  }
  if (skipped.length === profile.length) {
    return { ...base, status: 'not-checked', summary: `compatibility with ${name} not checked: ${skipped[0]!.reason ?? 'skipped'}` };
  }
  if (skipped.length > 0) {
    return { ...base, status: 'partial', summary: `compatible with ${name} as far as checked: ${passed} of ${plural(profile.length, 'flow')} passed, ${skipped.length} skipped` };
  }
  return { ...base, status: 'compatible', summary: `compatible with ${name}` };
}

/**
 * Shrinks a failing case to a minimal request that still fails the same way: greedy removal of
 * everything the failure does not need (query parameters, optional headers, body properties), a shorter
 * broken string, the plain user's token instead of another. Each candidate keeps what made the case
 * what it is: a valid case stays valid by the description, a broken one keeps its one broken
 * constraint, an odd credential or encoding keeps its otherwise valid request.
 */
import type { ApiSpec, JsonObject } from '../spec/loader.ts';
import { isValidRequest, repairable, REQUIRED_FOR_CLEANUP, type FuzzCase } from './cases.ts';

const CONSTRAINTS = new Set(['type', 'range', 'length', 'enum', 'format', 'required', 'extra-property']);

/** Whether a candidate keeps the class of the original case (see the module comment). */
export function keepsClass(spec: ApiSpec, original: FuzzCase, candidate: FuzzCase): boolean {
  const kind = original.mutation?.kind;
  if (!kind) return isValidRequest(spec, candidate);
  // Still broken, and still in that one field only (repairable: a valid value there makes it valid).
  if (CONSTRAINTS.has(kind)) return !isValidRequest(spec, candidate) && repairable(spec, candidate) && present(candidate) === present(original);
  if (kind === 'malformed-json') return true;
  // credentials, content type, odd header: the rest of the request stays valid.
  return isValidRequest(spec, { ...candidate, body: candidate.body.kind === 'json' ? { ...candidate.body, contentType: 'application/json' } : candidate.body });
}

/** Whether the broken field of a constraint case is there (a `required` break is an absent one). */
function present(c: FuzzCase): boolean {
  const where = c.mutation?.where ?? '';
  const [area, name] = where.split('.', 2) as [string, string | undefined];
  if (area === 'body') {
    if (name === undefined) return c.body.kind !== 'none';
    return c.body.kind === 'json' && c.body.value !== null && typeof c.body.value === 'object' && name in (c.body.value as JsonObject);
  }
  if (area === 'query') return c.query.some(([k]) => k === name);
  return true;
}

/** Simpler variants of a case, most promising first (not yet filtered by {@link keepsClass}). */
export function simplifications(c: FuzzCase, spec?: ApiSpec): FuzzCase[] {
  const out: FuzzCase[] = [];
  const mutated = c.mutation?.where;
  for (const [name] of c.query) if (mutated !== `query.${name}`) out.push({ ...c, query: c.query.filter(([k]) => k !== name) });
  for (const name of Object.keys(c.headers)) {
    if (mutated?.toLowerCase() === `header.${name}`) continue;
    const { [name]: _dropped, ...rest } = c.headers;
    out.push({ ...c, headers: rest });
  }
  if (c.body.kind === 'json' && c.body.value && typeof c.body.value === 'object' && !Array.isArray(c.body.value)) {
    const value = c.body.value as JsonObject;
    for (const name of Object.keys(value)) {
      // The broken field stays, and so does what the clean-up finds a created user by.
      if (mutated === `body.${name}` || (REQUIRED_FOR_CLEANUP[c.operationId] ?? []).includes(name)) continue;
      const { [name]: _dropped, ...rest } = value;
      out.push({ ...c, body: { ...c.body, value: rest } });
    }
    // A shorter broken string: half as long, while the description still refuses it.
    const name = mutated?.startsWith('body.') ? mutated.slice(5) : undefined;
    const broken = name !== undefined ? value[name] : undefined;
    if (typeof broken === 'string' && broken.length > 64) {
      // Just past the schema's maxLength, when it has one; else half as long.
      const schema = spec ? ((spec.operation(c.operationId).requestBody?.object.properties ?? {}) as Record<string, JsonObject>)[name!] : undefined;
      const max = typeof schema?.maxLength === 'number' ? schema.maxLength : undefined;
      if (max !== undefined && broken.length > max + 1) out.push({ ...c, body: { ...c.body, value: { ...value, [name!]: broken.slice(0, max + 1) } } });
      out.push({ ...c, body: { ...c.body, value: { ...value, [name!]: broken.slice(0, Math.ceil(broken.length / 2)) } } });
    }
  }
  if (c.auth.kind === 'token' && c.auth.token !== 'userToken' && c.auth.token !== 'refreshToken') out.push({ ...c, auth: { ...c.auth, token: 'userToken' } });
  if (c.auth.kind === 'basic' && c.auth.who !== 'user' && !Object.keys(c.headers).includes('wazo-session-type')) out.push({ ...c, auth: { kind: 'basic', who: 'user' } });
  return out;
}

/**
 * Greedy shrinking: takes the first simplification that still fails (`reproduces`), and starts again
 * from it, until none does or `maxAttempts` candidates were tried.
 */
export async function shrink(spec: ApiSpec, c: FuzzCase, reproduces: (candidate: FuzzCase) => Promise<boolean>, maxAttempts: number): Promise<{ case: FuzzCase; attempts: number }> {
  let current = c;
  let attempts = 0;
  for (let progress = true; progress && attempts < maxAttempts; ) {
    progress = false;
    for (const candidate of simplifications(current, spec)) {
      if (!keepsClass(spec, c, candidate)) continue;
      if (attempts >= maxAttempts) break;
      attempts++;
      if (await reproduces(candidate)) {
        current = candidate;
        progress = true;
        break;
      }
    }
  }
  return { case: current, attempts };
}

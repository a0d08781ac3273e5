/**
 * Matching: strips the `/0.1` or `/api/auth/0.1` prefix (the spec's servers) and asks the loader which
 * operation a path and method name. Unknown paths and wrong methods are answered from here only.
 */
import type { ApiSpec, HttpMethod, Operation } from '../spec/loader.ts';

/** Where the developer controls live: outside every API prefix, so they cannot clash with it. */
export const DEV_CONTROLS_PREFIX = '/_mock';

/** What a request path and method lead to. */
export type Route =
  | { kind: 'operation'; operation: Operation; params: Record<string, string>; prefix: string }
  | { kind: 'preflight'; allow: string[] }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' }
  | { kind: 'dev-control'; path: string };

const allowCache = new WeakMap<Map<HttpMethod, Operation>, string[]>();
const prefixCache = new WeakMap<ApiSpec, string[]>();

/** The methods a path answers, as Flask lists them in `Allow`: HEAD with GET, always OPTIONS (obs. 12b, 12g). */
export function allowedMethods(operations: Map<HttpMethod, Operation>): string[] {
  const cached = allowCache.get(operations);
  if (cached) return cached;
  const methods = new Set<string>([...operations.keys()].map((m) => m.toUpperCase()));
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  const allow = [...methods].sort();
  allowCache.set(operations, allow);
  return allow;
}

/** The spec's server paths, longest first (so `/api/auth/0.1` is tried before a shorter prefix). */
function prefixesOf(spec: ApiSpec): string[] {
  let prefixes = prefixCache.get(spec);
  if (!prefixes) {
    prefixes = [...spec.serverPaths].sort((a, b) => b.length - a.length).map((p) => `${p}/`);
    prefixCache.set(spec, prefixes);
  }
  return prefixes;
}

/** Routes one request. `pathname` is the raw path, without the query string. */
export function route(spec: ApiSpec, method: string, pathname: string): Route {
  if (pathname === DEV_CONTROLS_PREFIX || pathname.startsWith(`${DEV_CONTROLS_PREFIX}/`)) {
    return { kind: 'dev-control', path: pathname.slice(DEV_CONTROLS_PREFIX.length) || '/' };
  }
  const withSlash = prefixesOf(spec).find((p) => pathname.startsWith(p));
  if (!withSlash) return { kind: 'not-found' };
  const prefix = withSlash.slice(0, -1);
  const match = spec.match(pathname.slice(prefix.length));
  if (!match) return { kind: 'not-found' };
  const verb = method.toLowerCase();
  if (verb === 'options') return { kind: 'preflight', allow: allowedMethods(match.operations) };
  // Flask answers HEAD with the GET view when no HEAD view is declared.
  const operation = match.operations.get(verb as HttpMethod) ?? (verb === 'head' ? match.operations.get('get') : undefined);
  if (!operation) return { kind: 'method-not-allowed', allow: allowedMethods(match.operations) };
  return { kind: 'operation', operation, params: match.params, prefix };
}

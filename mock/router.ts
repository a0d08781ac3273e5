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

/** The methods a path answers, as Flask lists them in `Allow`: HEAD with GET, always OPTIONS (obs. 12b, 12g). */
export function allowedMethods(operations: Map<HttpMethod, Operation>): string[] {
  const methods = new Set<string>([...operations.keys()].map((m) => m.toUpperCase()));
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].sort();
}

/** Routes one request. `pathname` is the raw path, without the query string. */
export function route(spec: ApiSpec, method: string, pathname: string): Route {
  if (pathname === DEV_CONTROLS_PREFIX || pathname.startsWith(`${DEV_CONTROLS_PREFIX}/`)) {
    return { kind: 'dev-control', path: pathname.slice(DEV_CONTROLS_PREFIX.length) || '/' };
  }
  const prefix = [...spec.serverPaths].sort((a, b) => b.length - a.length).find((p) => pathname.startsWith(`${p}/`));
  if (!prefix) return { kind: 'not-found' };
  const match = spec.match(pathname.slice(prefix.length));
  if (!match) return { kind: 'not-found' };
  const allow = allowedMethods(match.operations);
  const verb = method.toLowerCase();
  if (verb === 'options') return { kind: 'preflight', allow };
  // Flask answers HEAD with the GET view when no HEAD view is declared.
  const operation = match.operations.get(verb as HttpMethod) ?? (verb === 'head' ? match.operations.get('get') : undefined);
  if (!operation) return { kind: 'method-not-allowed', allow };
  return { kind: 'operation', operation, params: match.params, prefix };
}

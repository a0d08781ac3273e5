/**
 * CORS as the real service does it (flask-cors with wazo-auth's default `rest_api.cors` config,
 * obs. 12d–12e): `Access-Control-Allow-Origin: *` without an Origin, the Origin echoed with
 * `Vary: Origin` with one; preflights list every method and only the requested headers that are
 * allowed (matched without case, sorted, omitted when none is).
 */

/** wazo-auth's default `rest_api.cors.allow_headers` (obs. 12j). */
export const CORS_ALLOWED_HEADERS: readonly string[] = ['Content-Type', 'Authorization', 'X-Auth-Token', 'Wazo-Tenant', 'Wazo-Session-Type'];

/** What preflights allow (obs. 12d). */
export const CORS_ALLOWED_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

const ALLOWED = new Set(CORS_ALLOWED_HEADERS.map((h) => h.toLowerCase()));

/** Headers every response carries. */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  return origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : { 'Access-Control-Allow-Origin': '*' };
}

/** Headers of a preflight (OPTIONS) answer, on top of {@link corsHeaders}. */
export function preflightHeaders(origin: string | undefined, requestedHeaders: string | undefined): Record<string, string> {
  if (!origin) return {};
  const requested = (requestedHeaders ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '' && ALLOWED.has(h.toLowerCase()));
  const headers: Record<string, string> = {};
  if (requested.length > 0) headers['Access-Control-Allow-Headers'] = [...new Set(requested)].sort().join(', ');
  headers['Access-Control-Allow-Methods'] = CORS_ALLOWED_METHODS;
  return headers;
}

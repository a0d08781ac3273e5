/**
 * The request pipeline, free of sockets: match → validate → authorize → dispatch → respond, then the
 * response check against the spec. `server.ts` feeds it parsed requests and writes what it returns.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorObject } from 'ajv';
import type { ApiSpec, JsonObject, Operation } from '../spec/loader.ts';
import { authorize, operationAccess } from './authorize.ts';
import { corsHeaders, preflightHeaders } from './cors.ts';
import { handleDevControl } from './dev-controls.ts';
import { bareError, errorBody, errors, errorText, MockHttpError, toErrorResponse, type MockResponse } from './errors.ts';
import { waivedByFault, type FaultRegistry, type OperationFault } from './faults.ts';
import { handlers, unhandledOperations } from './handlers/index.ts';
import { authorizeReset } from './handlers/password-reset.ts';
import type { HandlerContext } from './handlers/types.ts';
import type { Logger } from './log.ts';
import { route } from './router.ts';
import type { MockState } from './state/index.ts';
import { declaredErrorShape, parseJsonBody, validateBody, validateParameters, type RequestParameters } from './validate.ts';

/** A request as the server read it. */
export interface IncomingRequest {
  method: string;
  /** The request target as sent: path and query string. */
  target: string;
  headers: IncomingHttpHeaders;
  body?: Buffer;
  remoteAddress: string;
}

/** A response that did not match the spec. */
export interface CheckFailure {
  operationId: string;
  request: string;
  status: number;
  errors: string[];
  /** The behaviour faults that were on: with any, the mismatch is most likely deliberate. */
  faults: string[];
}

/** What the pipeline needs. */
export interface AppOptions {
  spec: ApiSpec;
  state: MockState;
  /** Operation faults and the behaviour faults in force (read live at every request). */
  faults: FaultRegistry;
  logger: Logger;
  /** Check every answer against the spec (development and tests). */
  checkResponses: boolean;
  /** Called for each answer that does not match the spec, after it is logged. */
  onCheckFailure?: (failure: CheckFailure) => void;
}

/** The answer to one request, with what the log line needs. */
export interface Handled {
  response: MockResponse;
  operationId?: string;
}

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

function splitTarget(target: string): { pathname: string; query: Record<string, string> } {
  const at = target.indexOf('?');
  const pathname = at < 0 ? target : target.slice(0, at);
  const query: Record<string, string> = {};
  if (at >= 0) {
    // Flask's `request.args.get` takes the first value of a repeated parameter.
    for (const [key, value] of new URLSearchParams(target.slice(at + 1))) if (!(key in query)) query[key] = value;
  }
  return { pathname, query };
}

const declaredHeaders = new WeakMap<Operation, string[]>();

/** The request headers the operation declares as parameters (lower-cased, as node gives them). */
function headerParams(operation: Operation, headers: IncomingHttpHeaders): Record<string, string> {
  let names = declaredHeaders.get(operation);
  if (!names) {
    names = operation.parameters.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase());
    declaredHeaders.set(operation, names);
  }
  const out: Record<string, string> = {};
  for (const name of names) {
    const text = first(headers[name]);
    if (text !== undefined) out[name] = text;
  }
  return out;
}

function clientAddress(request: IncomingRequest): string {
  // The service runs behind ProxyFix(x_for=1): the last X-Forwarded-For hop is the client (obs. 12e2).
  const forwarded = first(request.headers['x-forwarded-for']);
  const hop = forwarded?.split(',').pop()?.trim();
  if (hop) return hop;
  return request.remoteAddress.replace(/^::ffff:/, '');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A web page the developer happens to have open must not reset or steer the local mock: a browser
 * sends `Origin` with every cross-origin POST, PUT or DELETE (even a "simple" one, which skips the
 * preflight), so such a change of the developer controls is refused unless it comes from the mock's
 * own origin (the state page). Tools such as curl or test code send no Origin and are not affected.
 */
function refuseCrossOriginChange(method: string, origin: string | undefined, host: string | undefined): void {
  if (!origin || method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
  let originHost: string | undefined;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = undefined;
  }
  if (originHost !== undefined && originHost === host) return;
  throw bareError(403, `[mock] the developer controls refuse changes from another origin (${origin}); use the state page at /_mock/ or a tool without an Origin header`);
}

/** Builds the pipeline for one server. Throws if an operation of the spec has no handler. */
export function createApp(options: AppOptions): { handle(request: IncomingRequest): Promise<Handled> } {
  const { spec, state, faults, logger } = options;
  const missing = unhandledOperations(spec);
  if (missing.length > 0) throw new Error(`[mock] no handler for operation(s) ${missing.join(', ')} of spec/wazo-auth.yaml`);
  const behaviourFaults = faults.behaviour;
  const bareMessage = spec.compile((spec.document.components as { schemas: Record<string, JsonObject> }).schemas.BareMessage!);

  function runOperation(
    request: IncomingRequest,
    operation: Operation,
    pathParams: Record<string, string>,
    query: Record<string, string>,
    fault: OperationFault | undefined,
  ): { response: MockResponse; injected: boolean } {
    if (fault?.status !== undefined) {
      const message = `[mock] fault injected by /_mock/faults: ${fault.status} on ${operation.operationId}`;
      const shape = declaredErrorShape(spec, operation, fault.status);
      const payload =
        shape === 'Error'
          ? { shape, reason: message }
          : shape === 'APIError'
            ? { shape, message, error_id: 'mock-fault', details: {} }
            : { shape, message };
      return { response: { status: fault.status, headers: {}, body: errorBody(fault.status, payload, state.now()) }, injected: true };
    }
    const params: RequestParameters = validateParameters(spec, operation, { path: pathParams, query, header: headerParams(operation, request.headers) });
    // Upstream's plugin switched off by default (`x-wazo-plugin-disabled`): the path does not exist.
    if (operation.extensions['x-wazo-plugin-disabled'] === true) throw errors.notFound();
    const required = operationAccess(operation, params.path);
    const tokenInQuery = operation.extensions['x-wazo-token-in-query'] === true;
    // POST /users/password/reset checks its token itself, against the query's user_uuid, before the body.
    const caller =
      operation.operationId === 'resetPassword'
        ? authorizeReset(state, request.headers, query, behaviourFaults)
        : required === undefined
          ? undefined
          : authorize(state, required, request.headers, behaviourFaults, query.token, tokenInQuery);
    // Before 24.10 (`query-string-token-refused`) a `?token=` passed the check, then the tenant lookup,
    // which reads the header only, found no token: 404 No such token (the password change went through).
    if (caller && query.token !== undefined && !first(request.headers['x-auth-token']) && operation.operationId !== 'changeUserPassword' && !tokenInQuery) throw errors.noSuchToken();
    // The body is read after the token check, as in the service (its decorator runs first). A behaviour
    // fault may waive one validation rule (mock/faults.ts `waivedByFault`).
    const waive = behaviourFaults.size > 0 ? (error: ErrorObject, data: JsonObject) => waivedByFault(behaviourFaults, error, data) : undefined;
    // `x-wazo-raw-body`: the handler reads the body itself (a form, or JSON the service reads its own way).
    const rawBody = operation.extensions['x-wazo-raw-body'] === true;
    // `x-wazo-any-json-body`: the service takes any JSON value there (a JSON-Patch list, a stored external
    // config); the handler reads it as `jsonBody`, unparseable bodies still get werkzeug's bare 400.
    const anyJson = operation.extensions['x-wazo-any-json-body'] === true;
    const jsonBody = operation.requestBody && anyJson ? parseJsonBody(request.body) : undefined;
    const body = operation.requestBody && !rawBody && !anyJson ? validateBody(spec, operation, parseJsonBody(request.body), waive) : {};
    const context: HandlerContext = {
      spec,
      operation,
      state,
      params,
      body,
      jsonBody,
      caller,
      remoteAddr: clientAddress(request),
      userAgent: first(request.headers['user-agent']) ?? '',
      host: first(request.headers.host),
      scriptName: first(request.headers['x-script-name']),
      authorization: first(request.headers.authorization),
      faults: behaviourFaults,
      ...(rawBody ? { rawBody: { bytes: request.body ?? Buffer.alloc(0), contentType: first(request.headers['content-type']) ?? '' } } : {}),
      token: first(request.headers['x-auth-token']),
    };
    const result = handlers[operation.operationId]!(context);
    const response: MockResponse = { status: result.status, headers: { ...result.headers } };
    if (result.text) {
      response.text = result.text.body;
      response.headers['Content-Type'] = result.text.contentType;
    } else if (result.body !== undefined && result.status !== 204) {
      response.body = result.body;
    }
    return { response, injected: false };
  }

  function check(operation: Operation | undefined, request: IncomingRequest, response: MockResponse, isBare: boolean): void {
    if (!options.checkResponses) return;
    const observed = { status: response.status, headers: response.headers, body: response.text ?? response.body };
    let problems: string[] = [];
    if (operation) {
      const result = spec.checkResponse(operation.operationId, observed);
      // HTTP-level answers (unparseable body, 413, 500) are werkzeug's, whatever the operation declares.
      if (!result.ok && !(isBare && bareMessage(response.body))) problems = result.errors;
    } else if (isBare && !bareMessage(response.body)) {
      problems = [`HTTP-level ${response.status} answer is not a BareMessage`];
    }
    if (problems.length === 0) return;
    const on = [...behaviourFaults];
    const failure: CheckFailure = { operationId: operation?.operationId ?? '(none)', request: `${request.method} ${request.target}`, status: response.status, errors: problems, faults: on };
    // The answer is sent as it is either way: a fault's off-spec answer is what the suite must see.
    if (on.length > 0) logger.info(`response does not match spec/wazo-auth.yaml (fault ${on.join(', ')} on): ${failure.operationId} ${response.status}: ${problems.join('; ')}`);
    else logger.error(`response does not match spec/wazo-auth.yaml: ${failure.operationId} ${response.status}: ${problems.join('; ')}`);
    options.onCheckFailure?.(failure);
  }

  return {
    async handle(request) {
      const method = request.method.toUpperCase();
      const origin = first(request.headers.origin);
      const { pathname, query } = splitTarget(request.target);
      let operation: Operation | undefined;
      let response: MockResponse;
      let isBare = false;
      let injected = false;
      let devControl = false;
      try {
        const routed = route(spec, method, pathname);
        switch (routed.kind) {
          case 'dev-control':
            devControl = true;
            refuseCrossOriginChange(method, origin, first(request.headers.host));
            response = handleDevControl({ spec, state, faults }, method, routed.path, request.body);
            break;
          case 'not-found':
            throw errors.notFound(); // JSON, where the real service sends HTML (obs. 12f)
          case 'method-not-allowed':
            // Fault `method-not-allowed-as-404`: a router that knows paths only, not their methods.
            throw behaviourFaults.has('method-not-allowed-as-404') ? errors.notFound() : errors.methodNotAllowed(routed.allow);
          case 'preflight':
            response = {
              status: 200,
              headers: {
                'Content-Type': 'text/html; charset=utf-8',
                Allow: routed.allow.join(', '),
                ...(behaviourFaults.has('no-cors') ? {} : preflightHeaders(origin, first(request.headers['access-control-request-headers']))),
              },
              text: '',
            };
            break;
          case 'operation':
            operation = routed.operation;
            {
              const fault = faults.take(operation.operationId);
              // Awaited only when a fault asks for latency: every other request is answered in one go.
              if (fault?.latencyMs) await sleep(fault.latencyMs);
              ({ response, injected } = runOperation(request, routed.operation, routed.params, query, fault));
            }
            break;
        }
      } catch (error) {
        if (error instanceof MockHttpError) {
          response = toErrorResponse(error, state.now());
          isBare = error.payload.shape === 'BareMessage';
          // Fault `error-shape-changed`: one generic error body for every error, instead of the service's three.
          if (!devControl && behaviourFaults.has('error-shape-changed')) {
            response.body = { error: { code: error.status, message: errorText(error.payload) } };
          }
        } else {
          logger.error(`unexpected error on ${method} ${pathname.replace(/(\/token\/)[^/]+/, '$1…')}`, error);
          response = toErrorResponse(errors.internal(), state.now());
          isBare = true;
        }
      }
      // Fault `no-cors`: a server without CORS support.
      // The developer controls are for the state page (same origin) and for tools (no Origin): no CORS.
      response.headers = { 'Content-Type': 'application/json', ...response.headers, ...(behaviourFaults.has('no-cors') || devControl ? {} : corsHeaders(origin)) };
      if (!devControl && !injected) check(operation, request, response, isBare);
      return { response, operationId: operation?.operationId };
    },
  };
}

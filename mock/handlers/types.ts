/**
 * What a handler gets and returns. Handlers are keyed by the spec's operationId; by the time one
 * runs, the route matched, parameters and body passed the spec's validators (defaults filled in) and,
 * when the operation declares `x-wazo-required-access`, the X-Auth-Token was checked.
 */
import type { ApiSpec, JsonObject, Operation } from '../../spec/loader.ts';
import type { BehaviourFault } from '../faults.ts';
import type { AccessTokenRecord, MockState } from '../state/index.ts';
import type { RequestParameters } from '../validate.ts';

/** Everything a handler may read. */
export interface HandlerContext {
  spec: ApiSpec;
  operation: Operation;
  state: MockState;
  params: RequestParameters;
  /** The validated body with the spec's defaults, `{}` for operations without a body. */
  body: JsonObject;
  /** The parsed JSON body, unvalidated, for operations marked `x-wazo-any-json-body`. */
  jsonBody?: unknown;
  /** The caller's access token, for operations that require one. */
  caller?: AccessTokenRecord;
  remoteAddr: string;
  userAgent: string;
  /** The Host and X-Script-Name headers, where a mail's link points (mock/handlers/mail-link.ts). */
  host?: string;
  scriptName?: string;
  /** The raw Authorization header; only POST /token reads it (never logged). */
  authorization?: string;
  /** The body as sent, for operations marked `x-wazo-raw-body` (forms, JSON read the service's own way). */
  rawBody?: { bytes: Buffer; contentType: string };
  /** The X-Auth-Token header as sent (operations that read it themselves, e.g. GET /saml/logout). */
  token?: string;
  /** Named behaviour faults in force (see `mock/faults.ts`). */
  faults: ReadonlySet<BehaviourFault>;
}

/** A handler's answer; errors are thrown as `MockHttpError` instead. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A raw body with its content type, for non-JSON answers (GET /api/api.yml). */
  text?: { body: string; contentType: string };
}

/** One operation's behaviour. */
export type Handler = (context: HandlerContext) => HandlerResult;

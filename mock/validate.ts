/**
 * Request validation from the spec, with errors in the shape the real service sends for each case.
 * The rules (types, ranges, enums, lengths, defaults, cross-field rules) all come from the spec through
 * the loader; this module only maps ajv's findings to marshmallow's wording:
 * - POST /token: `Error` whose reason is the Python repr of marshmallow's error dict (obs. 7g–7s);
 * - resource endpoints: `APIError` `invalid-data` with the first field's error (obs. 10a3, 10e3),
 *   following upstream `_BaseParamException.from_errors`;
 * - an absent, empty or unparseable body: werkzeug's bare 400 (obs. 1b, 1c, 7e).
 */
import type { ErrorObject } from 'ajv';
import { defaultsOf, type ApiSpec, type JsonObject, type Operation } from '../spec/loader.ts';
import { apiError, errorBody, errors, MockHttpError, serviceError, type ErrorPayload, type ErrorShape } from './errors.ts';
import { pyRepr, PyInt } from './python-repr.ts';

/** Parameters after validation: coerced, defaults filled, header names lower-cased. */
export interface RequestParameters {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  header: Record<string, unknown>;
}

/** One marshmallow-style error, keys in the order the service prints them. */
type ErrorItem = Record<string, unknown>;
/** A field's errors: a dict (type, null, required), a list (validators), or nested by index/key. */
type ErrorNode = { kind: 'dict'; item: ErrorItem } | { kind: 'list'; items: ErrorItem[] } | { kind: 'nested'; children: Map<string, ErrorNode> };

/** What a failed validation found, before it is shaped for the wire. */
export interface ValidationFindings {
  /** Field errors, in the schema's property order. */
  fields: Map<string, ErrorNode>;
  /** Cross-field (`_schema`) messages, from the `x-wazo-reason` of each failing branch. */
  schema: string[];
}

const INVALID_INPUT = 'Invalid input type.';
const COMPOSITION = new Set(['allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else']);
const TYPE_MESSAGES: Record<string, string> = {
  integer: 'Not a valid integer.',
  number: 'Not a valid number.',
  string: 'Not a valid string.',
  boolean: 'Not a valid boolean.',
  array: 'Not a valid list.',
  object: 'Invalid input type.',
};

const isPlainObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Follows a JSON pointer (`#/a/b` or `/a/b`) into a document. */
function pointer(root: unknown, path: string): unknown {
  let node = root;
  for (const raw of path.replace(/^#/, '').split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const pyNumber = (n: unknown): unknown => (typeof n === 'number' && Number.isInteger(n) ? new PyInt(n) : (n ?? null));

/** The marshmallow error for one ajv finding on a field, given the schema that holds the keyword. */
function fieldError(error: ErrorObject, schema: JsonObject, value: unknown): ErrorNode {
  const dict = (message: string, constraintId: string, constraint: unknown): ErrorNode => ({
    kind: 'dict',
    item: { message, constraint_id: constraintId, constraint },
  });
  const list = (constraintId: string, constraint: unknown, message: string): ErrorNode => ({
    kind: 'list',
    items: [{ constraint_id: constraintId, constraint, message }],
  });
  switch (error.keyword) {
    case 'type': {
      if (value === null) return dict('Field may not be null.', 'not_null', 'not_null');
      const types = ([] as unknown[]).concat(schema.type ?? error.params.type).filter((t) => t !== 'null') as string[];
      const type = types[0] ?? 'string';
      return dict(TYPE_MESSAGES[type] ?? `Not a valid ${type}.`, 'type', type);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const min = schema.minimum as number | undefined;
      const max = schema.maximum as number | undefined;
      const message =
        min !== undefined && max !== undefined
          ? `Must be greater than or equal to ${min} and less than or equal to ${max}.`
          : min !== undefined
            ? `Must be greater than or equal to ${min}.`
            : `Must be less than or equal to ${max}.`;
      return list('range', new Map<string, unknown>([['min', pyNumber(min)], ['max', pyNumber(max)]]), message);
    }
    case 'minLength':
    case 'maxLength': {
      const min = schema.minLength as number | undefined;
      const max = schema.maxLength as number | undefined;
      const message =
        min !== undefined && max !== undefined
          ? `Length must be between ${min} and ${max}.`
          : min !== undefined
            ? `Shorter than minimum length ${min}.`
            : `Longer than maximum length ${max}.`;
      return list('length', new Map<string, unknown>([['min', pyNumber(min)], ['max', pyNumber(max)]]), message);
    }
    case 'enum':
    case 'const': {
      const choices = (error.keyword === 'enum' ? schema.enum : [schema.const]) as unknown[];
      return list('enum', new Map([['choices', choices]]), `Must be one of: ${choices.map(String).join(', ')}.`);
    }
    case 'required':
      return dict('Missing data for required field.', 'required', 'required');
    case 'format':
      if (error.params.format === 'uuid') return dict('Not a valid UUID.', 'type', 'uuid');
      if (error.params.format === 'email') return list('email', 'email', 'Not a valid email address.');
      return list('format', String(error.params.format), `Not a valid ${String(error.params.format)}.`);
    case 'minItems':
    case 'maxItems':
      return list('length', new Map([['min', pyNumber(schema.minItems)], ['max', pyNumber(schema.maxItems)]]), `Length must be between ${schema.minItems ?? 0} and ${schema.maxItems ?? 'inf'}.`);
    default:
      return list(error.keyword, error.params, error.message ?? 'Invalid value.');
  }
}

function mergeNode(into: Map<string, ErrorNode>, path: string[], node: ErrorNode): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const existing = into.get(head);
  if (rest.length > 0) {
    const nested = existing?.kind === 'nested' ? existing : { kind: 'nested' as const, children: new Map<string, ErrorNode>() };
    into.set(head, nested);
    mergeNode(nested.children, rest, node);
    return;
  }
  if (!existing) into.set(head, node);
  else if (existing.kind === 'list' && node.kind === 'list') existing.items.push(...node.items);
  // A type or null error on a field stops its other checks, as in marshmallow: keep the first.
}

/**
 * Reads ajv's errors for an object validated against `root` (a schema of the spec) into field and
 * `_schema` findings. A failing cross-field branch contributes the `x-wazo-reason` of the nearest
 * enclosing schema that has one.
 */
export function interpretErrors(root: JsonObject, errorList: ErrorObject[], data: unknown): ValidationFindings {
  const fields = new Map<string, ErrorNode>();
  const schemaMessages: string[] = [];
  for (const error of errorList) {
    if (error.keyword === 'if') continue; // always paired with the failing `then`
    const segments = error.schemaPath.replace(/^#\//, '').split('/');
    const keywordParent = segments.slice(0, -1);
    if (segments.some((s) => COMPOSITION.has(s))) {
      let reason: string | undefined;
      for (let depth = keywordParent.length; depth > 0 && reason === undefined; depth -= 1) {
        const node = pointer(root, `/${keywordParent.slice(0, depth).join('/')}`);
        if (isPlainObject(node) && typeof node['x-wazo-reason'] === 'string') reason = node['x-wazo-reason'];
      }
      if (reason !== undefined) {
        if (!schemaMessages.includes(reason)) schemaMessages.push(reason);
        continue;
      }
    }
    const schemaAt = (pointer(root, `/${keywordParent.join('/')}`) ?? {}) as JsonObject;
    const path = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (error.keyword === 'required') path.push(String(error.params.missingProperty));
    if (path.length === 0) {
      if (!schemaMessages.includes(INVALID_INPUT)) schemaMessages.push(INVALID_INPUT);
      continue;
    }
    mergeNode(fields, path, fieldError(error, schemaAt, error.keyword === 'required' ? undefined : pointer(data, error.instancePath)));
  }
  // marshmallow reports fields in declaration order.
  const order = Object.keys((root.properties ?? {}) as JsonObject);
  const sorted = new Map([...fields.entries()].sort(([a], [b]) => rank(order, a) - rank(order, b)));
  return { fields: sorted, schema: schemaMessages };
}

const rank = (order: string[], key: string): number => (order.includes(key) ? order.indexOf(key) : order.length);

function nodeToPython(node: ErrorNode): unknown {
  if (node.kind === 'dict') return node.item;
  if (node.kind === 'list') return node.items;
  return new Map([...node.children.entries()].map(([k, v]) => [/^\d+$/.test(k) ? new PyInt(Number(k)) : k, nodeToPython(v)]));
}

/**
 * marshmallow's error dict: field errors, or only `_schema` when every field passed (schema validators
 * run with `skip_on_field_errors`).
 */
export function marshmallowErrors(findings: ValidationFindings): Map<unknown, unknown> {
  if (findings.fields.size > 0) return new Map([...findings.fields.entries()].map(([k, v]) => [k, nodeToPython(v)]));
  return new Map([['_schema', findings.schema.length > 0 ? findings.schema : [INVALID_INPUT]]]);
}

/** The first error, as upstream's `from_errors` picks it: `{message, details: {field: info}}`. */
export function firstError(findings: ValidationFindings): { message: string; details: JsonObject } {
  const walk = (node: ErrorNode): ErrorItem => {
    if (node.kind === 'dict') return node.item;
    if (node.kind === 'list') return node.items[0]!;
    return walk(node.children.values().next().value!);
  };
  const first = findings.fields.entries().next().value;
  if (first) {
    const [field, node] = first;
    const info = jsonSafe(walk(node)) as ErrorItem;
    return { message: String(info.message), details: { [field]: info } };
  }
  const messages = findings.schema.length > 0 ? findings.schema : [INVALID_INPUT];
  return { message: messages[0]!, details: { _schema: messages } };
}

/** Maps (used for Python ordering and int keys) back to plain JSON. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof PyInt) return value.value;
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k instanceof PyInt ? k.value : k), jsonSafe(v)]));
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

const shapeCache = new WeakMap<Operation, Map<number, ErrorShape>>();
const SAMPLES: Record<ErrorShape, ErrorPayload> = {
  Error: { shape: 'Error', reason: 'sample' },
  APIError: { shape: 'APIError', message: 'sample', error_id: 'sample', details: {} },
  BareMessage: { shape: 'BareMessage', message: 'sample' },
};

/**
 * Which error shape an operation declares for a status, found by asking the spec which sample body it
 * accepts; for an undeclared status, the shape of the operation's other client errors.
 */
export function declaredErrorShape(spec: ApiSpec, op: Operation, status: number): ErrorShape {
  let cache = shapeCache.get(op);
  if (!cache) shapeCache.set(op, (cache = new Map()));
  const cached = cache.get(status);
  if (cached) return cached;
  const accepts = (code: number): ErrorShape | undefined =>
    (['Error', 'APIError', 'BareMessage'] as const).find(
      (shape) =>
        spec.checkResponse(op.operationId, {
          status: code,
          headers: { 'content-type': 'application/json' },
          body: errorBody(code, SAMPLES[shape], 0),
        }).ok && op.responses.has(String(code)),
    );
  let shape = accepts(status);
  for (const declared of op.responses.keys()) {
    if (shape) break;
    if (/^4\d\d$/.test(declared)) shape = accepts(Number(declared));
  }
  shape ??= 'Error';
  cache.set(status, shape);
  return shape;
}

/** A 400 for these findings, in the shape the operation declares (resource name from its tags). */
export function invalidRequest(spec: ApiSpec, op: Operation, findings: ValidationFindings, errorId = 'invalid-data'): MockHttpError {
  // Upstream's email and reset endpoints wrap marshmallow's errors their own way (observed 24.01 – master):
  // the whole error dict as `message` (EmailUpdateException), or the first message, a `_schema` rule's
  // list of messages, with empty `details` (PasswordResetException).
  const wrapping = op.extensions['x-wazo-invalid-data'];
  if (wrapping === 'whole-dict') return apiError(400, jsonSafe(marshmallowErrors(findings)) as JsonObject, 'invalid-data', {}, resourceOf(op));
  if (wrapping === 'first-message') {
    const message = findings.fields.size === 0 && findings.schema.length > 0 ? findings.schema : firstError(findings).message;
    return apiError(400, message, 'invalid-data', {}, resourceOf(op));
  }
  // `x-wazo-invalid-field-reason`: the service names the first invalid field in one sentence (PUT /backends/ldap).
  const fieldReason = op.extensions['x-wazo-invalid-field-reason'];
  if (typeof fieldReason === 'string') return serviceError(400, fieldReason.replace('{field}', [...findings.fields.keys()][0] ?? '_schema'));
  if (declaredErrorShape(spec, op, 400) === 'APIError') {
    const { message, details } = firstError(findings);
    return apiError(400, message, errorId, details, resourceOf(op));
  }
  // `x-wazo-invalid-field-reason` (POST/PUT /policies): upstream raises `InvalidInputException(field)` for the first field.
  const template = op.extensions['x-wazo-invalid-field-reason'];
  if (typeof template === 'string') return serviceError(400, template.replace('{field}', findings.fields.keys().next().value ?? '_schema'));
  return serviceError(400, pyRepr(marshmallowErrors(findings)));
}

/** The `resource` of an operation's APIErrors: its first tag, in the plural (`users`, `tokens`). */
export function resourceOf(op: Operation): string | undefined {
  if (typeof op.extensions['x-wazo-resource'] === 'string') return op.extensions['x-wazo-resource'];
  const tag = (op.raw.tags as string[] | undefined)?.[0];
  return tag === undefined ? undefined : tag.endsWith('s') ? tag : `${tag}s`;
}

/**
 * What a path parameter that fails its schema means. The real service's URL converters do not route
 * such paths (HTML 404, obs. 8c3, 10c3); the mock answers the JSON 404 of the resource instead.
 */
function notFoundFor(name: string, value: string): MockHttpError {
  if (name.startsWith('user_uuid')) return errors.unknownUser(value);
  if (name === 'session_uuid') return errors.unknownSession(value);
  if (name === 'tenant_uuid' || name === 'parent_tenant_uuid') return errors.unknownTenant(value);
  if (name === 'email_uuid') return errors.unknownEmail(value);
  if (name === 'group_uuid') return errors.unknownGroup(value);
  if (name === 'token') return errors.noSuchToken();
  if (name === 'client_id') return errors.unknownRefreshToken(value);
  return errors.notFound();
}

/** Validates path, query and header parameters with the operation's compiled validator. */
export function validateParameters(spec: ApiSpec, op: Operation, raw: RequestParameters): RequestParameters {
  const params: RequestParameters = { path: { ...raw.path }, query: { ...raw.query }, header: { ...raw.header } };
  if (op.validateParameters(params)) return params;
  const errorList = op.validateParameters.errors ?? [];
  const pathError = errorList.find((e) => e.instancePath.startsWith('/path/'));
  if (pathError) {
    const name = pathError.instancePath.split('/')[2]!;
    throw notFoundFor(name, String(raw.path[name]));
  }
  // Query and header errors, read against each parameter's own schema.
  const fields = new Map<string, ErrorNode>();
  for (const error of errorList) {
    const [, location, pathName] = error.instancePath.split('/');
    const name = pathName ?? (error.keyword === 'required' ? String(error.params.missingProperty) : undefined);
    if (!location || !name) continue;
    const parameter = op.parameters.find((p) => p.in === location && (location === 'header' ? p.name.toLowerCase() : p.name) === name);
    const keywordParent = error.schemaPath.replace(/^#\//, '').split('/').slice(4, -1);
    const schemaAt = (pointer(parameter?.schema ?? {}, `/${keywordParent.join('/')}`) ?? parameter?.schema ?? {}) as JsonObject;
    const value = (raw as unknown as Record<string, Record<string, unknown>>)[location]?.[name];
    mergeNode(fields, [parameter?.name ?? name], fieldError(error, schemaAt, value));
  }
  // Upstream answers list-parameter errors with `invalid-list-param` (`InvalidListParamException`).
  throw invalidRequest(spec, op, { fields, schema: [] }, 'invalid-list-param');
}

/** Parses a request body as JSON; an absent, empty or unparseable body is werkzeug's bare 400. */
export function parseJsonBody(raw: Buffer | undefined): unknown {
  if (!raw || raw.length === 0) throw errors.badRequest();
  const text = raw.toString('utf8');
  if (text.trim() === '') throw errors.badRequest();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw errors.badRequest();
  }
}

/** Python's `int()` on a JSON value: floats truncate, digit strings parse, anything else is left alone. */
export function lenientInteger(value: unknown): unknown {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(value)) return Number(value.replace(/_/g, '').trim());
  return value;
}

const lenientCache = new WeakMap<JsonObject, string[]>();
/** The properties marked `x-wazo-lenient-integer`, worked out once per schema. */
function lenientIntegerFields(object: JsonObject): string[] {
  let names = lenientCache.get(object);
  if (!names) {
    names = Object.entries((object.properties ?? {}) as Record<string, JsonObject>)
      .filter(([, property]) => property['x-wazo-lenient-integer'] === true)
      .map(([name]) => name);
    lenientCache.set(object, names);
  }
  return names;
}

/**
 * Validates a parsed body against the operation's schema and returns it with the spec's defaults
 * filled in. Honours `x-wazo-falsy-body-as-empty` and `x-wazo-lenient-integer`. `waive` lets a
 * behaviour fault overlook some of the validator's findings (mock/faults.ts `waivedByFault`).
 */
export function validateBody(spec: ApiSpec, op: Operation, parsed: unknown, waive?: (error: ErrorObject, data: JsonObject) => boolean): JsonObject {
  const requestBody = op.requestBody;
  if (!requestBody) return {};
  let body = parsed;
  if (op.extensions['x-wazo-falsy-body-as-empty'] === true && (body === null || (Array.isArray(body) && body.length === 0))) body = {};
  const object = requestBody.object;
  if (!isPlainObject(body)) {
    const reason = typeof object['x-wazo-reason'] === 'string' ? object['x-wazo-reason'] : INVALID_INPUT;
    throw invalidRequest(spec, op, { fields: new Map(), schema: [reason] });
  }
  const candidate: JsonObject = { ...body };
  for (const name of lenientIntegerFields(object)) if (name in candidate) candidate[name] = lenientInteger(candidate[name]);
  const validate = spec.compile(object);
  if (!validate(candidate)) {
    const found = (validate.errors ?? []).filter((error) => !waive?.(error, candidate));
    if (found.length > 0) throw invalidRequest(spec, op, interpretErrors(object, found, candidate));
  }
  for (const [name, value] of Object.entries(defaultsOf(object))) if (!(name in candidate)) candidate[name] = value;
  return candidate;
}

export { MockHttpError };

/**
 * The one module that reads spec/wazo-auth.yaml. The mock and the suites both get their operations,
 * request validators and response checks from here; nothing else restates a schema.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { dataPath } from './package-root.ts';
import { loadReleases } from './releases.ts';

// ajv-formats ships CommonJS; under ESM its function sits on `default` (once or twice, depending on
// whether tsx or Node resolved the interop).
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/** Default location of the description, next to this file. */
export const SPEC_PATH = dataPath('spec/wazo-auth.yaml');

export type JsonObject = Record<string, unknown>;
export type HttpMethod = 'get' | 'head' | 'post' | 'put' | 'delete' | 'patch' | 'options';
const METHODS: HttpMethod[] = ['get', 'head', 'post', 'put', 'delete', 'patch', 'options'];

/** A parameter after `$ref` resolution. */
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonObject;
}

/** What one declared response allows. */
export interface ResponseSpec {
  status: string;
  /** media type → body validator; empty when the response has no body. */
  content: Map<string, ValidateFunction | undefined>;
  /** lower-cased header name → its declaration. */
  headers: Map<string, { required: boolean; validate: ValidateFunction }>;
  raw: JsonObject;
}

/** One operation of the description, with its validators compiled once. */
export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** Path template relative to the server URL, e.g. `/token/{token}`. */
  path: string;
  parameters: Parameter[];
  /** Validates `{path, query, header}` objects (header names lower-cased); coerces and fills defaults. */
  validateParameters: ValidateFunction;
  /**
   * `schema` is the declared body schema; `object` is its object branch (the declared schema itself, or
   * the object member of an `anyOf`), where the properties, their defaults and the `x-` rules live.
   */
  requestBody?: { required: boolean; schema: JsonObject; object: JsonObject; validate: ValidateFunction };
  responses: Map<string, ResponseSpec>;
  security: JsonObject[];
  /** The `x-` extensions of the operation (`x-wazo-required-access`, `x-requirements`, ...). */
  extensions: JsonObject;
  raw: JsonObject;
}

/** A failed check of a response against the description. */
export interface ResponseCheck {
  ok: boolean;
  errors: string[];
}

/** What an HTTP exchange looked like, as far as the response check is concerned. */
export interface ObservedResponse {
  status: number;
  /** Header names in any case. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, raw text, or undefined/null/'' for no body. */
  body: unknown;
}

export interface ApiSpec {
  document: JsonObject;
  /** Raw YAML text as read (served by GET /api/api.yml). */
  source: string;
  version: string;
  /** Server base paths, e.g. `/0.1` and `/api/auth/0.1`. */
  serverPaths: string[];
  operations: Operation[];
  operation(operationId: string): Operation;
  /** Matches a path relative to a server URL. */
  match(path: string): RouteMatch | undefined;
  /** Checks one response (status, content type, body, declared headers) against an operation. */
  checkResponse(operationId: string, response: ObservedResponse): ResponseCheck;
  /** Compiles (once) a validator for a schema object taken from this document. */
  compile(schema: JsonObject): ValidateFunction;
}

/** A path that matched a template, with every operation declared there. */
export interface RouteMatch {
  template: string;
  params: Record<string, string>;
  operations: Map<HttpMethod, Operation>;
}

/** Thrown when the description itself is broken (bad $ref, unknown keyword, missing operationId). */
export class SpecError extends Error {
  override readonly name = 'SpecError';
}

/** Resolves every local `$ref` in a document; sibling keys of a `$ref` are kept on top of the target. */
export function dereference(document: JsonObject): JsonObject {
  const cache = new Map<string, unknown>();
  const pointer = (ref: string): unknown => {
    if (!ref.startsWith('#/')) throw new SpecError(`only local $ref is supported, got ${ref}`);
    let node: unknown = document;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || !(key in node)) throw new SpecError(`unresolvable $ref ${ref}`);
      node = (node as JsonObject)[key];
    }
    return node;
  };
  const walk = (node: unknown, stack: string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, stack));
    if (node === null || typeof node !== 'object') return node;
    const obj = node as JsonObject;
    if (typeof obj.$ref === 'string') {
      const ref = obj.$ref;
      if (stack.includes(ref)) throw new SpecError(`circular $ref ${[...stack, ref].join(' -> ')}`);
      let target = cache.get(ref);
      if (target === undefined) {
        target = walk(pointer(ref), [...stack, ref]);
        cache.set(ref, target);
      }
      const { $ref: _ignored, ...siblings } = obj;
      if (Object.keys(siblings).length === 0) return target;
      return { ...(target as JsonObject), ...(walk(siblings, stack) as JsonObject) };
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(obj)) out[key] = walk(value, stack);
    return out;
  };
  return walk(document, []) as JsonObject;
}

function collectExtensionKeywords(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) node.forEach((item) => collectExtensionKeywords(item, into));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) into.add(key);
      collectExtensionKeywords(value, into);
    }
  }
}

function newAjv(options: { coerceTypes?: boolean; useDefaults?: boolean }, keywords: Iterable<string>): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    // Checking each schema against the 2020-12 meta-schema compiled that meta-schema first, in every
    // process (about 130 ms of the mock's first answer). The description's schemas are checked once,
    // by Redocly's lint and by spec/loader.test.ts, instead.
    validateSchema: false,
    coerceTypes: options.coerceTypes ?? false,
    useDefaults: options.useDefaults ?? false,
  });
  addFormats(ajv);
  // OpenAPI annotations that are not JSON Schema keywords, and our own x- extensions.
  ajv.addKeyword({ keyword: 'example', schemaType: ['object', 'array', 'string', 'number', 'boolean', 'null'] });
  for (const keyword of keywords) ajv.addKeyword({ keyword });
  return ajv;
}

/** A header's value, whatever the case of its name (`name` is lower-case). No allocation: the mock checks every answer. */
const headerValue = (headers: ObservedResponse['headers'], name: string): string | undefined => {
  for (const key in headers) {
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const value = headers[key];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
};

const isEmptyBody = (body: unknown): boolean => body === undefined || body === null || body === '';

/**
 * The description as it holds for a set of releases (spec/releases.yaml). A part marked
 * `x-wazo-behaviour: NAME` exists only in the releases where that behaviour holds (`!NAME`: where it
 * does not):
 * - a header or a property marked so stays required only when it holds in every release judged, and
 *   becomes optional otherwise (a host of one of those releases may or may not send it; the suite's
 *   release checks judge which);
 * - an `anyOf`/`oneOf` branch marked so is dropped when it holds in none of them;
 * - an `enum` value named in the schema's `x-wazo-enum-behaviours` map is dropped likewise;
 * - an operation marked so is dropped when it holds in none of them (a path left without operations
 *   goes too): a host of those releases answers it as a path it does not know. When it holds in some
 *   of them only, it stays; the suite and the fuzz ask the host whether it has it ({@link operationBehaviour}).
 * The input is not changed.
 */
export function forReleases(document: JsonObject, releases: readonly string[], holds: (behaviour: string, release: string) => boolean): JsonObject {
  const test = (expression: string, release: string) => (expression.startsWith('!') ? !holds(expression.slice(1), release) : holds(expression, release));
  const marked = (node: unknown): string | undefined => {
    const behaviour = node && typeof node === 'object' ? (node as JsonObject)['x-wazo-behaviour'] : undefined;
    return typeof behaviour === 'string' ? behaviour : undefined;
  };
  const everywhere = (node: unknown): boolean => {
    const expression = marked(node);
    return expression === undefined || releases.every((r) => test(expression, r));
  };
  const somewhere = (expression: string | undefined): boolean => expression === undefined || releases.some((r) => test(expression, r));
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = (key === 'anyOf' || key === 'oneOf') && Array.isArray(value) ? value.filter((branch) => somewhere(marked(branch))).map(walk) : walk(value);
    }
    if (out.required === true && !everywhere(out)) out.required = false;
    if (Array.isArray(out.required) && out.properties && typeof out.properties === 'object') {
      const properties = out.properties as JsonObject;
      out.required = (out.required as string[]).filter((name) => everywhere(properties[name]));
    }
    const byValue = out['x-wazo-enum-behaviours'] as Record<string, string> | undefined;
    if (byValue && Array.isArray(out.enum)) out.enum = out.enum.filter((value) => somewhere(byValue[String(value)]));
    return out;
  };
  const out = walk(document) as JsonObject;
  if (out.paths && typeof out.paths === 'object') {
    const paths: JsonObject = {};
    for (const [template, item] of Object.entries(out.paths as Record<string, JsonObject>)) {
      const kept = Object.fromEntries(Object.entries(item).filter(([key, value]) => !METHODS.includes(key as HttpMethod) || somewhere(marked(value))));
      if (Object.keys(kept).some((key) => METHODS.includes(key as HttpMethod))) paths[template] = kept;
    }
    out.paths = paths;
  }
  return out;
}

/** The behaviour expression an operation is marked with (`x-wazo-behaviour` on the operation), if any. */
export function operationBehaviour(operation: Operation): string | undefined {
  const expression = operation.extensions['x-wazo-behaviour'];
  return typeof expression === 'string' ? expression : undefined;
}

/** Builds the API model from YAML text. Prefer {@link loadSpec}, which caches. */
export function buildSpec(source: string, document: JsonObject = parseYaml(source)): ApiSpec {
  if (typeof document.openapi !== 'string' || !document.openapi.startsWith('3.1')) {
    throw new SpecError('spec/wazo-auth.yaml must be OpenAPI 3.1');
  }
  const resolved = dereference(document);
  const keywords = new Set<string>();
  collectExtensionKeywords((resolved.components as JsonObject | undefined) ?? {}, keywords);
  collectExtensionKeywords(resolved.paths, keywords);
  // Request bodies and responses are checked with the same options: one instance (each costs ~8 ms).
  const responseAjv = newAjv({}, keywords);
  const bodyAjv = responseAjv;
  const paramAjv = newAjv({ coerceTypes: true, useDefaults: true }, keywords);
  const compiled = new WeakMap<object, ValidateFunction>();
  const compile = (ajv: Ajv2020, schema: JsonObject): ValidateFunction => {
    if (ajv !== responseAjv) return lazy(() => ajv.compile(schema));
    let fn = compiled.get(schema);
    if (!fn) {
      fn = lazy(() => ajv.compile(schema));
      compiled.set(schema, fn);
    }
    return fn;
  };

  const operations: Operation[] = [];
  const templates: { template: string; regex: RegExp; names: string[]; operations: Map<HttpMethod, Operation> }[] = [];
  const paths = (resolved.paths ?? {}) as Record<string, JsonObject>;
  for (const [template, item] of Object.entries(paths)) {
    const names: string[] = [];
    const pattern = template.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`)).replace(/\{([^}]+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const entry = { template, regex: new RegExp(`^${pattern}$`), names, operations: new Map<HttpMethod, Operation>() };
    templates.push(entry);
    const shared = (item.parameters ?? []) as Parameter[];
    for (const method of METHODS) {
      const raw = item[method] as JsonObject | undefined;
      if (!raw) continue;
      const operationId = raw.operationId;
      if (typeof operationId !== 'string') throw new SpecError(`${method.toUpperCase()} ${template} has no operationId`);
      const own = (raw.parameters ?? []) as Parameter[];
      const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own].map((p) => ({
        ...p,
        required: p.required === true,
      }));
      const group = (location: string) => {
        const list = parameters.filter((p) => p.in === location);
        const key = (p: Parameter) => (location === 'header' ? p.name.toLowerCase() : p.name);
        return {
          type: 'object',
          properties: Object.fromEntries(list.map((p) => [key(p), p.schema ?? {}])),
          required: list.filter((p) => p.required).map(key),
        };
      };
      const validateParameters = compile(paramAjv, {
        type: 'object',
        properties: { path: group('path'), query: group('query'), header: group('header') },
      });
      let requestBody: Operation['requestBody'];
      const body = raw.requestBody as JsonObject | undefined;
      if (body) {
        const media = ((body.content ?? {}) as Record<string, JsonObject>)['application/json'];
        const schema = (media?.schema ?? {}) as JsonObject;
        requestBody = { required: body.required === true, schema, object: objectBranch(schema), validate: compile(bodyAjv, schema) };
      }
      const responses = new Map<string, ResponseSpec>();
      for (const [status, response] of Object.entries((raw.responses ?? {}) as Record<string, JsonObject>)) {
        const content = new Map<string, ValidateFunction | undefined>();
        for (const [type, media] of Object.entries((response.content ?? {}) as Record<string, JsonObject>)) {
          content.set(type, media.schema ? compile(responseAjv, media.schema as JsonObject) : undefined);
        }
        const headers = new Map<string, { required: boolean; validate: ValidateFunction }>();
        for (const [name, header] of Object.entries((response.headers ?? {}) as Record<string, JsonObject>)) {
          headers.set(name.toLowerCase(), {
            required: header.required === true,
            validate: compile(responseAjv, (header.schema ?? {}) as JsonObject),
          });
        }
        responses.set(status, { status, content, headers, raw: response });
      }
      const extensions = Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith('x-')));
      const operation: Operation = {
        operationId,
        method,
        path: template,
        parameters,
        validateParameters,
        requestBody,
        responses,
        security: (raw.security ?? resolved.security ?? []) as JsonObject[],
        extensions,
        raw,
      };
      if (operations.some((o) => o.operationId === operationId)) throw new SpecError(`duplicate operationId ${operationId}`);
      operations.push(operation);
      entry.operations.set(method, operation);
    }
  }
  // Literal segments beat parameters: /users/me/... is tried before /users/{uuid}/... by sorting on
  // the number of parameters.
  templates.sort((a, b) => a.names.length - b.names.length);
  const byId = new Map(operations.map((o) => [o.operationId, o]));

  const checkResponse = (operationId: string, response: ObservedResponse): ResponseCheck => {
    const operation = byId.get(operationId);
    if (!operation) return { ok: false, errors: [`unknown operation ${operationId}`] };
    // Built only for a finding: the mock checks every answer it sends.
    const where = () => `${operationId} (${operation.method.toUpperCase()} ${operation.path}) ${response.status}`;
    const declared =
      operation.responses.get(String(response.status)) ??
      operation.responses.get(`${String(response.status)[0]}XX`) ??
      operation.responses.get('default');
    if (!declared) {
      return { ok: false, errors: [`${where()}: status not declared (declared: ${[...operation.responses.keys()].join(', ')})`] };
    }
    const errors: string[] = [];
    for (const [name, header] of declared.headers) {
      const value = headerValue(response.headers, name);
      if (value === undefined) {
        if (header.required) errors.push(`${where()}: missing header ${name}`);
      } else if (!header.validate(value)) {
        errors.push(`${where()}: header ${name} ${formatErrors(header.validate.errors)}`);
      }
    }
    const hasBody = !isEmptyBody(response.body) && operation.method !== 'head';
    if (declared.content.size === 0) {
      if (hasBody) errors.push(`${where()}: no body is declared, but one was sent`);
      return { ok: errors.length === 0, errors };
    }
    if (operation.method === 'head') return { ok: errors.length === 0, errors };
    const fullType = headerValue(response.headers, 'content-type') ?? '';
    const semicolon = fullType.indexOf(';');
    const contentType = (semicolon < 0 ? fullType : fullType.slice(0, semicolon)).trim().toLowerCase();
    if (!declared.content.has(contentType)) {
      errors.push(`${where()}: content type "${contentType}" not declared (declared: ${[...declared.content.keys()].join(', ')})`);
      return { ok: false, errors };
    }
    const validate = declared.content.get(contentType);
    if (validate && !validate(response.body)) errors.push(`${where()}: body ${formatErrors(validate.errors)}`);
    return { ok: errors.length === 0, errors };
  };

  const info = (resolved.info ?? {}) as JsonObject;
  return {
    document,
    source,
    version: String(info.version ?? ''),
    serverPaths: ((resolved.servers ?? []) as JsonObject[]).map((s) => String(s.url)),
    operations,
    operation(operationId) {
      const op = byId.get(operationId);
      if (!op) throw new SpecError(`no operation ${operationId} in the description`);
      return op;
    },
    match(path) {
      for (const t of templates) {
        const m = t.regex.exec(path);
        if (!m) continue;
        const params: Record<string, string> = {};
        t.names.forEach((name, i) => {
          params[name] = safeDecode(m[i + 1]!);
        });
        return { template: t.template, params, operations: t.operations };
      }
      return undefined;
    },
    checkResponse,
    compile: (schema) => compile(responseAjv, schema),
  };
}

/**
 * A validator compiled on its first call. Compiling every validator up front took about a second per
 * process (mock start-up, every test file); most processes use a handful of them.
 */
function lazy(build: () => ValidateFunction): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const validate = function (this: unknown, data: unknown, context?: unknown): boolean {
    compiled ??= build();
    const valid = (compiled as (this: unknown, d: unknown, c?: unknown) => boolean).call(this, data, context);
    validate.errors = compiled.errors;
    return valid;
  } as ValidateFunction;
  validate.errors = null;
  return validate;
}

/** The object schema of a body: the schema itself, or the `type: object` member of its `anyOf`/`oneOf`. */
export function objectBranch(schema: JsonObject): JsonObject {
  if (schema.type === 'object' || schema.properties) return schema;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branch = ((schema[key] ?? []) as JsonObject[]).find((s) => s.type === 'object' || s.properties);
    if (branch) return branch;
  }
  return schema;
}

/** The `default` of each property of an object schema. */
export function defaultsOf(schema: JsonObject): Readonly<JsonObject> {
  let defaults = defaultsCache.get(schema);
  if (!defaults) {
    const properties = (objectBranch(schema).properties ?? {}) as Record<string, JsonObject>;
    defaults = Object.freeze(Object.fromEntries(Object.entries(properties).filter(([, p]) => 'default' in p).map(([k, p]) => [k, p.default])));
    defaultsCache.set(schema, defaults);
  }
  return defaults;
}
/** Worked out once per schema: the mock asks on every request. */
const defaultsCache = new WeakMap<JsonObject, Readonly<JsonObject>>();

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** One line per ajv error: `/data/token must match format "uuid"`. */
export function formatErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'is invalid';
  return errors.map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`).join('; ');
}

const cached = new Map<string, ApiSpec>();

/**
 * Loads spec/wazo-auth.yaml once per process and set of releases: `releases` are the wazo-auth releases
 * the answers are judged against (see {@link forReleases}); default: every supported release.
 */
export function loadSpec(releases?: readonly string[]): ApiSpec {
  const table = loadReleases();
  const judged = releases && releases.length > 0 ? releases : table.releases;
  const key = judged.join(',');
  let spec = cached.get(key);
  if (!spec) {
    const source = readFileSync(SPEC_PATH, 'utf8');
    spec = buildSpec(source, forReleases(parseCached(source), judged, table.holds));
    cached.set(key, spec);
  }
  return spec;
}

/** Parses YAML; the `yaml` package is loaded on first use only (~60 ms), as the JSON cache usually spares it. */
function parseYaml(source: string): JsonObject {
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return parse(source) as JsonObject;
}

/**
 * The parsed document, from a JSON copy cached under the temporary directory and keyed by the YAML's
 * hash: parsing the YAML takes ~250 ms per process (mock start-up, each test file), JSON.parse ~2 ms.
 * Only a cache file owned by the current user is trusted; any failure falls back to parsing. Also used
 * for spec/releases.yaml.
 */
export function parseCached(source: string): JsonObject {
  const key = createHash('sha256').update(source).digest('hex').slice(0, 24);
  const file = join(tmpdir(), `wazo-auth-kit-spec-${key}.json`);
  try {
    if (typeof process.getuid !== 'function' || statSync(file).uid === process.getuid()) {
      return JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
    }
  } catch {
    // no cache yet
  }
  const document = parseYaml(source);
  try {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(document), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // read-only temporary directory: parse again next time
  }
  return document;
}

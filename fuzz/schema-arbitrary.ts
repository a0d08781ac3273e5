/**
 * fast-check arbitraries drawn from the JSON Schemas of spec/wazo-auth.yaml: values a schema accepts,
 * and, per constraint of a schema, values that break that constraint and only that one. Nothing here
 * restates a schema: every arbitrary is read off the schema object the loader gives (STYLE.md §2), and
 * callers confirm validity with the loader's own validators.
 */
import fc from 'fast-check';
import type { JsonObject } from '../spec/loader.ts';

/** The constraints a mutation can break. */
export type ConstraintKind = 'type' | 'range' | 'length' | 'enum' | 'format' | 'required' | 'extra-property';

/** A value that breaks one constraint of a schema. */
export interface BrokenValue {
  kind: ConstraintKind;
  /** One phrase: `maxLength 1024 exceeded (1025 characters)`. */
  note: string;
  value: unknown;
}

/** Readable, printable text with some Unicode: letters, digits, punctuation, accents, CJK, emoji. */
const UNICODE_SAMPLES = ['é', 'ß', 'Ж', '中', '文', '🙂', 'ﬁ', '\u00a0', '"', "'", '\\', '/', '%', '&', '<', '#'];

/** A short string of ASCII letters and digits, and sometimes Unicode (the values a client plausibly sends). */
export function text(minLength = 0, maxLength = 24): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.'.split('')) },
    { weight: 1, arbitrary: fc.constantFrom(...UNICODE_SAMPLES) },
  );
  return fc.array(unit, { minLength, maxLength: Math.max(minLength, maxLength) }).map((units) => units.join(''));
}

/** A v4 UUID (lower case). */
export const uuid = (): fc.Arbitrary<string> => fc.uuid({ version: 4 });

/** An address any email validator takes: `x1@y2.example`. */
export const email = (): fc.Arbitrary<string> =>
  fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/), fc.stringMatching(/^[a-z]{1,10}$/)).map(([local, domain]) => `${local}@${domain}.example`);

/** The JSON types a schema's `type` allows (every type when it says nothing). */
export function allowedTypes(schema: JsonObject): Set<string> {
  const type = schema.type;
  if (typeof type === 'string') return new Set(type === 'integer' ? ['integer'] : [type]);
  if (Array.isArray(type)) return new Set(type as string[]);
  return new Set(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']);
}

/** The JSON type of a value, `integer` for whole numbers. */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Whether a schema takes a value of the given JSON type. */
export function typeAllowed(schema: JsonObject, type: string): boolean {
  const allowed = allowedTypes(schema);
  return allowed.has(type) || (type === 'integer' && allowed.has('number'));
}

/**
 * Values a schema accepts. Supported: `type` (one or several), `enum`, `const`, `anyOf`/`oneOf`,
 * string `minLength`/`maxLength`/`format` (uuid, email, date-time), numeric `minimum`/`maximum`,
 * arrays (`items`, `minItems`/`maxItems`) and objects (`properties`, `required`: optional properties
 * are present or not). `false` schemas (a forbidden property) are never generated.
 */
export function valid(schema: JsonObject): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) return fc.oneof(...(branches as JsonObject[]).map((b) => valid({ ...omit(schema, key), ...b })));
  }
  const types = [...allowedTypes(schema)].filter((t) => !(t === 'integer' && allowedTypes(schema).has('number')));
  return fc.oneof(...types.map((t) => ofType(schema, t)));
}

function omit(schema: JsonObject, key: string): JsonObject {
  const { [key]: _dropped, ...rest } = schema;
  return rest;
}

function ofType(schema: JsonObject, type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -1_000_000;
      const max = typeof schema.maximum === 'number' ? schema.maximum : 1_000_000;
      // The bounds themselves are the interesting values; integers only (a float is accepted where a
      // number is, and wazo-auth's integer fields are the ones with rules).
      return fc.oneof(fc.constantFrom(min, max), fc.integer({ min: Math.ceil(min), max: Math.floor(max) }));
    }
    case 'string':
      return stringOf(schema);
    case 'array': {
      const items = (schema.items ?? {}) as JsonObject;
      return fc.array(valid(items), {
        minLength: typeof schema.minItems === 'number' ? schema.minItems : 0,
        maxLength: typeof schema.maxItems === 'number' ? schema.maxItems : 4,
      });
    }
    case 'object':
    default:
      return objectOf(schema);
  }
}

function stringOf(schema: JsonObject): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return uuid();
  if (schema.format === 'email') return email();
  if (schema.format === 'date-time') return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? Math.min(schema.maxLength, Math.max(min, 24)) : Math.max(min, 24);
  // A `pattern` (the slugs of policies and groups, issue 15): strings the pattern matches, within the lengths.
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= max);
  return text(min, max);
}

function objectOf(schema: JsonObject): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, JsonObject | boolean>;
  const required = new Set((schema.required ?? []) as string[]);
  const entries = Object.entries(properties).filter((entry): entry is [string, JsonObject] => typeof entry[1] === 'object');
  const model: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(entries.map(([name, s]) => [name, valid(s)]));
  return fc.record(model, { requiredKeys: entries.map(([name]) => name).filter((name) => required.has(name)) });
}

/** A value of each JSON type, to pick the ones a schema refuses. */
const ONE_OF_EACH_TYPE: unknown[] = ['text', 42, 1.5, true, null, [], {}];

/**
 * Values that break exactly one constraint of `schema` (the schema of one field): a value of a type it
 * refuses, a number out of range, a string too short or too long (and one far too long: an oversized
 * body), a value outside its enum, a string that is not of its format. `lenientInteger` follows
 * `x-wazo-lenient-integer`: floats and digit strings are converted by the service, so they are not
 * breaks of the type.
 */
export function breaks(schema: JsonObject, options: { oversized?: boolean } = {}): BrokenValue[] {
  const out: BrokenValue[] = [];
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf) || 'const' in schema) {
    // Union: only a type that no branch takes is a break of one constraint.
    const branches = ((schema.anyOf ?? schema.oneOf ?? [schema]) as JsonObject[]).map((b) => ({ ...omit(omit(schema, 'anyOf'), 'oneOf'), ...b }));
    const refused = ONE_OF_EACH_TYPE.filter((v) => branches.every((b) => !typeAllowed(b, typeOf(v)) && !('const' in b && b.const === v)));
    for (const v of refused) out.push({ kind: 'type', note: `a ${typeOf(v)} where ${describeTypes(branches)} is expected`, value: v });
    const strings = branches.filter((b) => typeAllowed(b, 'string'));
    if (strings.length > 0 && strings.every((b) => b.format === 'uuid' || 'const' in b)) {
      out.push({ kind: 'format', note: 'neither a UUID nor an accepted constant', value: 'not-a-uuid' });
    }
    return out;
  }
  const lenient = schema['x-wazo-lenient-integer'] === true;
  for (const v of ONE_OF_EACH_TYPE) {
    const type = typeOf(v);
    if (typeAllowed(schema, type)) continue;
    if (lenient && (type === 'number' || type === 'integer')) continue;
    out.push({ kind: 'type', note: `a ${type} where ${describeTypes([schema])} is expected`, value: v });
  }
  if (lenient && !typeAllowed(schema, 'string')) out.push({ kind: 'type', note: 'a string that is not a number', value: 'twelve' });
  if (typeAllowed(schema, 'integer') || typeAllowed(schema, 'number')) {
    if (typeof schema.minimum === 'number') out.push({ kind: 'range', note: `below the minimum ${schema.minimum}`, value: schema.minimum - 1 });
    if (typeof schema.maximum === 'number') out.push({ kind: 'range', note: `above the maximum ${schema.maximum}`, value: schema.maximum + 1 });
    if (typeof schema.maximum === 'number') out.push({ kind: 'range', note: `far above the maximum ${schema.maximum}`, value: 2 ** 63 });
  }
  if (typeAllowed(schema, 'string')) {
    if (typeof schema.minLength === 'number' && schema.minLength > 0) {
      out.push({ kind: 'length', note: `shorter than minLength ${schema.minLength}`, value: filler(schema.minLength - 1) });
    }
    if (typeof schema.maxLength === 'number') {
      out.push({ kind: 'length', note: `longer than maxLength ${schema.maxLength} (${schema.maxLength + 1} characters)`, value: filler(schema.maxLength + 1) });
      if (options.oversized !== false) out.push({ kind: 'length', note: `an oversized value (${OVERSIZED} characters, maxLength ${schema.maxLength})`, value: filler(OVERSIZED) });
    }
    if (Array.isArray(schema.enum)) out.push({ kind: 'enum', note: `not one of ${(schema.enum as unknown[]).join(', ')}`, value: notIn(schema.enum as unknown[]) });
    if (schema.format === 'uuid') out.push({ kind: 'format', note: 'not a UUID', value: 'not-a-uuid' });
    if (schema.format === 'email') out.push({ kind: 'format', note: 'not an email address', value: 'no-at-sign.example' });
  }
  return out;
}

/**
 * Size of the oversized values (characters): sixteen times the longest maxLength of the description,
 * and well under the request-body limits servers commonly set (the mock's is 64 KiB).
 */
export const OVERSIZED = 16_384;

/**
 * `n` characters of `wak.` repeated. The dots keep the text from looking like a token to the kit's
 * redaction (cli/redact.ts), so that a curl line carrying it survives into the reports unchanged.
 */
export function filler(n: number): string {
  return 'wak.'.repeat(Math.ceil(n / 4)).slice(0, n);
}

function notIn(values: unknown[]): string {
  for (const candidate of ['sideways', 'OFFLINE-ish', 'x']) if (!values.includes(candidate)) return candidate;
  return `${String(values[0])}-not`;
}

function describeTypes(schemas: JsonObject[]): string {
  const names = new Set<string>();
  for (const s of schemas) {
    if ('const' in s) names.add(JSON.stringify(s.const));
    else for (const t of allowedTypes(s)) names.add(s.format ? `${t} (${String(s.format)})` : t);
  }
  return [...names].join(' or ');
}

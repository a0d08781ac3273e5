/**
 * The validator of conformance.json, compiled from spec/conformance-result.schema.json (the format's
 * only description; the TypeScript types in model.ts are checked against it on every write).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { formatErrors } from '../../spec/loader.ts';
import { dataPath } from '../../spec/package-root.ts';

// ajv-formats ships CommonJS; under ESM its function sits on `default` (as in spec/loader.ts).
type AddFormats = (ajv: Ajv2020) => unknown;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/** Location of the JSON Schema of conformance.json. */
export const RESULT_SCHEMA_PATH = dataPath('spec/conformance-result.schema.json');

let validator: ValidateFunction | undefined;

/** Checks a parsed conformance.json; returns the list of problems (empty when valid). */
export function validateResult(value: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(RESULT_SCHEMA_PATH, 'utf8')) as object);
  }
  if (validator(value)) return [];
  return formatErrors(validator.errors).split('; ');
}

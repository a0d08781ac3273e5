/**
 * The expected-failures file: requirement IDs a given host is known to fail, each with a reason
 * (STYLE.md §6: a target's known deviations in one place, each with a reason).
 *
 * ```yaml
 * # wazo.example.com runs wazo-auth 24.x, which answers 500 to malformed Basic credentials.
 * expected-failures:
 *   - id: AUTH-MALFORMED-BASE64-401
 *     reason: upstream defect, a 500 instead of 401 (obs. 7d)
 * ```
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Catalogue } from '../spec/requirements.ts';
import { UsageError } from './errors.ts';

/** requirement ID → why the host fails it. */
export type ExpectedFailures = Map<string, string>;

/** Parses and checks an expected-failures document against the catalogue; `where` names it in errors. */
export function parseExpectedFailures(source: string, catalogue: Catalogue, where = 'expected-failures file'): ExpectedFailures {
  let doc: unknown;
  try {
    doc = parse(source);
  } catch (error) {
    throw new UsageError(`${where}: not valid YAML (${(error as Error).message.split('\n')[0]})`, undefined, { cause: error });
  }
  const shape = `${where}: expected a top-level "expected-failures:" list of {id, reason} entries`;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(shape);
  const unknownKeys = Object.keys(doc).filter((k) => k !== 'expected-failures');
  if (unknownKeys.length > 0) throw new UsageError(`${shape}; unknown key "${unknownKeys[0]}"`);
  const list = (doc as Record<string, unknown>)['expected-failures'];
  if (list === null || list === undefined) return new Map();
  if (!Array.isArray(list)) throw new UsageError(shape);
  const out: ExpectedFailures = new Map();
  for (const [i, entry] of list.entries()) {
    const at = `${where}, entry ${i + 1}`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new UsageError(`${at}: expected {id, reason}`);
    const { id, reason, ...rest } = entry as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) throw new UsageError(`${at}: unknown key "${extra[0]}" (allowed: id, reason)`);
    if (typeof id !== 'string' || id.length === 0) throw new UsageError(`${at}: "id" must be a requirement ID`);
    if (!catalogue.has(id)) {
      const hint = closest(id, catalogue.requirements.map((r) => r.id));
      throw new UsageError(`${at}: unknown requirement ID "${id}"${hint ? ` (did you mean ${hint}?)` : ''}; IDs are listed in spec/requirements.yaml`);
    }
    if (typeof reason !== 'string' || reason.trim().length === 0) throw new UsageError(`${at} (${id}): "reason" must say why the host fails it`);
    if (out.has(id)) throw new UsageError(`${at}: ${id} is listed twice`);
    out.set(id, reason.trim());
  }
  return out;
}

/** Reads and checks an expected-failures file. */
export function loadExpectedFailures(path: string, catalogue: Catalogue): ExpectedFailures {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the expected-failures file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, undefined, {
      cause: error,
    });
  }
  return parseExpectedFailures(source, catalogue, path);
}

/** The candidate nearest to `id` by edit distance, if it is close enough to be a typo. */
export function closest(id: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(id.toUpperCase(), c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(3, Math.floor(id.length / 4)) ? best : undefined;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

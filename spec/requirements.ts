/**
 * Reads spec/requirements.yaml, the catalogue of rules the conformance suite asserts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { SpecError } from './loader.ts';
import { dataPath } from './package-root.ts';
import { loadReleases } from './releases.ts';

/** `must` fails the gate; `should` is reported as a warning. */
export type Severity = 'must' | 'should';

/** One rule of the catalogue. */
export interface Requirement {
  id: string;
  area: string;
  severity: Severity;
  title: string;
  source: string;
  /** The release-dependent behaviour (spec/releases.yaml) the rule follows, if any. */
  behaviour?: string;
}

export interface Catalogue {
  /** area id → one-line description, in catalogue order. */
  areas: Map<string, string>;
  requirements: Requirement[];
  get(id: string): Requirement;
  has(id: string): boolean;
}

export const REQUIREMENTS_PATH = dataPath('spec/requirements.yaml');

const ID = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/;

/** Parses and checks a catalogue (unique ids, known areas and severities, every field present). */
export function buildCatalogue(source: string): Catalogue {
  const doc = parse(source) as { areas?: Record<string, string>; requirements?: Partial<Requirement>[] };
  const areas = new Map(Object.entries(doc.areas ?? {}));
  const requirements: Requirement[] = [];
  const seen = new Set<string>();
  const releases = loadReleases();
  for (const [i, r] of (doc.requirements ?? []).entries()) {
    const where = `requirements.yaml entry ${i + 1} (${r.id ?? 'no id'})`;
    if (typeof r.id !== 'string' || !ID.test(r.id)) throw new SpecError(`${where}: id must look like AREA-RULE-NAME`);
    if (seen.has(r.id)) throw new SpecError(`${where}: duplicate id`);
    if (!r.area || !areas.has(r.area)) throw new SpecError(`${where}: unknown area ${r.area}`);
    if (r.severity !== 'must' && r.severity !== 'should') throw new SpecError(`${where}: severity must be must or should`);
    if (!r.title || !r.source) throw new SpecError(`${where}: title and source are required`);
    if (r.behaviour !== undefined && !releases.behaviours.has(r.behaviour)) throw new SpecError(`${where}: behaviour ${r.behaviour} is not in spec/releases.yaml`);
    seen.add(r.id);
    requirements.push({ id: r.id, area: r.area, severity: r.severity, title: r.title, source: r.source, ...(r.behaviour ? { behaviour: r.behaviour } : {}) });
  }
  const byId = new Map(requirements.map((r) => [r.id, r]));
  return {
    areas,
    requirements,
    has: (id) => byId.has(id),
    get(id) {
      const r = byId.get(id);
      if (!r) throw new SpecError(`unknown requirement ${id} (declare it in spec/requirements.yaml)`);
      return r;
    },
  };
}

let cached: Catalogue | undefined;

/** Loads spec/requirements.yaml once per process. */
export function loadRequirements(): Catalogue {
  cached ??= buildCatalogue(readFileSync(REQUIREMENTS_PATH, 'utf8'));
  return cached;
}

/**
 * Reads spec/releases.yaml, the one table of wazo-auth releases, and answers every question the kit asks
 * about them: is this a supported release, does behaviour B hold in release R, which releases is a host
 * consistent with given what it was seen doing. Wazo versions (`26.05`) are not semver: they are
 * compared by their position in the table, where `master` comes last.
 */
import { readFileSync } from 'node:fs';
import { parseCached, SpecError } from './loader.ts';
import { dataPath } from './package-root.ts';

/** A behaviour that holds in some supported releases and not in others. */
export interface Behaviour {
  name: string;
  title: string;
  /** First release that has it; undefined = every release from the oldest. */
  since?: string;
  /** Last release that has it; undefined = up to master. */
  until?: string;
  source: string;
  /** What the recorded real releases showed (true = the behaviour was there). */
  observed: Record<string, boolean>;
  /**
   * The operations the behaviour brings, as {@link operationKey}s (`GET /idp`, `PUT /tenants/{}/parent/{}`):
   * each is marked `x-wazo-behaviour: NAME` in the description and exists only where NAME holds.
   */
  operations: readonly string[];
}

/** `GET /tenants/{}/domains` for GET /tenants/{tenant_uuid}/domains: an operation, whatever its parameters are named. */
export function operationKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, '{}')}`;
}

/** One thing a host was seen doing (or not doing), as the suite records it. */
export interface Observation {
  behaviour: string;
  present: boolean;
  /** Which test saw it, and how (redacted text). */
  test?: string;
  detail?: string;
}

/** Which releases a host's answers are consistent with. */
export interface ReleaseVerdict {
  /** The release the run was told (`--wazo-version`), or null when it was inferred. */
  given: string | null;
  /** Releases consistent with every observation (within `given` when set), oldest first. */
  candidates: string[];
  /** `26.05 – master`, `24.01`, or `no supported release`. */
  label: string;
  /** Observations that disagree with the given release, or with each other (none when candidates exist). */
  contradictions: (Observation & { holdsIn: string })[];
  observations: Observation[];
}

export interface ReleaseTable {
  /** Every supported release, oldest first, `master` last. */
  releases: readonly string[];
  /** The newest release: what production hosts run and what the mock plays by default. */
  newest: string;
  /** Releases recorded on the real service (spec/fixtures/releases/). */
  recorded: readonly string[];
  behaviours: ReadonlyMap<string, Behaviour>;
  /** Differences known from upstream's history that no requirement checks yet. */
  unchecked: readonly { title: string; since: string; source: string }[];
  /** The supported release a user typed (`26.05`, `wazo-26.05`, `master`), or undefined. */
  resolve(text: string): string | undefined;
  /** Whether `behaviour` holds in `release`. */
  holds(behaviour: string, release: string): boolean;
  /** The releases a behaviour holds in (or, with `present` false, those it does not), as a label. */
  rangeLabel(behaviour: string, present?: boolean): string;
  /** Contiguous runs of the table, e.g. `24.01 – 25.08, master`. */
  label(releases: readonly string[]): string;
  /**
   * One release per distinct set of behaviours (the oldest of each), plus the recorded ones: running
   * the suite against these covers every combination the table can produce.
   */
  representatives(): string[];
  /** Which releases are consistent with what a host was seen doing. */
  infer(observations: readonly Observation[], given?: string | null): ReleaseVerdict;
}

export const RELEASES_PATH = dataPath('spec/releases.yaml');

/** Parses and checks the table (known releases in since/until/observed, observed agreeing with the range). */
export function buildReleaseTable(source: string): ReleaseTable {
  const doc = parseCached(source) as {
    releases?: unknown[];
    newest?: unknown;
    recorded?: unknown[];
    behaviours?: Record<string, Partial<Omit<Behaviour, 'operations'>> & { operations?: unknown[] }>;
    unchecked?: { title?: unknown; since?: unknown; source?: unknown }[];
  };
  const releases = (doc.releases ?? []).map(String);
  if (releases.length === 0 || releases.at(-1) !== 'master') throw new SpecError('releases.yaml: `releases` must list the supported releases, oldest first, master last');
  const position = new Map(releases.map((r, i) => [r, i]));
  if (position.size !== releases.length) throw new SpecError('releases.yaml: a release is listed twice');
  const known = (what: string, r: unknown): string => {
    if (typeof r !== 'string' || !position.has(r)) throw new SpecError(`releases.yaml: ${what} names ${String(r)}, which is not in \`releases\``);
    return r;
  };
  const newest = known('newest', String(doc.newest));
  const recorded = (doc.recorded ?? []).map((r) => known('recorded', String(r)));

  const behaviours = new Map<string, Behaviour>();
  for (const [name, b] of Object.entries(doc.behaviours ?? {})) {
    if (!b.title || !b.source) throw new SpecError(`releases.yaml: behaviour ${name} needs a title and a source`);
    if (b.since === undefined && b.until === undefined) throw new SpecError(`releases.yaml: behaviour ${name} holds everywhere; give since or until, or drop it`);
    const since = b.since === undefined ? undefined : known(`${name}.since`, String(b.since));
    const until = b.until === undefined ? undefined : known(`${name}.until`, String(b.until));
    const observed: Record<string, boolean> = {};
    for (const [r, seen] of Object.entries(b.observed ?? {})) observed[known(`${name}.observed`, r)] = seen === true;
    const operations = (b.operations ?? []).map((o: unknown) => {
      const m = typeof o === 'string' ? /^([A-Za-z]+) (\/\S*)$/.exec(o) : null;
      if (!m) throw new SpecError(`releases.yaml: ${name}.operations: ${String(o)} is not \`METHOD /path\``);
      return operationKey(m[1]!, m[2]!);
    });
    behaviours.set(name, { name, title: b.title, since, until, source: b.source, observed, operations });
  }

  const unchecked = (doc.unchecked ?? []).map((u, i) => {
    if (typeof u.title !== 'string' || typeof u.source !== 'string') throw new SpecError(`releases.yaml: unchecked entry ${i + 1} needs a title and a source`);
    return { title: u.title, since: known(`unchecked entry ${i + 1}`, String(u.since)), source: u.source };
  });
  const index = (r: string) => position.get(r)!;
  const holds = (behaviour: string, release: string): boolean => {
    const b = behaviours.get(behaviour);
    if (!b) throw new SpecError(`unknown behaviour ${behaviour} (declare it in spec/releases.yaml)`);
    const i = index(release);
    return (b.since === undefined || i >= index(b.since)) && (b.until === undefined || i <= index(b.until));
  };
  for (const b of behaviours.values()) {
    for (const [r, seen] of Object.entries(b.observed)) {
      if (holds(b.name, r) !== seen) throw new SpecError(`releases.yaml: ${b.name} was ${seen ? '' : 'not '}observed on ${r}, which its since/until contradict`);
    }
  }

  const label = (set: readonly string[]): string => {
    if (set.length === 0) return 'no supported release';
    const sorted = [...new Set(set)].sort((a, b) => index(a) - index(b));
    const runs: string[][] = [];
    for (const r of sorted) {
      const run = runs.at(-1);
      if (run && index(run.at(-1)!) === index(r) - 1) run.push(r);
      else runs.push([r]);
    }
    return runs.map((run) => (run.length === 1 ? run[0]! : `${run[0]} – ${run.at(-1)}`)).join(', ');
  };
  const where = (behaviour: string, present: boolean) => releases.filter((r) => holds(behaviour, r) === present);

  return {
    releases,
    newest,
    recorded,
    behaviours,
    unchecked,
    resolve(text) {
      const t = text.trim().toLowerCase().replace(/^wazo-/, '');
      return position.has(t) ? t : undefined;
    },
    holds,
    rangeLabel: (behaviour, present = true) => label(where(behaviour, present)),
    label,
    representatives() {
      const seen = new Set<string>();
      const chosen = new Set<string>(recorded);
      for (const r of releases) {
        const key = [...behaviours.keys()].map((b) => (holds(b, r) ? '1' : '0')).join('');
        if (!seen.has(key)) chosen.add(r);
        seen.add(key);
      }
      return releases.filter((r) => chosen.has(r));
    },
    infer(observations, given = null) {
      const pool = given ? [given] : releases;
      const agrees = (o: Observation, r: string) => holds(o.behaviour, r) === o.present;
      const candidates = pool.filter((r) => observations.every((o) => agrees(o, r)));
      let contradictions: ReleaseVerdict['contradictions'] = [];
      if (candidates.length === 0 && observations.length > 0) {
        // The releases that agree with the most observations; an observation one of them disagrees
        // with is reported, so two observations that exclude each other are both named.
        const score = (r: string) => observations.filter((o) => agrees(o, r)).length;
        const best = Math.max(...pool.map(score));
        const fits = pool.filter((r) => score(r) === best);
        contradictions = observations
          .filter((o) => fits.some((r) => !agrees(o, r)))
          .map((o) => ({ ...o, holdsIn: label(where(o.behaviour, o.present)) }));
      }
      return { given, candidates, label: label(candidates), contradictions, observations: [...observations] };
    },
  };
}

let cached: ReleaseTable | undefined;

/** Loads spec/releases.yaml once per process. */
export function loadReleases(): ReleaseTable {
  cached ??= buildReleaseTable(readFileSync(RELEASES_PATH, 'utf8'));
  return cached;
}

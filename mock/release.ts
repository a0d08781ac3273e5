/**
 * The wazo-auth release the mock plays. Where releases differ (spec/releases.yaml), the state and the
 * handlers ask `release.has(behaviour)`, by the behaviour's name: no version number is compared here.
 */
import { loadReleases } from '../spec/releases.ts';

/** A supported release and the release-dependent behaviours it shows. */
export interface PlayedRelease {
  /** `26.05`, `master`, ... */
  readonly name: string;
  /** Whether the release shows this behaviour of spec/releases.yaml (an unknown name throws). */
  has(behaviour: string): boolean;
}

/** The release `name` (default: the newest release, what production hosts run). */
export function playRelease(name?: string): PlayedRelease {
  const table = loadReleases();
  const release = name === undefined ? table.newest : table.resolve(name);
  if (!release) throw new Error(`[mock] ${name} is not a supported wazo-auth release: give one of ${table.label(table.releases)}`);
  const holding = new Set([...table.behaviours.keys()].filter((b) => table.holds(b, release)));
  return {
    name: release,
    has(behaviour) {
      if (!table.behaviours.has(behaviour)) throw new Error(`[mock] unknown release behaviour ${behaviour} (spec/releases.yaml)`);
      return holding.has(behaviour);
    },
  };
}

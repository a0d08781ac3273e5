/**
 * Renders the release table (spec/releases.yaml) as Markdown (docs/releases.md): which wazo-auth
 * releases the kit supports, what differs between them, since when, the source, and what the real
 * releases showed. A unit test keeps the committed file up to date.
 *
 *   npx tsx spec/releases-doc.ts > docs/releases.md
 */
import { pathToFileURL } from 'node:url';
import { loadReleases, type ReleaseTable } from './releases.ts';
import { loadRequirements, type Catalogue } from './requirements.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

/** The Markdown text of the release table. */
export function renderReleases(table: ReleaseTable, catalogue: Catalogue): string {
  const tags = table.releases.filter((r) => r !== 'master');
  const lines = [
    '# wazo-auth releases',
    '',
    '<!-- Generated from spec/releases.yaml by spec/releases-doc.ts; do not edit by hand. -->',
    '',
    `The kit supports every wazo-auth release from ${tags[0]} to ${tags.at(-1)} (${tags.length} releases) and upstream`,
    "`master`. Most of the API is the same in all of them; the behaviours below are not. Each says in which",
    'releases it holds, where that comes from (the upstream commit and the first tag that contains it, which',
    "is not always the release upstream's CHANGELOG.md names), and what the real, unmodified releases",
    `answered when recorded (${table.recorded.join(', ')}; spec/fixtures/releases/, re-recorded by`,
    '`spec/fixtures/record-release.ts`).',
    '',
    '## How the kit uses it',
    '',
    '- **The suite judges the release a host runs.** `wazo-auth-kit test --wazo-version X` (or `WAZO_VERSION=X`)',
    '  expects release X wherever releases differ: a host that behaves like another release fails the',
    '  requirements below where they differ. Without it, each release-dependent test records what the host',
    '  did, the reporter works out which releases all of that is consistent with and reports it ("behaves',
    '  like wazo-auth 26.05"); a host is never failed for being an older or newer supported release, but',
    '  answers no supported release gives together (one says ≥ 26.05, another < 25.09) fail the requirements',
    '  behind them.',
    `- **The mock plays a release.** \`wazo-auth-kit mock --wazo-version X\` (or \`WAZO_VERSION=X\`; default ${table.newest},`,
    '  the newest release) answers as release X does, headers and bodies included; its state page and',
    '  `GET /_mock/state` (`wazo_version`) say which.',
    '- **The description holds for every release.** A part of spec/wazo-auth.yaml that not every release',
    '  sends carries `x-wazo-behaviour: NAME`; it is required only when judged against releases that all have it.',
    '  An operation marked so exists only in the releases where NAME holds: the mock playing another release',
    '  answers it as a path it does not know, the suite skips its tests there (naming the release), the fuzz',
    '  does not send it.',
    '',
    '## What differs',
    '',
    '| behaviour | holds in | not in | requirement | what a client sees | source |',
    '|---|---|---|---|---|---|',
  ];
  for (const b of table.behaviours.values()) {
    const requirements = catalogue.requirements.filter((r) => r.behaviour === b.name).map((r) => `\`${r.id}\``);
    // A behaviour that brings operations is checked by their tests (skipped where it is absent).
    if (requirements.length === 0 && b.operations.length > 0) requirements.push(`the tests of ${b.operations.map((o) => `\`${o}\``).join(', ')}`);
    lines.push(`| \`${b.name}\` | ${table.rangeLabel(b.name)} | ${table.rangeLabel(b.name, false)} | ${requirements.join(', ')} | ${cell(b.title)} | ${cell(b.source)} |`);
  }
  lines.push('', '## What the real releases showed', '', `| behaviour | ${table.recorded.join(' | ')} |`, `|---|${table.recorded.map(() => '---').join('|')}|`);
  for (const b of table.behaviours.values()) {
    lines.push(`| \`${b.name}\` | ${table.recorded.map((r) => (r in b.observed ? (b.observed[r] ? 'yes' : 'no') : '—')).join(' | ')} |`);
  }
  if (table.unchecked.length > 0) {
    lines.push(
      '',
      '## Known differences the suite does not check yet',
      '',
      "Found in upstream's history; no requirement covers these paths yet, so neither the suite nor the mock",
      'tells the releases apart there.',
      '',
      '| since | what changed | source |',
      '|---|---|---|',
      ...table.unchecked.map((u) => `| ${u.since} | ${cell(u.title)} | ${cell(u.source)} |`),
    );
  }
  const reps = table.representatives();
  lines.push(
    '',
    '## Releases that behave alike',
    '',
    `The behaviours split the ${table.releases.length} supported releases into groups that answer alike; \`npm run test:releases\``,
    `runs the suite against the mock playing one of each group (and every recorded release): ${reps.join(', ')}.`,
    '',
    '| from | to | behaviours that hold |',
    '|---|---|---|',
  );
  const key = (r: string) => [...table.behaviours.keys()].filter((b) => table.holds(b, r));
  let start = 0;
  for (let i = 1; i <= table.releases.length; i++) {
    const here = table.releases[start]!;
    if (i < table.releases.length && key(table.releases[i]!).join() === key(here).join()) continue;
    const names = key(here);
    lines.push(`| ${here} | ${table.releases[i - 1]} | ${names.length ? names.map((n) => `\`${n}\``).join(', ') : 'none'} |`);
    start = i;
  }
  lines.push('');
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write(renderReleases(loadReleases(), loadRequirements()));

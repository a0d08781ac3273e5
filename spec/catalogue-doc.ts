/**
 * Renders the requirement catalogue as Markdown (docs/requirements.md), one table per area, so that
 * people can read the rules without opening YAML. A unit test keeps the committed file up to date.
 *
 *   npx tsx spec/catalogue-doc.ts > docs/requirements.md
 */
import { pathToFileURL } from 'node:url';
import { loadRequirements, type Catalogue } from './requirements.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The Markdown text of the catalogue. */
export function renderCatalogue(catalogue: Catalogue): string {
  const must = catalogue.requirements.filter((r) => r.severity === 'must').length;
  const lines = [
    '# Requirement catalogue',
    '',
    '<!-- Generated from spec/requirements.yaml by spec/catalogue-doc.ts; do not edit by hand. -->',
    '',
    `${catalogue.requirements.length} rules: ${must} \`must\` (the real wazo-auth does it and clients rely on it; a failure`,
    `fails the gate) and ${catalogue.requirements.length - must} \`should\` (robustness a good server offers; reported as a warning).`,
    'Sources: "obs. N" is exchange N of the recording of the real service',
    '(`../shared/reference/wazo-auth-observed.md`), "seed" the Wazo tutorial the kit starts from,',
    '"sdk" what @wazo/sdk needs, "upstream" wazo-auth\'s own code or Swagger.',
    '',
  ];
  for (const [area, description] of catalogue.areas) {
    const rules = catalogue.requirements.filter((r) => r.area === area);
    if (rules.length === 0) continue;
    lines.push(`## ${area}: ${description}`, '', '| ID | severity | rule | source |', '|---|---|---|---|');
    for (const r of rules) lines.push(`| \`${r.id}\` | ${r.severity} | ${cell(r.title)} | ${cell(r.source)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write(renderCatalogue(loadRequirements()));

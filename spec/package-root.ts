/**
 * Where the kit's own files are, whether it runs from a clone (TypeScript through tsx: this module is
 * spec/package-root.ts) or from an installed package (compiled: dist/spec/package-root.js). Data files
 * (spec/*.yaml, package.json) are found from here, never relative to a compiled module, so that one copy
 * of each serves both.
 */
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  // The first directory upwards holding a package.json: the clone's root, or node_modules/wazo-auth-kit/
  // (dist/ has none of its own).
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`wazo-auth-kit: no package.json above ${start}`);
  }
}

/** The kit's root directory: the clone, or the installed package's folder. */
export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** `.ts` when the kit runs from its TypeScript sources (a clone), `.js` when it runs compiled (dist/). */
export const SOURCE_EXTENSION = extname(fileURLToPath(import.meta.url)) === '.ts' ? '.ts' : '.js';

/** True when the kit runs compiled, from dist/ (an installed package, or a clone after `npm run build`). */
export const COMPILED = SOURCE_EXTENSION === '.js';

/** A file of the kit's code by its source path (`cli/report/reporter.ts`), as it exists in this form of the kit. */
export function codePath(sourcePath: string): string {
  const base = sourcePath.replace(/\.ts$/, SOURCE_EXTENSION);
  return COMPILED ? join(PACKAGE_ROOT, 'dist', base) : join(PACKAGE_ROOT, base);
}

/** A data file shipped as is (`spec/wazo-auth.yaml`, `package.json`). */
export function dataPath(path: string): string {
  return join(PACKAGE_ROOT, path);
}

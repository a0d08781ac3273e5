// Fast start for `wazo-auth-kit mock`. Running TypeScript through tsx costs about 400 ms before the
// first line of ours runs (its loader thread and hooks), which alone breaks the mock's start-up target
// (first answer within 0.5 s). So the mock's sources are bundled once into plain JavaScript with
// esbuild (tsx's own compiler) and cached under node_modules/.cache, keyed by the sources' sizes and
// modification times; later starts import the cached file directly. Any failure returns undefined and
// the caller falls back to tsx, so this can only make start-up faster, never break it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A key that changes whenever a TypeScript source of the mock or of spec/ changes. */
function sourceKey() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    // A plain comparison, not localeCompare: loading ICU for that cost 15 ms of every start.
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'fixtures') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const { size, mtimeMs } = statSync(path);
        hash.update(`${path}\0${size}\0${mtimeMs}\n`);
      }
    }
  };
  walk(join(root, 'mock'));
  walk(join(root, 'spec'));
  hash.update(process.version);
  const self = statSync(fileURLToPath(import.meta.url));
  hash.update(`${self.size}\0${self.mtimeMs}`);
  return hash.digest('hex').slice(0, 16);
}

/**
 * esbuild keeps `import.meta.url` as the bundle's own URL; our modules use it to find files next to
 * them (spec/wazo-auth.yaml, createRequire), so each module gets its original URL written in.
 */
const keepImportMetaUrl = {
  name: 'keep-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: 'ts',
    }));
  },
};

/** The mock's main module as plain JavaScript, or undefined when it cannot be had. */
export async function loadMockBundle() {
  try {
    const dir = join(root, 'node_modules', '.cache', 'wazo-auth-kit');
    const key = sourceKey();
    const file = join(dir, `mock-${key}.mjs`);
    if (!existsSync(file)) {
      const { build } = await import('esbuild');
      mkdirSync(dir, { recursive: true });
      // Bundles of older sources go; those of this key may be another process's, being written now.
      for (const old of readdirSync(dir)) if (old.startsWith('mock-') && !old.startsWith(`mock-${key}`)) rmSync(join(dir, old), { force: true });
      const temporary = `${file}.${process.pid}.tmp.mjs`;
      await build({
        entryPoints: [join(root, 'mock', 'main.ts')],
        outfile: temporary,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        // ajv and ajv-formats are bundled in: resolving and loading their ~100 CommonJS files one by one
        // cost about 60 ms of every start. yaml and selfsigned are loaded only when needed.
        external: ['yaml', 'selfsigned'],
        banner: { js: "import { createRequire as __kitCreateRequire } from 'node:module'; const require = __kitCreateRequire(import.meta.url);" },
        logLevel: 'silent',
        plugins: [keepImportMetaUrl],
      });
      renameSync(temporary, file);
    }
    return await import(pathToFileURL(file).href);
  } catch {
    return undefined;
  }
}

#!/usr/bin/env node
// Entry point of the `wazo-auth-kit` command, in both forms of the kit:
// - installed from the registry (or a packed tarball): no TypeScript sources, only the JavaScript that
//   `npm pack` built into dist/ (prepack runs `npm run build`). That is run directly: no tsx, no esbuild.
// - a clone: the TypeScript sources run through tsx, as they always have (no build step), and `mock`
//   takes a faster path (bin/mock-bundle.js), because its start-up time is a target of its own.
// A clone is recognised by its sources (cli/main.ts), which the package does not ship, so a stale
// dist/ left in a clone by `npm pack` is never run by mistake.
import { existsSync } from 'node:fs';

const argv = process.argv.slice(2);
const clone = existsSync(new URL('../cli/main.ts', import.meta.url));

if (!clone) {
  if (argv[0] === 'mock' && !argv.includes('--help') && !argv.includes('-h')) {
    // Straight to the mock: the command line's other modules (Playwright's among them) are not needed.
    const { main } = await import('../dist/mock/main.js');
    await main(argv.slice(1));
  } else {
    const { main } = await import('../dist/cli/main.js');
    process.exitCode = await main(argv);
  }
} else {
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  let mock;
  if (argv[0] === 'mock' && !wantsHelp && process.env.WAZO_KIT_NO_BUNDLE !== '1') {
    const { loadMockBundle } = await import('./mock-bundle.js');
    mock = await loadMockBundle();
  }
  if (mock) {
    await mock.main(argv.slice(1));
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    const { main } = await import('../cli/main.ts');
    process.exitCode = await main(argv);
  }
}

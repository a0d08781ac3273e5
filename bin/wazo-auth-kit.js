#!/usr/bin/env node
// Entry point of the `wazo-auth-kit` command. The kit is TypeScript run through tsx, so there is no
// build step: register tsx's loader, then hand over to cli/main.ts. `mock` takes a faster path
// (bin/mock-bundle.js) because its start-up time is a target of its own.
const argv = process.argv.slice(2);
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

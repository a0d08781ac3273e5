#!/usr/bin/env node
// Entry point of the `wazo-auth-kit` command. The kit is TypeScript run through tsx, so there is no
// build step: register tsx's loader, then hand over to cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

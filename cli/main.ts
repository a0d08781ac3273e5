/**
 * The `wazo-auth-kit` command line: dispatches to one sub-command and returns its exit status.
 */
import { readFileSync } from 'node:fs';
import { dataPath } from '../spec/package-root.ts';
import { CliError, EXIT } from './errors.ts';

export { EXIT };

const pkg = JSON.parse(readFileSync(dataPath('package.json'), 'utf8')) as { version: string };

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  test: {
    summary: 'Run the conformance suite (default: against the embedded mock), write reports/, exit 0/1/2 as a CI gate',
    async run(argv) {
      const { testCommand } = await import('./test-command.ts');
      return testCommand(argv);
    },
  },
  fuzz: {
    summary: 'Send seeded, spec-generated valid and invalid requests; report 5xx, hangs, undeclared answers, accepted invalid input (curl lines)',
    async run(argv) {
      const { fuzzCommand } = await import('./fuzz-command.ts');
      return fuzzCommand(argv);
    },
  },
  compare: {
    summary: 'Show where two conformance.json files differ; exit 1 when a must requirement does',
    async run(argv) {
      const { compareCommand } = await import('./compare.ts');
      return compareCommand(argv);
    },
  },
  proxy: {
    summary: 'Run Prism between an app and a wazo-auth server; print every request and answer that leaves the spec',
    async run(argv) {
      const { proxyCommand } = await import('./proxy-command.ts');
      return proxyCommand(argv);
    },
  },
  mock: {
    summary: 'Start the stateful wazo-auth mock server (default http+https on 127.0.0.1:9497)',
    async run(argv) {
      const { main } = await import('../mock/main.ts');
      await main(argv);
      // The mock reports a bad option (and its own failures) through process.exitCode.
      return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
    },
  },
};

/** The top-level help text. */
export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    `wazo-auth-kit ${pkg.version}: conformance test kit and mock server for the Wazo authentication API (wazo-auth)`,
    '',
    'Usage: wazo-auth-kit <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     Show this help (or a command\'s own help: wazo-auth-kit <command> --help)',
    '  -v, --version  Print the version',
  ].join('\n');
}

/** Runs the command line and resolves to the process exit status. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    console.log(usage());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '-v' || first === '--version') {
    console.log(pkg.version);
    return EXIT.ok;
  }
  const command = commands[first];
  if (!command) {
    console.error(`wazo-auth-kit: unknown command "${first}". Run "wazo-auth-kit --help" for the list.`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    // Kit failures carry their one-line message and exit status; anything else is a bug.
    if (error instanceof CliError) {
      console.error(`wazo-auth-kit: ${error.message}`);
      return error.exitCode;
    }
    console.error(`wazo-auth-kit: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.usage;
  }
}

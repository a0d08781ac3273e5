/**
 * The `wazo-auth-kit` command line: dispatches to one sub-command and returns its exit status.
 */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Exit statuses shared by every sub-command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  mock: {
    summary: 'Start the stateful wazo-auth mock server (default http+https on 127.0.0.1:9497)',
    async run(argv) {
      const { main } = await import('../mock/main.ts');
      await main(argv);
      return EXIT.ok;
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
  return command.run(rest);
}

/**
 * `wazo-auth-kit proxy --target URL [--port P]`: Prism's validating proxy (cli/proxy.ts) offered to
 * users. Point an app (or `wazo-auth-kit test --url`) at it; every request and answer that leaves
 * spec/wazo-auth.yaml is printed as it happens, and a summary is printed on exit (Ctrl-C).
 */
import { parseArgs } from 'node:util';
import { stopAllChildren } from './child-processes.ts';
import { checkUrl } from './test-options.ts';
import { EXIT, UsageError } from './errors.ts';
import { bypassReasons, describeExchange, groupFindings, PRISM_MISSING, prismScript, startPrismProxy, tally, type ProxiedExchange } from './proxy.ts';

/** `wazo-auth-kit proxy --help`. */
export const PROXY_USAGE = `Usage: wazo-auth-kit proxy --target URL [options]

Runs Prism (prism proxy spec/wazo-auth.yaml URL) between your app and a wazo-auth server, on 127.0.0.1.
Every request and answer that does not match spec/wazo-auth.yaml is printed as it happens; Ctrl-C
prints a summary (counts per operation and finding) and stops. Answers are passed on unchanged.
HEAD requests and bodies that are not a JSON object or list go straight to the target, unvalidated
(Prism 5 cannot carry them unchanged); the summary counts them.
Exit status: 0, or 1 when an answer of the server violated the spec (2: bad flag, busy port).

  --target URL   the server: its base URL with the version prefix, e.g. https://wazo.example.com/api/auth/0.1
                 or http://127.0.0.1:9497/0.1 (the mock)
  --port P       port to listen on (default 4010; 0 = any free port)
  --insecure     accept a self-signed certificate on the target
  --errors       let Prism answer a violating request itself (422) and replace a violating answer
                 (500 application/problem+json), as "prism proxy --errors" does; default: report only
  --verbose      print every exchange, not only those with findings
  -h, --help     this help

The proxy answers under /0.1/... and /api/auth/0.1/... (both go to the target's prefix), like wazo-auth:
  wazo-auth-kit proxy --target http://127.0.0.1:9497/0.1 --port 4010
  wazo-auth-kit test --url http://127.0.0.1:4010/0.1            # the suite, through Prism
  curl -u alice:alice-pw -H 'Content-Type: application/json' -d '{}' http://127.0.0.1:4010/0.1/token`;

/** Runs the `proxy` command until SIGINT/SIGTERM; resolves to its exit status. */
export async function proxyCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        target: { type: 'string' },
        port: { type: 'string' },
        insecure: { type: 'boolean' },
        errors: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('. ')[0]!.replace(/\.$/, '')}; run "wazo-auth-kit proxy --help" for the flags`);
  }
  if (values.help) {
    console.log(PROXY_USAGE);
    return EXIT.ok;
  }
  if (values.target === undefined) throw new UsageError('proxy needs --target URL, the server to check (e.g. --target http://127.0.0.1:9497/0.1)');
  const target = checkUrl(values.target, '--target');
  if (!prismScript()) throw new UsageError(PRISM_MISSING);
  const port = Number(values.port ?? 4010);
  if (!/^\d+$/.test(values.port ?? '4010') || port > 65535) throw new UsageError(`--port ${values.port}: give a port number from 0 to 65535`);

  const onExchange = (e: ProxiedExchange) => {
    if (e.violations.length > 0) console.log(describeExchange(e));
    else if (values.verbose) console.log(`  ${e.method} ${e.path} → ${e.status}${e.operationId ? ` (${e.operationId})` : ''} ${e.durationMs} ms${e.bypassed ? `  (not through Prism: ${e.bypassed})` : ''}`);
  };
  let proxy;
  try {
    proxy = await startPrismProxy({ target, port, errors: values.errors === true, insecure: values.insecure === true, onExchange });
  } catch (error) {
    await stopAllChildren();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on 127.0.0.1 is in use: pick another with --port (0 = any free port)`);
    throw error;
  }
  console.log(`wazo-auth-kit proxy: Prism checks every exchange against spec/wazo-auth.yaml`);
  console.log(`  listening  ${proxy.url}   (and ${proxy.origin}/api/auth/0.1)`);
  console.log(`  target     ${target}${values.errors ? '   (--errors: Prism answers violations itself)' : ''}`);
  console.log('  findings are printed as they happen; Ctrl-C for the summary');

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await proxy.close();
  const t = tally(proxy.exchanges);
  console.log(`\nSummary: ${t.exchanges} exchange(s); ${t.requestViolations.length} with request violations, ${t.responseViolations.length} with response violations, ${t.warnings.length} with warnings only`);
  for (const g of groupFindings(proxy.exchanges)) console.log(`  ${String(g.count).padStart(4)}  ${g.key}  [answered ${g.statuses.join(', ')}]`);
  for (const b of bypassReasons(proxy.exchanges)) console.log(`  ${String(b.count).padStart(4)}  not validated, sent straight to the target: ${b.reason}`);
  return t.responseViolations.length > 0 ? EXIT.failed : EXIT.ok;
}

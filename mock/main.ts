/**
 * `wazo-auth-kit mock [options]` (also `npx tsx mock/main.ts`): resolves the configuration, starts the
 * server, prints where it listens and which users it seeded (never their passwords), and stops cleanly
 * on SIGINT/SIGTERM. Resolves when the server has stopped.
 */
import { pathToFileURL } from 'node:url';
import { loadReleases } from '../spec/releases.ts';
import { ConfigError, faultList, HELP, resolveConfig, type MockConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startMockServer, type MockServer } from './server.ts';
import { collectGarbage } from './memory.ts';

/** A users file this large is followed by a full garbage collection once loaded. */
const LARGE_USERS_FILE = 500;

function banner(config: MockConfig, server: MockServer, tlsSource: string | undefined): string {
  const http = config.tls === 'on' ? undefined : server.url.replace(/\/0\.1$/, '');
  const https = server.httpsUrl?.replace(/\/api\/auth\/0\.1$/, '');
  const lines = [`[mock] wazo-auth mock listening, playing wazo-auth ${config.wazoVersion}${config.wazoVersion === loadReleases().newest ? ' (the newest release; --wazo-version to play another)' : ''}`];
  if (http) lines.push(`  ${http}/0.1`, `  ${http}/api/auth/0.1`);
  if (https) {
    lines.push(`  ${https}/0.1`, `  ${https}/api/auth/0.1   (@wazo/sdk: server "${https.replace('https://', '')}")`);
    lines.push(`  TLS certificate: ${tlsSource === 'files' ? 'from --cert/--key' : 'self-signed (accept it, or curl -k)'}`);
  }
  lines.push(`  developer controls: ${server.origin}/_mock/`);
  if (config.faults.length > 0) lines.push(`  FAULTS ON (this mock breaks these rules on purpose): ${config.faults.join(', ')}`);
  lines.push(`  users${config.usersFile ? ` (from ${config.usersFile})` : ''}: ${config.users.map((u) => `${u.username} (${u.purpose})`).join(', ')}`);
  lines.push('  Ctrl-C to stop');
  return lines.join('\n');
}

/** Runs the mock until SIGINT or SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  let config: MockConfig;
  try {
    config = resolveConfig(argv, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`wazo-auth-kit mock: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (config.help) {
    process.stdout.write(HELP);
    return;
  }
  if (config.listFaults) {
    process.stdout.write(faultList());
    return;
  }
  const logger = createLogger(config.logLevel);
  // Requests never throw past app.ts; this is the last net, so that a stray error is loud but the
  // developer's mock keeps serving.
  const onStray = (error: unknown) => logger.error('uncaught error (the mock keeps running)', error);
  process.on('uncaughtException', onStray);
  process.on('unhandledRejection', onStray);
  let server: MockServer;
  try {
    server = await startMockServer({
      host: config.host,
      port: config.port,
      tls: config.tls,
      certificate: config.certificate,
      users: config.users,
      maxUserSessions: config.maxUserSessions,
      checkResponses: config.checkResponses,
      behaviourFaults: config.faults,
      wazoVersion: config.wazoVersion,
      logger,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint =
      code === 'EADDRINUSE'
        ? `port ${config.port} on ${config.host} is in use: stop the other process or pick another with --port (0 = any free port).`
        : code === 'EACCES'
          ? `not allowed to listen on ${config.host}:${config.port}: pick a port above 1023.`
          : (error as Error).message;
    process.stderr.write(`wazo-auth-kit mock: ${hint}\n`);
    process.exitCode = 1;
    return;
  }
  // Parsing a users file leaves about 10 KB of garbage per user behind: give it back at once.
  if (config.usersFile && config.users.length >= LARGE_USERS_FILE) collectGarbage();
  if (logger.level === 'info' || logger.level === 'debug') {
    const tlsSource = config.tls === 'off' ? undefined : config.certificate ? 'files' : 'self-signed';
    process.stdout.write(`${banner(config, server, tlsSource)}\n`);
  }
  // Certificate generation (first run only) happens in the background; say so if it fails.
  void server.tlsReady;
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      logger.info(`${signal}: stopping`);
      void server.close().then(() => {
        process.off('uncaughtException', onStray);
        process.off('unhandledRejection', onStray);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`wazo-auth-kit mock: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}

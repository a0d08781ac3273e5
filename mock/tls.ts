/**
 * The HTTPS certificate. Given files are used as they are; otherwise a self-signed certificate for
 * `localhost`, `127.0.0.1` and `::1` is generated with `selfsigned` (an EC P-256 key: fast) and cached
 * under the OS temporary directory, so that later starts skip both the generation and the import of
 * `selfsigned` (slow to load). The cache holds nothing secret beyond a throwaway development key, is
 * written with mode 0600 and only trusted when owned by the current user.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** TLS modes: `auto` = HTTP and HTTPS on the same port, `on` = HTTPS only, `off` = HTTP only. */
export type TlsMode = 'auto' | 'on' | 'off';

/** A PEM certificate and its private key. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** Where it came from, for the start-up banner. */
  source: 'files' | 'cache' | 'generated';
}

const CACHE_VERSION = 1;
const MIN_REMAINING_MS = 7 * 24 * 3600 * 1000;

/** Where the generated certificate is cached. */
export function certificateCachePath(): string {
  let uid = 'user';
  try {
    uid = String(userInfo().uid);
  } catch {
    // no user database entry (some containers): one shared name is fine
  }
  return join(tmpdir(), `wazo-auth-kit-mock-cert-v${CACHE_VERSION}-${uid}.json`);
}

/** Reads a PEM certificate and key from files. */
export function readTlsFiles(certFile: string, keyFile: string): TlsMaterial {
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), source: 'files' };
}

function readCache(path: string): TlsMaterial | undefined {
  try {
    const stats = statSync(path);
    if (typeof process.getuid === 'function' && stats.uid !== process.getuid()) return undefined;
    const cached = JSON.parse(readFileSync(path, 'utf8')) as { cert?: unknown; key?: unknown };
    if (typeof cached.cert !== 'string' || typeof cached.key !== 'string') return undefined;
    const validTo = Date.parse(new X509Certificate(cached.cert).validTo);
    if (!(validTo - Date.now() > MIN_REMAINING_MS)) return undefined;
    return { cert: cached.cert, key: cached.key, source: 'cache' };
  } catch {
    return undefined;
  }
}

/** Generates a fresh self-signed development certificate (about a year of validity). */
export async function generateCertificate(): Promise<TlsMaterial> {
  const { generate } = await import('selfsigned');
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * 24 * 3600 * 1000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  return { cert: pems.cert, key: pems.private, source: 'generated' };
}

/** The cached self-signed certificate if there is a usable one. */
export function cachedCertificate(): TlsMaterial | undefined {
  return readCache(certificateCachePath());
}

let generating: Promise<TlsMaterial> | undefined;

/** Generates a certificate and caches it (once per process); caching failures are not fatal. */
export function generateAndCacheCertificate(): Promise<TlsMaterial> {
  generating ??= generateAndWrite().catch((error: unknown) => {
    generating = undefined;
    throw error;
  });
  return generating;
}

async function generateAndWrite(): Promise<TlsMaterial> {
  const material = await generateCertificate();
  const path = certificateCachePath();
  try {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ cert: material.cert, key: material.key }), { mode: 0o600 });
    renameSync(temporary, path);
  } catch {
    // read-only temporary directory: generate again next time
  }
  return material;
}

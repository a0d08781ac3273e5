/**
 * Looks for secrets in everything a run wrote: every file under some directories (ZIP archives and
 * the ZIP that Playwright's HTML report embeds in index.html are opened) and captured terminal output.
 * A hit names the file and the kind of secret, never the secret itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unzip } from './zip.ts';

/** A secret to look for; `label` is what a hit shows instead of the value. */
export interface Secret {
  label: string;
  value: string;
}

/** A text to scan, with where it came from. */
export interface ScannedText {
  source: string;
  text: string;
}

/** A secret found in a text. */
export interface Hit {
  source: string;
  label: string;
}

const EMBEDDED_ZIP = /data:application\/zip;base64,([A-Za-z0-9+/=]+)/g;

/** Every text under `dir` (recursively), archives opened. */
export function textsUnder(dir: string): ScannedText[] {
  const out: ScannedText[] = [];
  const walk = (path: string) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name));
      return;
    }
    const bytes = readFileSync(path);
    out.push(...textsOf(path, bytes));
  };
  walk(dir);
  return out;
}

/** The texts of one file: itself, and the entries of any ZIP it is or embeds. */
export function textsOf(source: string, bytes: Buffer): ScannedText[] {
  const out: ScannedText[] = [{ source, text: bytes.toString('utf8') }];
  if (bytes.length > 4 && bytes.readUInt32LE(0) === 0x04034b50) {
    for (const e of unzip(bytes)) out.push(...textsOf(`${source}!${e.name}`, e.data));
  }
  for (const m of out[0]!.text.matchAll(EMBEDDED_ZIP)) {
    for (const e of unzip(Buffer.from(m[1]!, 'base64'))) out.push(...textsOf(`${source}!embedded/${e.name}`, e.data));
  }
  return out;
}

/**
 * Finds each secret in each text, as is and in the forms a report could carry it: JSON-escaped and
 * URL-encoded.
 */
export function findSecrets(texts: ScannedText[], secrets: Secret[]): Hit[] {
  const hits: Hit[] = [];
  for (const { source, text } of texts) {
    for (const { label, value } of secrets) {
      const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
      if ([...forms].some((f) => text.includes(f))) hits.push({ source, label });
    }
  }
  return hits;
}

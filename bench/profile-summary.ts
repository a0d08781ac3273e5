/**
 * Summarises a V8 CPU profile (`node --cpu-prof` output): self time by function and by file, so that
 * a missed target can be traced to its cause without opening DevTools.
 *
 * Usage: node --import tsx bench/profile-summary.ts bench/profiles/CPU.*.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self time (µs) per function and per file of one profile. */
export interface ProfileSummary {
  totalUs: number;
  idleUs: number;
  byFunction: { name: string; us: number }[];
  byFile: { file: string; us: number }[];
  /** Time with the function anywhere on the stack (each function counted once per sample). */
  inclusive: { name: string; us: number }[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const shortFile = (url: string): string => {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const rel = path.startsWith(ROOT) ? relative(ROOT, path) : path;
  const nm = rel.lastIndexOf('node_modules/');
  return nm >= 0 ? rel.slice(nm) : rel;
};

/** Adds up each sample's time on the function it landed in (self time). */
export function summarise(profile: Profile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  const label = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    return `${functionName || '(anonymous)'} ${shortFile(url)}${url ? `:${lineNumber + 1}` : ''}`;
  };
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url } = node.callFrame;
    totalUs += delta;
    if (functionName === '(idle)') {
      idleUs += delta;
      return;
    }
    const f = shortFile(url);
    const name = label(node);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (!n || !n.callFrame.url) continue;
      const key = label(n);
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + delta);
    }
    fn.set(name, (fn.get(name) ?? 0) + delta);
    const fileKey = url ? f.replace(/^(node_modules\/(@[^/]+\/)?[^/]+)\/.*$/, '$1') : `(${functionName})`;
    file.set(fileKey, (file.get(fileKey) ?? 0) + delta);
  });
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    totalUs,
    idleUs,
    byFunction: sorted(fn).map(([name, us]) => ({ name, us })),
    byFile: sorted(file).map(([file, us]) => ({ file, us })),
    inclusive: sorted(incl).map(([name, us]) => ({ name, us })),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  const top = Number(values.top);
  for (const path of positionals) {
    const s = summarise(JSON.parse(readFileSync(path, 'utf8')) as Profile);
    const busy = s.totalUs - s.idleUs;
    const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
    console.log(`# ${path}\n${(s.totalUs / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy time)\n`);
    console.log('## self time by file');
    for (const { file, us } of s.byFile.slice(0, top)) console.log(`${pct(us)}  ${file}`);
    console.log('\n## self time by function');
    for (const { name, us } of s.byFunction.slice(0, top)) console.log(`${pct(us)}  ${name}`);
    console.log('\n## inclusive time of the project\'s own functions (node_modules and node: left out)');
    for (const { name, us } of s.inclusive.filter((f) => !/node_modules|node:/.test(f.name)).slice(0, top)) console.log(`${pct(us)}  ${name}`);
    console.log('');
  }
}

/**
 * A description of the machine the figures were measured on, for RESULTS.md.
 */
import { cpus, totalmem, release, platform, arch } from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** What the report says about the machine. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGb: number;
  node: string;
  os: string;
  autocannon: string;
  prism: string;
  /** The commit measured, and whether mock/ or spec/ differed from it (someone's work in progress). */
  commit: string;
}

const require = createRequire(import.meta.url);
const versionOf = (pkg: string): string => {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

/** `abc1234`, or `abc1234 + uncommitted changes in mock/ spec/`. */
function commitOf(root: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'mock', 'spec'], { cwd: root, encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes in mock/ or spec/` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** Reads CPU, memory, OS and tool versions. */
export function machineInfo(root: string): MachineInfo {
  const list = cpus();
  let osName = `${platform()} ${release()} ${arch()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) osName = `${pretty}, kernel ${release()} ${arch()}`;
  } catch {
    // not Linux: keep the generic name
  }
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ramGb: totalmem() / 2 ** 30,
    node: process.version,
    os: osName,
    autocannon: versionOf('autocannon'),
    prism: versionOf('@stoplight/prism-cli'),
    commit: commitOf(root),
  };
}

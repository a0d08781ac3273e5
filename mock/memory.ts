/**
 * Giving memory back. V8 collects garbage when it needs room, not when the mock goes quiet: after a
 * sweep has dropped tens of thousands of expired tokens, or a large users file has been parsed, that
 * memory stays with the process. One full collection at those moments returns it to the system within
 * about a second (figures: docs/scale.md). `gc()` is not exposed by default; a process may expose it
 * to itself, which is what this does on first use.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * Runs a full garbage collection that also compacts the heap (tens of milliseconds with a large
 * heap). A plain full collection frees the dead tokens but keeps most of the pages they sat on, since
 * a few live objects are scattered over them; compacting moves those and gives the pages back (a
 * scratch test: 61 MB of old space kept without, 4 MB with). V8 compacts every page only under its
 * `--compact-on-every-full-gc` flag, so the flag is on for this one collection. Never throws.
 */
export function collectGarbage(): void {
  try {
    if (!collect) {
      const exposed = (globalThis as { gc?: () => void }).gc;
      if (exposed) collect = exposed;
      else {
        setFlagsFromString('--expose-gc');
        collect = runInNewContext('gc') as () => void;
      }
    }
    setFlagsFromString('--compact-on-every-full-gc');
    try {
      collect();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  } catch {
    collect = () => undefined;
  }
}

/** A sweep that dropped at least this many tokens is followed by a full collection. */
export const COLLECT_AFTER_SWEEPING = 10_000;

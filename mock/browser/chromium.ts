/** Which Chromium the browser tests drive, and why they skip without it. */
import { existsSync } from 'node:fs';

/**
 * Debian's Chromium (DEVELOPERS.md; Playwright's own browser download is not reachable here).
 * `WAZO_KIT_CHROMIUM` points elsewhere, e.g. /usr/bin/chromium-browser on another distribution.
 */
export const CHROMIUM = process.env.WAZO_KIT_CHROMIUM || '/usr/bin/chromium';

/** Flags for a headless Chromium in a container, without background traffic. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The skip reason when Chromium is absent; undefined when it is there. */
export const NO_CHROMIUM = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set WAZO_KIT_CHROMIUM to run the browser tests`;

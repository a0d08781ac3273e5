/**
 * The fuzz phase's settings inside the suite (`wazo-auth-kit test --fuzz [N]` sets them), resolved from
 * the environment with the same defaults as `wazo-auth-kit fuzz`:
 *
 * | variable                  | meaning                                  | default                               |
 * |---------------------------|------------------------------------------|---------------------------------------|
 * | WAZO_KIT_FUZZ             | requests to generate; unset: no phase    | (off)                                 |
 * | WAZO_KIT_FUZZ_SEED        | the seed (a 32-bit whole number)         | random, printed                       |
 * | WAZO_KIT_FUZZ_RATE        | requests per second, 0 = unlimited       | 0 on the mock and 127.0.0.1, else 5   |
 * | WAZO_KIT_FUZZ_TIME_BUDGET | seconds before generation stops          | 300 on the mock, 600 on a URL         |
 * | WAZO_KIT_FUZZ_TIMEOUT     | per-request timeout, seconds             | 5 on the mock, 15 on a URL            |
 */
import { randomSeed } from './run.ts';

/** Why the robustness requirements are skipped when the phase was not asked for. */
export const NOT_REQUESTED = 'fuzz phase not requested: --fuzz';

/** Default number of requests: the embedded mock takes many, a real host few. */
export const defaultCount = (embeddedMock: boolean) => (embeddedMock ? 10_000 : 500);

/** Whether a URL is on this machine (then unpaced by default). */
export function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
  } catch {
    return false;
  }
}

/** The settings, or undefined when the phase is off; throws on a value that is not a number. */
export function fuzzSettings(env: NodeJS.ProcessEnv, target: { baseURL: string; embeddedMock: boolean }):
  | { count: number; seed: number; rate: number; timeBudgetMs: number; timeoutMs: number }
  | undefined {
  const raw = env.WAZO_KIT_FUZZ?.trim();
  if (!raw) return undefined;
  const whole = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined || text.trim() === '') return fallback;
    if (!/^\d+(\.\d+)?$/.test(text.trim())) throw new Error(`[wazo-auth-kit] ${name} must be a number, got "${text}"`);
    return Number(text.trim());
  };
  const local = target.embeddedMock || isLocalUrl(target.baseURL);
  return {
    count: raw === 'default' ? defaultCount(target.embeddedMock) : Math.max(1, Math.floor(whole('WAZO_KIT_FUZZ', raw, defaultCount(target.embeddedMock)))),
    seed: Math.floor(whole('WAZO_KIT_FUZZ_SEED', env.WAZO_KIT_FUZZ_SEED, randomSeed())) >>> 0,
    rate: whole('WAZO_KIT_FUZZ_RATE', env.WAZO_KIT_FUZZ_RATE, local ? 0 : 5),
    timeBudgetMs: 1000 * whole('WAZO_KIT_FUZZ_TIME_BUDGET', env.WAZO_KIT_FUZZ_TIME_BUDGET, target.embeddedMock ? 300 : 600),
    timeoutMs: 1000 * whole('WAZO_KIT_FUZZ_TIMEOUT', env.WAZO_KIT_FUZZ_TIMEOUT, target.embeddedMock ? 5 : 15),
  };
}

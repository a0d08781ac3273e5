/**
 * Behaviours that differ between wazo-auth releases (spec/releases.yaml), seen from a test.
 *
 * A test that meets one records what the host did with `observe(...)` and goes on with the expectations
 * of that variant; it never fails a host for being an older or a newer supported release:
 *
 *   const present = observe('sessions-revoked-header', login.header('wazo-sessions-revoked') !== undefined, login.describe());
 *
 * - With WAZO_VERSION (`--wazo-version`), the observation must match that release, or the test fails
 *   naming the behaviour, the release given and the releases the host behaves like.
 * - Without it, the reporter gathers every observation of the run and works out the releases the host
 *   is consistent with (`ReleaseTable.infer`); observations that exclude each other fail their
 *   requirements there (cli/report/aggregate.ts).
 * A behaviour is stated here, once, at the test: helpers never ask which release they talk to.
 */
import { expect, test } from '@playwright/test';
import { operationBehaviour, type Operation } from '../spec/loader.ts';
import { loadReleases } from '../spec/releases.ts';
import { ANNOTATION } from './covers.ts';
import { redactor } from './redact.ts';
import { target } from './target.ts';

/** The releases the host's answers are judged against: the one given, or every supported release. */
export function judgedReleases(): readonly string[] {
  const given = target().wazoVersion;
  return given ? [given] : loadReleases().releases;
}

/**
 * Records that the host does (`present`) or does not show `behaviour`, and returns `present`. With a
 * given release, fails the test when that release would have answered otherwise. `detail` says what was
 * seen (an `Exchange.describe()`, already redacted; it is redacted again).
 */
export function observe(behaviour: string, present: boolean, detail: string): boolean {
  const table = loadReleases();
  const b = table.behaviours.get(behaviour);
  if (!b) throw new Error(`observe(${behaviour}): not a behaviour of spec/releases.yaml`);
  const info = test.info();
  info.annotations.push({ type: ANNOTATION.release, description: JSON.stringify({ behaviour, present, detail: redactor.text(detail).slice(0, 400) }) });
  const given = target().wazoVersion;
  if (given) {
    const expected = table.holds(behaviour, given);
    const does = (yes: boolean) => (yes ? 'does' : 'does not');
    expect(
      present,
      `release ${given}: wazo-auth ${given} ${does(expected)}: ${b.title} (${behaviour}, holds in ${table.rangeLabel(behaviour)}). ` +
        `This host ${does(present)}, like wazo-auth ${table.rangeLabel(behaviour, present)}: ${redactor.text(detail).slice(0, 300)}`,
    ).toBe(expected);
  }
  return present;
}

/** `GET /idp`: how a reason names an operation. */
const named = (operation: Operation) => `${operation.method.toUpperCase()} ${operation.path}`;

/** Whether an operation marked `x-wazo-behaviour: EXPRESSION` exists in `release`. */
function operationIn(expression: string, release: string): boolean {
  const table = loadReleases();
  return expression.startsWith('!') ? !table.holds(expression.slice(1), release) : table.holds(expression, release);
}

/**
 * Why a test cannot call `operation` on the release given (`--wazo-version`): the operation is marked
 * `x-wazo-behaviour` (spec/releases.yaml, `operations`) and that release has it not. Undefined when it
 * has it, when the operation is in every release, or when no release was given (see {@link observeOperation}).
 */
export function absentFromGivenRelease(operation: Operation): string | undefined {
  const expression = operationBehaviour(operation);
  const given = target().wazoVersion;
  if (!expression || !given || operationIn(expression, given)) return undefined;
  const table = loadReleases();
  const name = expression.replace(/^!/, '');
  const where = table.label(table.releases.filter((r) => operationIn(expression, r)));
  return `wazo-auth ${given} has no ${named(operation)} (${name}: ${table.behaviours.get(name)!.title}; it exists in ${where})`;
}

/**
 * Records whether the host has a release-dependent operation (what an OPTIONS request on its path
 * showed, `detail`), as an observation of its behaviour, and returns the reason to skip the test when
 * the host has it not. Used without a given release, where the host's release is inferred.
 */
export function observeOperation(operation: Operation, present: boolean, detail: string): string | undefined {
  const expression = operationBehaviour(operation);
  if (!expression) return undefined;
  const negated = expression.startsWith('!');
  const name = negated ? expression.slice(1) : expression;
  observe(name, present !== negated, detail);
  if (present) return undefined;
  const table = loadReleases();
  const where = table.label(table.releases.filter((r) => !operationIn(expression, r)));
  return `this host has no ${named(operation)} (${redactor.text(detail).slice(0, 200)}), like wazo-auth ${where} (${name}: ${table.behaviours.get(name)!.title})`;
}

/**
 * The kit's command-line failures: one base class with a literal `name`, an exit status and a `cause`
 * (ky's `source/errors/` pattern). Their message is the one line the user sees.
 */

/** Exit statuses of every sub-command: 0 gate passed, 1 gate failed, 2 the run could not happen, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A failure that ends a command with a clear one-line message and a known exit status. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bad flags, a bad file or a bad value given by the user: exit 2. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
}

/** The target cannot be used: unreachable, not wazo-auth, or credentials rejected: exit 2. */
export class TargetError extends CliError {
  override readonly name = 'TargetError';
}

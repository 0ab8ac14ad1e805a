/** Exit codes of the command-line tool. */
export const EXIT = {
  ok: 0,
  /** Something failed, e.g. `verify` found a broken chain. */
  failure: 1,
  /** Bad input: usage, an unknown table or row, a malformed date or version. */
  badInput: 2,
  /** The audit store cannot be reached or is not set up. */
  storeUnavailable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the tool reports as one line, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function badInput(message: string): CliError {
  return new CliError(message, EXIT.badInput);
}

/**
 * How the CLI fails: one line on stderr, a non-zero exit code. Commands throw CliError for usage
 * problems; any other Error is reported by its message (typed errors carry what the user needs).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function reportAndExit(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  const exitCode = error instanceof CliError ? error.exitCode : 1;
  process.stderr.write(`clicklake: ${message.split('\n')[0]}\n`);
  if (process.env.CLICKLAKE_DEBUG && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exit(exitCode);
}

/** Parses a non-negative integer option or fails naming the option. */
export function parseCount(value: string, option: string): number {
  if (!/^\d+$/.test(value)) throw new CliError(`${option} must be a non-negative whole number, got "${value}"`);
  return Number(value);
}

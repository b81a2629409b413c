/**
 * Errors of the generator: bad options and unreadable inputs, each naming what to fix.
 */
export class GenerateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GenerateError';
  }
}

/** An option value the generator cannot use; names the option and the value. */
export class GenerateOptionError extends GenerateError {
  constructor(
    readonly option: string,
    readonly value: string,
    reason: string,
  ) {
    super(`${option} ${JSON.stringify(value)}: ${reason}`);
    this.name = 'GenerateOptionError';
  }
}

/** A file --profile cannot read as REES46 events; names the file. */
export class ProfileInputError extends GenerateError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`cannot profile ${file}: ${reason}`);
    this.name = 'ProfileInputError';
  }
}

/** The output file cannot be created or written; names the file. */
export class GenerateOutputError extends GenerateError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`cannot write ${file}: ${reason}`);
    this.name = 'GenerateOutputError';
  }
}

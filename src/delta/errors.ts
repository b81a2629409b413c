/**
 * Every error the Delta layer raises. Each names the table (its root path) and, where it
 * applies, the version or file, so a user can act on the one line the CLI prints.
 */
export class DeltaError extends Error {
  constructor(
    message: string,
    readonly table?: string,
    readonly version?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The path has no _delta_log, or the log has no commits or checkpoints. */
export class DeltaTableNotFoundError extends DeltaError {}

/** A requested version does not exist (never written, or its commit was cleaned up). */
export class DeltaVersionNotFoundError extends DeltaError {}

/** A log file cannot be parsed or contradicts the protocol; `file` names it. */
export class DeltaLogCorruptError extends DeltaError {
  constructor(
    message: string,
    readonly file: string,
    table?: string,
    version?: number,
  ) {
    super(message, table, version);
  }
}

/** The table needs a reader or writer feature (or protocol version) this implementation lacks. */
export class DeltaUnsupportedFeatureError extends DeltaError {
  constructor(
    message: string,
    readonly feature: string,
    table?: string,
    version?: number,
  ) {
    super(message, table, version);
  }
}

/** A write lost a race to commits that logically conflict with it, or ran out of retries. */
export class DeltaConcurrentModificationError extends DeltaError {
  constructor(
    message: string,
    readonly conflict: string,
    table?: string,
    version?: number,
  ) {
    super(message, table, version);
  }
}

/** A write's columns, types or nullability do not match the table's schema. */
export class DeltaSchemaMismatchError extends DeltaError {
  constructor(
    message: string,
    readonly mismatches: readonly string[],
    table?: string,
  ) {
    super(message, table);
  }
}

/** An operation was asked to do something the protocol or its safety rules forbid. */
export class DeltaInvalidOperationError extends DeltaError {}

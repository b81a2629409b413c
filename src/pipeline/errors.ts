/**
 * Typed errors of the pipeline. Each names the file, line, column or table a user has to look at,
 * so the CLI can print its message as the one line that explains the failure.
 */
export class PipelineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An input path that does not exist or holds no supported files. */
export class InputNotFoundError extends PipelineError {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
  }
}

/** A source file whose header lacks one of the nine REES46 columns (or names it differently). */
export class InputHeaderError extends PipelineError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** A file that could not be read at all (unreadable, not Parquet, empty). */
export class InputReadError extends PipelineError {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
  }
}

/** A quality gate stopped promotion of a batch to the next layer. */
export class PromotionStoppedError extends PipelineError {
  constructor(readonly layer: string, readonly reason: string) {
    super(`promotion to ${layer} stopped: ${reason}`);
  }
}

/** Reconciliation failed: Bronze rows are not all accounted for in Silver, quarantine and duplicates. */
export class ReconciliationError extends PipelineError {}

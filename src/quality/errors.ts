/**
 * Errors the quality layer raises. Each names the table and expectation (or file) involved so the
 * one line the CLI prints is enough to act on.
 */
export class QualityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A rule set is malformed: duplicate name, bad bound, invalid pattern. */
export class QualityDefinitionError extends QualityError {}

/** A table a rule refers to could not be resolved in the run context. */
export class QualityRelationError extends QualityError {
  constructor(
    message: string,
    readonly table: string,
  ) {
    super(message);
  }
}

/** The quality configuration file (overrides) is unreadable or invalid; `file` names it. */
export class QualityConfigError extends QualityError {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

/**
 * Whole-table `error` expectations failed at the end of a run (after promotion): the run reports
 * them and fails, so the CLI exits non-zero; the results are in ops.quality_results.
 */
export class QualityAuditError extends QualityError {
  constructor(readonly failed: readonly { table: string; expectation: string; observed: number | null; threshold: string }[]) {
    super(
      `quality checks failed: ${failed.map((f) => `${f.table} ${f.expectation} (observed ${f.observed ?? 'null'}, threshold ${f.threshold})`).join('; ')}`,
    );
  }
}

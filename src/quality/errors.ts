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
 * One or more `error`-severity expectations failed, so a batch was not promoted. Carries the
 * failures so the pipeline can report them and the CLI exits non-zero.
 */
export class QualityGateError extends QualityError {
  constructor(
    readonly table: string,
    readonly failed: readonly { expectation: string; observed: number | null; threshold: string }[],
    readonly batch?: string,
  ) {
    const first = failed[0];
    const what = failed.map((f) => f.expectation).join(', ');
    super(
      `quality gate failed for ${table}${batch ? ` (batch ${batch})` : ''}: ${what}` +
        (first ? ` (observed ${first.observed ?? 'null'}, threshold ${first.threshold}); the batch was not promoted` : ''),
    );
  }
}

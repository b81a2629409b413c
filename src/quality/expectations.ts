/**
 * Expectations as data: the closed list of kinds a table can declare, beside its model
 * (`src/pipeline/sql/<layer>/<table>.expectations.ts`). Each kind compiles to SQL in
 * templates.ts; nothing here touches the engine, so a rule set can be read and validated alone.
 */
import { QualityDefinitionError } from './errors.js';

/** `error` stops promotion of the batch to the next layer; `warn` is recorded and shown. */
export type Severity = 'error' | 'warn';
export const SEVERITIES: readonly Severity[] = ['error', 'warn'];

/** Restricts a rule to rows where `column` equals `equals` (bound, never spliced into SQL). */
export interface RowFilter {
  column: string;
  equals: string | number;
}

/**
 * When a rule runs: `batch` rules judge a batch before it is promoted (the gate); `table` rules
 * judge the whole table after a run (coverage, drift), where one batch alone says little.
 */
export type Scope = 'batch' | 'table';

interface Common {
  /** Snake-case name, unique within the table; doubles as the quarantine reason code. */
  name: string;
  severity: Severity;
  description?: string;
  /** Defaults: `table` for coverage and drift, `batch` for everything else. */
  scope?: Scope;
}

/**
 * Row-level rules can tolerate a share of failing rows: `mostly` is the fraction that must pass
 * (1 when absent), as in Great Expectations.
 */
interface RowLevel extends Common {
  where?: RowFilter;
  mostly?: number;
}

export interface NotNull extends RowLevel {
  kind: 'not_null';
  column: string;
}
/** The column must be empty (e.g. Bronze's `_parse_error`): failing rows are those with a value. */
export interface IsNull extends RowLevel {
  kind: 'is_null';
  column: string;
}
export interface AcceptedValues extends RowLevel {
  kind: 'accepted_values';
  column: string;
  values: readonly (string | number)[];
}
/** Inclusive bounds unless `exclusiveMin`/`exclusiveMax`; either bound may be absent. */
export interface Range extends RowLevel {
  kind: 'range';
  column: string;
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}
/** The column's text must match the regular expression in full (RE2 syntax, DuckDB's). */
export interface Format extends RowLevel {
  kind: 'format';
  column: string;
  pattern: string;
}
/** Referential integrity: every non-null `column` value exists in `to`.`field` (fact → dimension). */
export interface Relationship extends RowLevel {
  kind: 'relationship';
  column: string;
  to: string;
  field: string;
}
/** No two rows share the key (one or more columns); failing rows = rows beyond the first per key. */
export interface Unique extends Common {
  kind: 'unique';
  columns: readonly string[];
}
/** Every `key` has one `column` value (a session's events share one user); failing = keys with more. */
export interface OneValuePerKey extends Common {
  kind: 'one_value_per_key';
  key: string;
  column: string;
  /** Largest tolerated share of keys with more than one value (0 when absent). */
  maxFraction?: number;
}

/** A row count, or a column's sum, of a table as the run context resolves it. */
export interface CountTerm {
  table: string;
  sumColumn?: string;
}
/** Rows in `upstream` equal the sum of the `downstream` terms, within `tolerance` rows (0 when absent). */
export interface Reconciliation extends Common {
  kind: 'reconciliation';
  upstream: CountTerm;
  downstream: readonly CountTerm[];
  tolerance?: number;
}
/** Every day of each month the data touches is present (a missing day always fails), none below `minFractionOfMedian` of the median day. */
export interface Coverage extends Common {
  kind: 'coverage';
  dateColumn: string;
  minFractionOfMedian: number;
}
/** No day's share of any `categoryColumn` value differs from the other days' share by more than `maxShareDelta`. */
export interface MixDrift extends Common {
  kind: 'mix_drift';
  dateColumn: string;
  categoryColumn: string;
  maxShareDelta: number;
}
/** No day's sum of `valueColumn` is above `maxRatio` × or below 1/`maxRatio` × the median day. */
export interface ValueDrift extends Common {
  kind: 'value_drift';
  dateColumn: string;
  valueColumn: string;
  where?: RowFilter;
  maxRatio: number;
}
/** count(numerator rows) / count(denominator rows) lies within [min, max] (e.g. cart → purchase). */
export interface Rate extends Common {
  kind: 'rate';
  numerator: RowFilter;
  denominator: RowFilter;
  min: number;
  max: number;
}

export type RowExpectation = NotNull | IsNull | AcceptedValues | Range | Format | Relationship;
export type Expectation =
  | RowExpectation
  | Unique
  | OneValuePerKey
  | Reconciliation
  | Coverage
  | MixDrift
  | ValueDrift
  | Rate;
export type ExpectationKind = Expectation['kind'];

export const ROW_KINDS: readonly RowExpectation['kind'][] = ['not_null', 'is_null', 'accepted_values', 'range', 'format', 'relationship'];

export function scopeOf(e: Expectation): Scope {
  if (e.scope) return e.scope;
  return e.kind === 'coverage' || e.kind === 'mix_drift' || e.kind === 'value_drift' ? 'table' : 'batch';
}

export function isRowExpectation(e: Expectation): e is RowExpectation {
  return (ROW_KINDS as readonly string[]).includes(e.kind);
}

/** One table's rule set: what to check and which columns identify a failing row in samples. */
export interface TableExpectations {
  table: string;
  /** Columns joined with ':' to name a failing row in the sample of failing keys. */
  sampleKey: readonly string[];
  expectations: readonly Expectation[];
}

const NAME = /^[a-z][a-z0-9_]*$/;

/** Checks a rule set once, where it is declared, so a typo fails at load time naming the rule. */
export function defineExpectations(set: TableExpectations): TableExpectations {
  const where = (e: { name: string }) => `${set.table} expectation "${e.name}"`;
  const seen = new Set<string>();
  if (set.sampleKey.length === 0) throw new QualityDefinitionError(`${set.table}: sampleKey needs at least one column`);
  for (const e of set.expectations) {
    if (!NAME.test(e.name)) throw new QualityDefinitionError(`${where(e)}: name must be snake_case`);
    if (seen.has(e.name)) throw new QualityDefinitionError(`${where(e)}: declared twice`);
    seen.add(e.name);
    if (!SEVERITIES.includes(e.severity)) throw new QualityDefinitionError(`${where(e)}: severity must be error or warn`);
    if ('mostly' in e && e.mostly !== undefined && !(e.mostly >= 0 && e.mostly <= 1)) {
      throw new QualityDefinitionError(`${where(e)}: mostly must lie in [0, 1]`);
    }
    if (e.kind === 'accepted_values' && e.values.length === 0) throw new QualityDefinitionError(`${where(e)}: values is empty`);
    if (e.kind === 'unique' && e.columns.length === 0) throw new QualityDefinitionError(`${where(e)}: columns is empty`);
    if (e.kind === 'range' && e.min === undefined && e.max === undefined) {
      throw new QualityDefinitionError(`${where(e)}: range needs min or max`);
    }
    if (e.kind === 'rate' && !(e.min <= e.max)) throw new QualityDefinitionError(`${where(e)}: min exceeds max`);
    if (e.kind === 'format') {
      try {
        new RegExp(e.pattern);
      } catch {
        throw new QualityDefinitionError(`${where(e)}: pattern is not a regular expression`);
      }
    }
  }
  return set;
}

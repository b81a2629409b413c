/**
 * Resolves the tables a rule set refers to (dimensions of a relationship, terms of a
 * reconciliation) to DuckDB views over their latest Delta snapshots, so templates read every
 * table the same way. A table missing from the lake is an error naming it and the rule's table.
 */
import { quoteIdent } from '../engine/session.js';
import type { Lake } from '../engine/lake.js';
import type { TableExpectations } from './expectations.js';
import type { RelationOf } from './templates.js';
import { QualityRelationError } from './errors.js';

/** The view name a table is registered under for quality checks. */
export function qualityViewName(table: string): string {
  return `quality_${table.replace('.', '__')}`;
}

/** Tables other than the subject that the set's rules read. */
export function referencedTables(set: TableExpectations): string[] {
  const names = new Set<string>();
  for (const e of set.expectations) {
    if (e.kind === 'relationship') names.add(e.to);
    if (e.kind === 'reconciliation') for (const t of [e.upstream, ...e.downstream]) names.add(t.table);
  }
  return [...names];
}

function sumColumnsOf(set: TableExpectations, table: string): string[] {
  const columns = new Set<string>();
  for (const e of set.expectations) {
    if (e.kind !== 'reconciliation') continue;
    for (const t of [e.upstream, ...e.downstream]) if (t.table === table && t.sumColumn) columns.add(t.sumColumn);
  }
  return [...columns];
}

/**
 * Opens a view per referenced table and returns a resolver; the set's own table resolves to
 * `subject` so a reconciliation can name the rows under check.
 */
export async function relationsFor(lake: Lake, set: TableExpectations, subject: string): Promise<RelationOf> {
  const opened = new Map<string, string>([[set.table, subject]]);
  for (const table of referencedTables(set)) {
    if (opened.has(table)) continue;
    const view = qualityViewName(table);
    if (await lake.view(view, table)) {
      opened.set(table, quoteIdent(view));
    } else if (!set.expectations.some((e) => e.kind === 'relationship' && e.to === table)) {
      // A reconciliation term over a table never written (no row was ever quarantined) counts 0.
      const columns = sumColumnsOf(set, table).map((c) => `CAST(NULL AS BIGINT) AS ${quoteIdent(c)}`);
      await lake.session.run(
        `CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS SELECT ${columns.length ? columns.join(', ') : '1 AS one'} WHERE false`,
      );
      opened.set(table, quoteIdent(view));
    }
  }
  return (table: string) => {
    const relation = opened.get(table);
    if (!relation) {
      throw new QualityRelationError(`${set.table}: a rule refers to ${table}, which is not in the lake at ${lake.dir}`, table);
    }
    return relation;
  };
}

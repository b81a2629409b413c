/**
 * Every table's rule set, gathered from the `*.expectations.ts` files beside the SQL models, keyed
 * by table name. Adding a table's rules: write its file beside its .sql and list it here.
 */
import type { TableExpectations } from './expectations.js';
import bronzeEvents from '../pipeline/sql/bronze/events.expectations.js';
import silverEvents from '../pipeline/sql/silver/events.expectations.js';
import silverQuarantine from '../pipeline/sql/silver/quarantine.expectations.js';
import factEvents from '../pipeline/sql/gold/fact_events.expectations.js';
import factSessions from '../pipeline/sql/gold/fact_sessions.expectations.js';
import dimProduct from '../pipeline/sql/gold/dim_product.expectations.js';
import dimUser from '../pipeline/sql/gold/dim_user.expectations.js';
import dimDate from '../pipeline/sql/gold/dim_date.expectations.js';
import dimCategory from '../pipeline/sql/gold/dim_category.expectations.js';
import dimBrand from '../pipeline/sql/gold/dim_brand.expectations.js';
import kpiDaily from '../pipeline/sql/gold/kpi_daily.expectations.js';

export const RULE_SETS: readonly TableExpectations[] = [
  bronzeEvents,
  silverEvents,
  silverQuarantine,
  factEvents,
  factSessions,
  dimProduct,
  dimUser,
  dimDate,
  dimCategory,
  dimBrand,
  kpiDaily,
];

/** The rule set of a table, or undefined when it declares none. */
export function ruleSetFor(table: string): TableExpectations | undefined {
  return RULE_SETS.find((s) => s.table === table);
}

/** The layer of a `layer.table` name. */
export function layerOf(table: string): string {
  return table.split('.')[0] ?? table;
}

// silver.events: typed, deduplicated events. Row rules are guards behind the quarantine in
// typed_batch.sql (a failing row here means a row slipped past it); business and distribution
// rules judge the data itself.
import { defineExpectations } from '../../../quality/expectations.js';

export default defineExpectations({
  table: 'silver.events',
  sampleKey: ['_source_file', '_source_line'],
  expectations: [
    // types and keys
    { kind: 'not_null', name: 'event_time_present', severity: 'error', column: 'event_time' },
    { kind: 'not_null', name: 'product_id_present', severity: 'error', column: 'product_id' },
    { kind: 'not_null', name: 'category_id_present', severity: 'error', column: 'category_id' },
    { kind: 'not_null', name: 'user_id_present', severity: 'error', column: 'user_id' },
    { kind: 'not_null', name: 'price_present', severity: 'error', column: 'price' },
    { kind: 'accepted_values', name: 'event_type_known', severity: 'error', column: 'event_type', values: ['view', 'cart', 'remove_from_cart', 'purchase'] },
    { kind: 'range', name: 'price_in_range', severity: 'error', column: 'price', min: 0, max: 1_000_000 },
    { kind: 'format', name: 'category_code_shape', severity: 'warn', column: 'category_code', pattern: '[a-z0-9_]+(\\.[a-z0-9_]+){0,3}' },
    { kind: 'format', name: 'brand_lower_case', severity: 'warn', column: 'brand', pattern: '[^A-Z]+' },
    { kind: 'range', name: 'event_hour_valid', severity: 'error', column: 'event_hour', min: 0, max: 23 },
    // business consistency
    {
      kind: 'range', name: 'purchase_price_positive', severity: 'warn', column: 'price', min: 0, exclusiveMin: true,
      where: { column: 'event_type', equals: 'purchase' },
      description: 'A purchase at 0.00 is a tracking error (the real October month has none).',
    },
    {
      kind: 'one_value_per_key', name: 'session_one_user', severity: 'warn', scope: 'table', key: 'user_session', column: 'user_id', maxFraction: 0.001,
      description: 'A session belongs to one user; the real month has 349 shared sessions out of 9.2 million.',
    },
    {
      kind: 'rate', name: 'cart_to_purchase_rate', severity: 'warn', scope: 'table',
      numerator: { column: 'event_type', equals: 'purchase' }, denominator: { column: 'event_type', equals: 'cart' }, min: 0.2, max: 2,
      description: 'Purchases per cart event; the real October month has 0.80 (cart tracking is incomplete).',
    },
    // every Bronze row accounted for, over the whole table
    {
      kind: 'reconciliation', name: 'bronze_rows_accounted', severity: 'error', scope: 'table',
      upstream: { table: 'ops.reconciliation', sumColumn: 'bronze_rows' },
      downstream: [{ table: 'silver.events' }, { table: 'silver.quarantine' }, { table: 'ops.reconciliation', sumColumn: 'duplicate_rows' }],
      description: 'Bronze rows of every promoted batch = Silver rows + quarantined rows + duplicates removed (per ops.reconciliation).',
    },
    // freshness and distribution, over the whole table
    { kind: 'coverage', name: 'every_day_present', severity: 'warn', dateColumn: 'event_date', minFractionOfMedian: 0.5 },
    { kind: 'mix_drift', name: 'event_mix_stable', severity: 'warn', dateColumn: 'event_date', categoryColumn: 'event_type', maxShareDelta: 0.05 },
    {
      kind: 'value_drift', name: 'revenue_stable', severity: 'warn', dateColumn: 'event_date', valueColumn: 'price',
      where: { column: 'event_type', equals: 'purchase' }, maxRatio: 3,
    },
  ],
});

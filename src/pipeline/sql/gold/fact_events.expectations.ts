// gold.fact_events: one row per Silver event, every key found in its dimension. Checked over the
// whole table after the run, once every dimension is rebuilt.
import { defineExpectations } from '../../../quality/expectations.js';

export default defineExpectations({
  table: 'gold.fact_events',
  sampleKey: ['event_date', 'session_id', 'product_id', 'event_time'],
  expectations: [
    { kind: 'relationship', name: 'product_in_dim_product', severity: 'error', scope: 'table', column: 'product_id', to: 'gold.dim_product', field: 'product_id' },
    { kind: 'relationship', name: 'user_in_dim_user', severity: 'error', scope: 'table', column: 'user_id', to: 'gold.dim_user', field: 'user_id' },
    { kind: 'relationship', name: 'date_in_dim_date', severity: 'error', scope: 'table', column: 'date_key', to: 'gold.dim_date', field: 'date_key' },
    { kind: 'relationship', name: 'category_in_dim_category', severity: 'error', scope: 'table', column: 'category_id', to: 'gold.dim_category', field: 'category_id' },
    { kind: 'relationship', name: 'brand_in_dim_brand', severity: 'error', scope: 'table', column: 'brand', to: 'gold.dim_brand', field: 'brand' },
    {
      kind: 'range', name: 'revenue_only_on_purchase', severity: 'error', scope: 'table', column: 'revenue', min: 0, max: 0,
      where: { column: 'event_type', equals: 'view' },
    },
    {
      kind: 'reconciliation', name: 'rows_match_silver', severity: 'error', scope: 'table',
      upstream: { table: 'silver.events' }, downstream: [{ table: 'gold.fact_events' }],
      description: 'Every Silver event of the rebuilt days is one fact row.',
    },
  ],
});

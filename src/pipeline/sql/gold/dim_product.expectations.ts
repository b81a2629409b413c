// gold.dim_product: one row per product_id, the key every fact row points at. Checked over the whole table
// after the run (a merge batch holds only the keys it touched).
import { defineExpectations } from '../../../quality/expectations.js';

export default defineExpectations({
  table: 'gold.dim_product',
  sampleKey: ['product_id'],
  expectations: [
    { kind: 'unique', name: 'product_id_unique', severity: 'error', scope: 'table', columns: ['product_id'] },
    { kind: 'not_null', name: 'product_id_present', severity: 'error', scope: 'table', column: 'product_id' },
  ],
});

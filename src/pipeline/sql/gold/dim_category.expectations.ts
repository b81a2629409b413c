// gold.dim_category: one row per category_id, the key every fact row points at. Checked over the whole table
// after the run (a merge batch holds only the keys it touched).
import { defineExpectations } from '../../../quality/expectations.js';

export default defineExpectations({
  table: 'gold.dim_category',
  sampleKey: ['category_id'],
  expectations: [
    { kind: 'unique', name: 'category_id_unique', severity: 'error', scope: 'table', columns: ['category_id'] },
    { kind: 'not_null', name: 'category_id_present', severity: 'error', scope: 'table', column: 'category_id' },
  ],
});

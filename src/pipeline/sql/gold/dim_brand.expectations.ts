// gold.dim_brand: one row per brand, the key every fact row points at. Checked over the whole table
// after the run (a merge batch holds only the keys it touched).
import { defineExpectations } from '../../../quality/expectations.js';

export default defineExpectations({
  table: 'gold.dim_brand',
  sampleKey: ['brand'],
  expectations: [
    { kind: 'unique', name: 'brand_unique', severity: 'error', scope: 'table', columns: ['brand'] },
  ],
});

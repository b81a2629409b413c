// gold.dim_date: one row per date_key, the key every fact row points at. Checked over the whole table
// after the run (a merge batch holds only the keys it touched).
import { defineExpectations } from '../../../quality/expectations.js';

export default defineExpectations({
  table: 'gold.dim_date',
  sampleKey: ['date_key'],
  expectations: [
    { kind: 'unique', name: 'date_key_unique', severity: 'error', scope: 'table', columns: ['date_key'] },
    { kind: 'not_null', name: 'date_key_present', severity: 'error', scope: 'table', column: 'date_key' },
  ],
});

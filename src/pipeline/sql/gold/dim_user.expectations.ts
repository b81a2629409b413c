// gold.dim_user: one row per user_id, the key every fact row points at. Checked over the whole table
// after the run (a merge batch holds only the keys it touched).
import { defineExpectations } from '../../../quality/expectations.js';

export default defineExpectations({
  table: 'gold.dim_user',
  sampleKey: ['user_id'],
  expectations: [
    { kind: 'unique', name: 'user_id_unique', severity: 'error', scope: 'table', columns: ['user_id'] },
    { kind: 'not_null', name: 'user_id_present', severity: 'error', scope: 'table', column: 'user_id' },
  ],
});

// gold.fact_sessions: one row per session, its counts adding up to its events.
import { defineExpectations } from '../../../quality/expectations.js';

export default defineExpectations({
  table: 'gold.fact_sessions',
  sampleKey: ['session_id'],
  expectations: [
    { kind: 'unique', name: 'session_id_unique', severity: 'error', scope: 'table', columns: ['session_id'] },
    { kind: 'relationship', name: 'user_in_dim_user', severity: 'error', scope: 'table', column: 'user_id', to: 'gold.dim_user', field: 'user_id' },
    { kind: 'range', name: 'duration_non_negative', severity: 'error', scope: 'table', column: 'duration_seconds', min: 0 },
    { kind: 'range', name: 'events_positive', severity: 'error', scope: 'table', column: 'events', min: 1 },
  ],
});

// silver.quarantine: rejected rows keep their lineage and a reason from the closed list in
// typed_batch.sql, so every rejection can be counted and traced back to its line.
import { defineExpectations } from '../../../quality/expectations.js';

export const QUARANTINE_REASONS = [
  'malformed_line', 'missing_event_time', 'bad_event_time', 'event_time_outside_period', 'missing_event_type', 'bad_event_type',
  'missing_product_id', 'bad_product_id', 'missing_category_id', 'bad_category_id', 'missing_price',
  'bad_price', 'negative_price', 'missing_user_id', 'bad_user_id', 'bad_user_session',
] as const;

export default defineExpectations({
  table: 'silver.quarantine',
  sampleKey: ['_source_file', '_source_line'],
  expectations: [
    { kind: 'not_null', name: 'reason_present', severity: 'error', column: 'reason' },
    { kind: 'accepted_values', name: 'reason_known', severity: 'error', column: 'reason', values: QUARANTINE_REASONS },
    { kind: 'not_null', name: 'source_line_present', severity: 'error', column: '_source_line' },
    { kind: 'unique', name: 'one_row_per_line', severity: 'error', scope: 'table', columns: ['_source_file', '_source_line'] },
  ],
});

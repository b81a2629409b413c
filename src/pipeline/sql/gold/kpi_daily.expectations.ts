// gold.kpi_daily: one row per day, rates within [0, 1], the month covered.
import { defineExpectations } from '../../../quality/expectations.js';

export default defineExpectations({
  table: 'gold.kpi_daily',
  sampleKey: ['event_date'],
  expectations: [
    { kind: 'unique', name: 'one_row_per_day', severity: 'error', scope: 'table', columns: ['event_date'] },
    { kind: 'range', name: 'conversion_rate_valid', severity: 'error', scope: 'table', column: 'session_conversion_rate', min: 0, max: 1 },
    { kind: 'range', name: 'cart_to_purchase_rate_valid', severity: 'error', scope: 'table', column: 'cart_to_purchase_rate', min: 0, max: 1 },
    { kind: 'range', name: 'revenue_non_negative', severity: 'error', scope: 'table', column: 'revenue', min: 0 },
    { kind: 'coverage', name: 'every_day_present', severity: 'warn', dateColumn: 'event_date', minFractionOfMedian: 0 },
  ],
});

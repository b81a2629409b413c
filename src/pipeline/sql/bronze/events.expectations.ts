// bronze.events: every line of a source file lands, with its lineage. Parse failures are kept (and
// quarantined in Silver), so they only warn here; a batch that is mostly unparseable stops.
import { defineExpectations } from '../../../quality/expectations.js';

export default defineExpectations({
  table: 'bronze.events',
  sampleKey: ['_source_file', '_source_line'],
  expectations: [
    { kind: 'not_null', name: 'source_file_present', severity: 'error', column: '_source_file' },
    { kind: 'not_null', name: 'source_line_present', severity: 'error', column: '_source_line' },
    { kind: 'range', name: 'source_line_positive', severity: 'error', column: '_source_line', min: 1 },
    { kind: 'not_null', name: 'batch_id_present', severity: 'error', column: '_batch_id' },
    {
      kind: 'is_null', name: 'line_parses', severity: 'warn', column: '_parse_error',
      description: 'Lines the CSV reader could not split into nine fields (they reach silver.quarantine as malformed_line).',
    },
    {
      kind: 'is_null', name: 'mostly_parses', severity: 'error', column: '_parse_error', mostly: 0.5,
      description: 'A batch where half the lines do not parse is the wrong file, not dirty data.',
    },
    {
      kind: 'is_null', name: 'no_extra_columns', severity: 'warn', column: '_rescued',
      description: 'Columns beyond the nine REES46 ones are rescued as JSON, not dropped.',
    },
  ],
});

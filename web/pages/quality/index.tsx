// Data quality: can we trust the numbers? Latest verdicts, reconciliation across layers,
// quarantine reasons, trends over runs and column profiles.
import type { PageProps } from '../types';
import type { QualityResponse } from '../../../src/server/types';
import { useApi } from '../../lib/api';
import { LoadedView, PageHeader, Empty } from '../../components/States';
import { Chart } from '../../components/Chart';
import { tableOf } from '../../lib/csv';
import { xyOption } from '../../lib/charts';
import { compact, integer, pct } from '../../lib/format';

export function QualityPage(_: PageProps) {
  const state = useApi<QualityResponse>('/api/quality');
  return (
    <LoadedView state={state}>
      {(data) =>
        data.missing?.includes('ops.quality_results') && data.reconciliation.length === 0 ? (
          <>
            <PageHeader question="Can we trust the numbers?" answer="No quality results yet." />
            <Empty>
              <span>
                No quality results in this lakehouse: run <code>clicklake run</code>, which checks every layer it builds.
              </span>
            </Empty>
          </>
        ) : (
          <Quality data={data} />
        )
      }
    </LoadedView>
  );
}

function status(s: string): string {
  const v = s.toLowerCase();
  if (v.startsWith('pass') || v === 'ok') return 'pass';
  if (v.startsWith('warn')) return 'warn';
  return 'fail';
}

function Quality({ data }: { data: QualityResponse }) {
  const failed = data.verdicts.filter((v) => status(v.status) === 'fail').length;
  const total = data.verdicts.length;
  const quarantined = data.quarantine.reduce((s, q) => s + Number(q.rows ?? 0), 0);
  const bronze = Number(data.reconciliation[0]?.rows ?? 0);
  return (
    <>
      <PageHeader
        question="Can we trust the numbers?"
        answer={
          <>
            {data.batches.length ? (
              <>
                <strong>
                  {data.batches.filter((b) => b.balanced).length} of {data.batches.length}
                </strong>{' '}
                batches reconcile (Bronze = Silver + quarantined + duplicates)
                {total ? '; ' : ''}
              </>
            ) : null}
            {total ? (
              <>
                <strong>
                  {total - failed} of {total}
                </strong>{' '}
                checks passed in the latest run{failed ? <>, {failed} failed</> : null}
              </>
            ) : data.batches.length ? null : (
              'No checks recorded yet'
            )}
            {bronze ? <>; {integer(quarantined)} rows ({pct(quarantined / bronze, 2)} of Bronze) were quarantined</> : null}.
          </>
        }
      />
      <section className="grid">
        <Chart
          title="Rows through the layers"
          table={tableOf(data.reconciliation, ['stage', 'rows'])}
          option={(p) => xyOption(p, data.reconciliation.map((r) => r.stage), [{ name: 'Rows', values: data.reconciliation.map((r) => r.rows), format: 'compact' }])}
        />
        <Chart
          title="Quarantine reasons"
          table={tableOf(data.quarantine, ['reason', 'rows'])}
          empty="Nothing was quarantined."
          option={(p) => xyOption(p, data.quarantine.map((q) => q.reason), [{ name: 'Rows', values: data.quarantine.map((q) => q.rows), format: 'compact' }], { horizontal: true })}
        />
        <Chart
          wide
          title="Checks over runs"
          table={tableOf(data.runs, ['run', 'at', 'passed', 'failed', 'total'])}
          empty="No quality runs recorded yet."
          option={(p) =>
            xyOption(p, data.runs.map((r) => r.at ?? r.run), [
              { name: 'Passed', values: data.runs.map((r) => r.passed), format: 'compact', stack: 'c' },
              { name: 'Failed', values: data.runs.map((r) => r.failed), format: 'compact', stack: 'c' },
            ])
          }
        />
      </section>
      <h2>Batches reconciled</h2>
      {data.batches.length ? (
        <div className="card scroll">
          <table className="data" data-table="batches">
            <thead>
              <tr>
                <th>Batch</th>
                <th>Recorded</th>
                <th className="num">Bronze</th>
                <th className="num">Silver</th>
                <th className="num">Quarantined</th>
                <th className="num">Duplicates</th>
                <th>Balanced</th>
              </tr>
            </thead>
            <tbody>
              {data.batches.map((b) => (
                <tr key={b.batch}>
                  <td title={`run ${b.run}`}>{b.batch}</td>
                  <td>{b.recordedAt ?? ''}</td>
                  <td className="num">{integer(b.bronze)}</td>
                  <td className="num">{integer(b.silver)}</td>
                  <td className="num">{integer(b.quarantined)}</td>
                  <td className="num">{integer(b.duplicates)}</td>
                  <td>
                    <span className={`badge ${b.balanced ? 'pass' : 'fail'}`}>{b.balanced ? 'yes' : 'no'}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty>No batch reconciliation recorded yet.</Empty>
      )}
      <h2>Latest verdicts</h2>
      {data.verdicts.length === 0 ? <Empty>No expectation results recorded yet: the checks write them to ops.quality_results.</Empty> : null}
      <div className="card scroll" hidden={data.verdicts.length === 0}>
        <table className="data" data-table="verdicts">
          <thead>
            <tr>
              <th>Table</th>
              <th>Check</th>
              <th>Status</th>
              <th>Observed</th>
              <th>Expected</th>
            </tr>
          </thead>
          <tbody>
            {data.verdicts.map((v, i) => (
              <tr key={i} title={v.detail ?? undefined}>
                <td>{v.table ?? v.layer ?? ''}</td>
                <td>{v.check}</td>
                <td>
                  <span className={`badge ${status(v.status)}`}>{v.status}</span>
                </td>
                <td>{v.observed ?? ''}</td>
                <td>{v.expected ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Column profiles</h2>
      {data.profiles.length ? (
        <div className="card scroll">
          <table className="data" data-table="profiles">
            <thead>
              <tr>
                <th>Table</th>
                <th>Column</th>
                <th className="num">Nulls</th>
                <th className="num">Distinct</th>
                <th>Min</th>
                <th>Max</th>
              </tr>
            </thead>
            <tbody>
              {data.profiles.map((c) => (
                <tr key={`${c.table}.${c.column}`}>
                  <td>{c.table}</td>
                  <td>{c.column}</td>
                  <td className="num">{pct(c.nullFraction)}</td>
                  <td className="num">{compact(c.distinct)}</td>
                  <td>{c.min ?? ''}</td>
                  <td>{c.max ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty>No column profiles recorded yet.</Empty>
      )}
    </>
  );
}

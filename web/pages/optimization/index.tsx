// Optimization impact: what did the engineering buy? Each lab technique's before/after time, bytes
// scanned and speed-up, with its reasoning. Until the lab has run, an honest empty state.
import type { PageProps } from '../types';
import type { OptimizationResponse } from '../../../src/server/types';
import { useApi } from '../../lib/api';
import { LoadedView, PageHeader, Empty } from '../../components/States';
import { Chart } from '../../components/Chart';
import { tableOf } from '../../lib/csv';
import { xyOption } from '../../lib/charts';
import { ms, bytes } from '../../lib/format';

export function OptimizationPage(_: PageProps) {
  const state = useApi<OptimizationResponse>('/api/optimization');
  return (
    <LoadedView state={state}>
      {(data) =>
        data.missing?.length || data.techniques.length === 0 ? (
          <>
            <PageHeader question="What did the engineering buy?" answer="No optimization measurements yet." />
            <Empty>
              <span>
                There are no lab results in this lakehouse: run <code>clicklake lab</code> to measure the optimizations.
              </span>
            </Empty>
          </>
        ) : (
          <Optimization data={data} />
        )
      }
    </LoadedView>
  );
}

function Optimization({ data }: { data: OptimizationResponse }) {
  const t = data.techniques;
  const best = [...t].sort((a, b) => Number(b.speedup ?? 0) - Number(a.speedup ?? 0))[0];
  const table = tableOf(t, ['technique', 'beforeMs', 'afterMs', 'speedup', 'beforeBytes', 'afterBytes']);
  return (
    <>
      <PageHeader
        question="What did the engineering buy?"
        answer={
          best ? (
            <>
              The biggest win is <strong>{best.technique}</strong>: {ms(best.beforeMs)} → {ms(best.afterMs)}, <strong>{Number(best.speedup ?? 0).toFixed(1)}×</strong> faster
              {data.runAt ? <> (measured {data.runAt})</> : null}.
            </>
          ) : null
        }
      />
      <section className="grid">
        <Chart
          title="Query time before and after"
          table={table}
          option={(p) =>
            xyOption(p, t.map((x) => x.technique), [
              { name: 'Before', values: t.map((x) => x.beforeMs), format: 'ms' },
              { name: 'After', values: t.map((x) => x.afterMs), format: 'ms' },
            ], { horizontal: true })
          }
        />
        <Chart
          title="Bytes scanned before and after"
          table={table}
          option={(p) =>
            xyOption(p, t.map((x) => x.technique), [
              { name: 'Before', values: t.map((x) => x.beforeBytes), format: 'bytes' },
              { name: 'After', values: t.map((x) => x.afterBytes), format: 'bytes' },
            ], { horizontal: true })
          }
        />
        <Chart
          title="Speed-up"
          table={table}
          option={(p) => xyOption(p, t.map((x) => x.technique), [{ name: 'Speed-up (×)', values: t.map((x) => x.speedup), format: 'compact' }], { horizontal: true })}
        />
      </section>
      <h2>Why each technique helps</h2>
      <section className="grid">
        {t.map((x) => (
          <div className="card" key={x.technique}>
            <strong>{x.technique}</strong>: {ms(x.beforeMs)} → {ms(x.afterMs)}, {bytes(x.beforeBytes)} → {bytes(x.afterBytes)} scanned
            <p className="reasoning">{x.reasoning ?? 'No reasoning recorded.'}</p>
          </div>
        ))}
      </section>
    </>
  );
}

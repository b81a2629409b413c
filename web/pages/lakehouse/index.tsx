// Lakehouse: what is in the lake and how did it get there? Every table with version, rows, files,
// size and history; time travel to an older version, and the row-count diff between two versions.
import type { PageProps } from '../types';
import type { LakehouseResponse, TableHistoryResponse, TableAtVersionResponse, TableDiffResponse } from '../../../src/server/types';
import { useApi, type Loaded } from '../../lib/api';
import { LoadedView, PageHeader, Empty } from '../../components/States';
import { Chart } from '../../components/Chart';
import { tableOf } from '../../lib/csv';
import { xyOption } from '../../lib/charts';
import { bytes, compact, integer } from '../../lib/format';

export function LakehousePage({ extra, setExtra }: PageProps) {
  const state = useApi<LakehouseResponse>('/api/lakehouse/tables');
  return (
    <LoadedView state={state}>
      {(data) =>
        data.tables.length === 0 ? (
          <>
            <PageHeader question="What is in the lake?" answer="The lakehouse is empty." />
            <Empty>
              <span>
                No Delta tables found: run <code>clicklake run</code> to build the lakehouse.
              </span>
            </Empty>
          </>
        ) : (
          <Lakehouse data={data} extra={extra} setExtra={setExtra} />
        )
      }
    </LoadedView>
  );
}

function Lakehouse({ data, extra, setExtra }: { data: LakehouseResponse; extra: Record<string, string>; setExtra: (e: Record<string, string>) => void }) {
  const readable = data.tables.filter((t) => t.version !== null);
  const selected = readable.find((t) => t.name === extra.table) ?? readable[0];
  const totalBytes = data.tables.reduce((s, t) => s + t.bytes, 0);
  const totalFiles = data.tables.reduce((s, t) => s + t.files, 0);
  return (
    <>
      <PageHeader
        question="What is in the lake?"
        answer={
          <>
            <strong>{data.tables.length}</strong> Delta tables, {integer(totalFiles)} data files, <strong>{bytes(totalBytes)}</strong> in all.
          </>
        }
      />
      <div className="card scroll">
        <table className="data" data-table="tables">
          <thead>
            <tr>
              <th>Table</th>
              <th className="num">Version</th>
              <th className="num">Rows</th>
              <th className="num">Files</th>
              <th className="num">Size</th>
              <th>Last change</th>
            </tr>
          </thead>
          <tbody>
            {data.tables.map((t) => (
              <tr
                key={t.name}
                className={`clickable${t.name === selected?.name ? ' selected' : ''}`}
                data-table-name={t.name}
                onClick={() => t.version !== null && setExtra({ table: t.name })}
              >
                <td>
                  <a href={`/lakehouse?table=${encodeURIComponent(t.name)}`} onClick={(e) => e.preventDefault()}>
                    {t.name}
                  </a>
                </td>
                <td className="num">{t.version ?? '–'}</td>
                <td className="num">{integer(t.rows)}</td>
                <td className="num">{integer(t.files)}</td>
                <td className="num">{bytes(t.bytes)}</td>
                <td>
                  {t.problem ? <span className="error-state">cannot be read: {t.problem}</span> : t.lastOperation ?? ''}{' '}
                  {t.lastModified ? <span className="reasoning">{t.lastModified}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {selected ? <TableDetail key={selected.name} name={selected.name} latest={selected.version!} extra={extra} setExtra={setExtra} /> : null}
    </>
  );
}

function TableDetail({ name, latest, extra, setExtra }: { name: string; latest: number; extra: Record<string, string>; setExtra: (e: Record<string, string>) => void }) {
  const enc = encodeURIComponent(name);
  // A page of history ends just before 'before' (absent: the latest versions).
  const before = extra.before !== undefined && /^\d+$/.test(extra.before) ? Number(extra.before) : undefined;
  const history = useApi<TableHistoryResponse>(`/api/lakehouse/tables/${enc}/history${before !== undefined ? `?before=${before}` : ''}`);
  const version = extra.version !== undefined && /^\d+$/.test(extra.version) ? Number(extra.version) : latest;
  // 'base', not 'from': the global date filter already owns 'from' in the URL.
  const diffFrom = extra.base !== undefined && /^\d+$/.test(extra.base) ? Number(extra.base) : Math.max(0, latest - 1);
  const at = useApi<TableAtVersionResponse>(`/api/lakehouse/tables/${enc}/versions/${version}`);
  const diff = useApi<TableDiffResponse>(`/api/lakehouse/tables/${enc}/diff?from=${diffFrom}&to=${version}`);
  const versions = Array.from({ length: latest + 1 }, (_, v) => latest - v);
  const set = (key: string, value: string) => setExtra({ ...extra, table: name, [key]: value });
  return (
    <>
      <h2>{name}: history</h2>
      <LoadedView state={history}>
        {(h) => (
          <>
          <HistoryPager history={h} onPage={(b) => set('before', b === undefined ? '' : String(b))} />
          <section className="grid">
            <Chart
              title={`${name} rows by version`}
              table={tableOf(h.history, ['version', 'timestamp', 'operation', 'rows', 'files', 'bytes'])}
              option={(p) =>
                xyOption(p, h.history.map((e) => `v${e.version}`), [
                  { name: 'Rows', values: h.history.map((e) => e.rows), format: 'compact' },
                  { name: 'Files', values: h.history.map((e) => e.files), format: 'compact', kind: 'line', secondary: true },
                ])
              }
            />
            <div className="card scroll">
              <table className="data" data-table="history">
                <thead>
                  <tr>
                    <th className="num">Version</th>
                    <th>When</th>
                    <th>Operation</th>
                    <th className="num">Rows</th>
                    <th className="num">Files</th>
                  </tr>
                </thead>
                <tbody>
                  {[...h.history].reverse().map((e) => (
                    <tr key={e.version}>
                      <td className="num">{e.version}</td>
                      <td>{e.timestamp ?? ''}</td>
                      <td>{e.operation ?? ''}</td>
                      <td className="num">{integer(e.rows)}</td>
                      <td className="num">{e.files}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          </>
        )}
      </LoadedView>
      <h2>Time travel</h2>
      <div className="controls">
        <label>
          Show {name} as of version
          <select name="version" value={version} onChange={(e) => set('version', e.target.value)}>
            {versions.map((v) => (
              <option key={v} value={v}>
                {v}
                {v === latest ? ' (latest)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          compared with version
          <select name="base" value={diffFrom} onChange={(e) => set('base', e.target.value)}>
            {versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      </div>
      <TimeTravel at={at} diff={diff} />
    </>
  );
}

/** Which versions the history shows, and buttons to page to older or newer ones. */
function HistoryPager({ history: h, onPage }: { history: TableHistoryResponse; onPage: (before: number | undefined) => void }) {
  const first = h.history[0]?.version;
  const last = h.history.at(-1)?.version;
  const newer = () => {
    const next = (last ?? -1) + 1 + h.limit;
    onPage(h.latest === null || next > h.latest ? undefined : next);
  };
  return (
    <div className="controls pager" data-pager="history">
      <span className="reasoning" data-shown={first === undefined ? '' : `${first}-${last}`}>
        {first === undefined ? 'No versions in this page.' : `Versions ${first}–${last} of ${h.latest === null ? '?' : `0–${h.latest}`}, ${h.limit} a page.`}
      </span>
      <button type="button" className="link" name="older" disabled={!h.hasOlder} onClick={() => first !== undefined && onPage(first)}>
        ← Older versions
      </button>
      <button type="button" className="link" name="newer" disabled={!h.hasNewer} onClick={newer}>
        Newer versions →
      </button>
      {h.hasNewer ? (
        <button type="button" className="link" name="latest" onClick={() => onPage(undefined)}>
          Latest
        </button>
      ) : null}
    </div>
  );
}

function TimeTravel({ at, diff }: { at: Loaded<TableAtVersionResponse>; diff: Loaded<TableDiffResponse> }) {
  return (
    <LoadedView state={at}>
      {(a) => (
        <>
          <div className="kpis">
            <div className="card kpi" data-kpi="rows-at-version">
              <div className="kpi-label">Rows at version {a.version}</div>
              <div className="kpi-value" data-value={String(a.rows ?? '')} data-version={a.version}>
                {integer(a.rows)}
              </div>
              <div className="kpi-change">
                {a.files} files, {bytes(a.bytes)}
              </div>
            </div>
            {diff.data ? (
              <div className="card kpi" data-kpi="row-diff">
                <div className="kpi-label">
                  Change from version {diff.data.from.version} to {diff.data.to.version}
                </div>
                <div className="kpi-value" data-value={String(diff.data.rowDelta ?? '')}>
                  {diff.data.rowDelta !== null && diff.data.rowDelta > 0 ? '+' : ''}
                  {integer(diff.data.rowDelta)} rows
                </div>
                <div className="kpi-change">
                  {integer(diff.data.from.rows)} → {integer(diff.data.to.rows)}; {diff.data.filesAdded} files added, {diff.data.filesRemoved} removed
                </div>
              </div>
            ) : null}
          </div>
          <div className="card scroll">
            <table className="data" data-table="sample">
              <thead>
                <tr>
                  {a.columns.map((c) => (
                    <th key={c.name} title={c.type}>
                      {c.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {a.sample.map((row, i) => (
                  <tr key={i}>
                    {a.columns.map((c) => (
                      <td key={c.name}>{formatCell(row[c.name])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="reasoning">First {compact(a.sample.length)} rows of the table as it was at version {a.version}.</p>
        </>
      )}
    </LoadedView>
  );
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

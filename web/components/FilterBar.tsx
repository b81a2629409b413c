// The global filters (date range, category, brand). They write to the URL; pages read them there.
import type { Filters } from '../lib/route';
import type { Meta } from '../lib/meta';

export interface FilterBarProps {
  filters: Filters;
  meta: Meta | null;
  onChange: (filters: Filters) => void;
}

export function FilterBar({ filters, meta, onChange }: FilterBarProps) {
  const set = (key: keyof Filters, value: string) => onChange({ ...filters, [key]: value || undefined });
  const min = meta?.dateRange?.min;
  const max = meta?.dateRange?.max;
  return (
    <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
      <label>
        From
        <input type="date" name="from" value={filters.from ?? ''} min={min} max={max} onChange={(e) => set('from', e.target.value)} />
      </label>
      <label>
        To
        <input type="date" name="to" value={filters.to ?? ''} min={min} max={max} onChange={(e) => set('to', e.target.value)} />
      </label>
      <label>
        Category
        <select name="category" value={filters.category ?? ''} onChange={(e) => set('category', e.target.value)}>
          <option value="">All categories</option>
          {(meta?.categories ?? []).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        Brand
        <select name="brand" value={filters.brand ?? ''} onChange={(e) => set('brand', e.target.value)}>
          <option value="">All brands</option>
          {(meta?.brands ?? []).map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
      {filters.from || filters.to || filters.category || filters.brand ? (
        <button type="button" className="link" onClick={() => onChange({})}>
          Clear
        </button>
      ) : null}
    </form>
  );
}

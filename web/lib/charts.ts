// Small builders for the chart shapes the pages repeat (bars, lines, heatmaps), themed and with
// axis labels and tooltips formatted for people.
import type { EChartsOption } from 'echarts';
import type { Palette } from './theme';
import { formatters, type FormatName } from './format';

export interface SeriesSpec {
  name: string;
  values: (number | null)[];
  format: FormatName;
  kind?: 'bar' | 'line';
  /** Put this series on a second y axis (right side). */
  secondary?: boolean;
  stack?: string;
  area?: boolean;
}

function axisStyle(p: Palette) {
  return {
    axisLine: { lineStyle: { color: p.grid } },
    axisLabel: { color: p.muted },
    splitLine: { lineStyle: { color: p.grid } },
  };
}

/** A category x axis with one or more bar/line series, optionally on two y axes. */
export function xyOption(p: Palette, categories: string[], series: SeriesSpec[], opts: { horizontal?: boolean; rotate?: number } = {}): EChartsOption {
  const primary = series.find((s) => !s.secondary)?.format ?? 'compact';
  const secondary = series.find((s) => s.secondary)?.format;
  const valueAxes = [
    { type: 'value' as const, ...axisStyle(p), axisLabel: { color: p.muted, formatter: (v: number) => formatters[primary](v) } },
    ...(secondary
      ? [{ type: 'value' as const, ...axisStyle(p), splitLine: { show: false }, axisLabel: { color: p.muted, formatter: (v: number) => formatters[secondary](v) } }]
      : []),
  ];
  const categoryAxis = {
    type: 'category' as const,
    data: categories,
    ...axisStyle(p),
    // Few categories: try every label (truncated); many (dates): let ECharts thin them out. Labels
    // that would still collide (a phone-width chart) are dropped rather than drawn over each other.
    axisLabel: { color: p.muted, rotate: opts.rotate ?? 0, interval: categories.length <= 16 ? 0 : 'auto', hideOverlap: true, width: 110, overflow: 'truncate' as const },
    inverse: opts.horizontal ? true : undefined,
  };
  return {
    legend: series.length > 1 ? { top: 0, textStyle: { color: p.muted } } : undefined,
    tooltip: {
      trigger: 'axis',
      valueFormatter: undefined,
      formatter: (params: unknown) => {
        const list = params as { axisValueLabel: string; seriesIndex: number; value: number | null; marker: string; seriesName: string }[];
        const head = list[0]?.axisValueLabel ?? '';
        return [head, ...list.map((it) => `${it.marker}${it.seriesName}: <b>${formatters[series[it.seriesIndex]?.format ?? 'compact'](it.value)}</b>`)].join('<br/>');
      },
    },
    xAxis: opts.horizontal ? valueAxes[0] : categoryAxis,
    yAxis: opts.horizontal ? categoryAxis : valueAxes,
    series: series.map((s) => ({
      name: s.name,
      type: s.kind ?? 'bar',
      data: s.values,
      yAxisIndex: !opts.horizontal && s.secondary ? 1 : 0,
      stack: s.stack,
      smooth: s.kind === 'line',
      showSymbol: s.kind === 'line' ? categories.length < 40 : undefined,
      areaStyle: s.area ? { opacity: 0.25 } : undefined,
    })),
  } as EChartsOption;
}

/** A heatmap of x × y cells, colour by value. */
export function heatmapOption(
  p: Palette,
  xs: string[],
  ys: string[],
  cells: [number, number, number | null][],
  format: FormatName,
  name: string,
  opts: { scaleFrom?: [number, number, number | null][]; labels?: boolean } = {},
): EChartsOption {
  // The colour scale can come from a subset of cells (e.g. retention without week 0, which is 100% by definition).
  const values = (opts.scaleFrom ?? cells).map((c) => c[2]).filter((v): v is number => v !== null);
  return {
    tooltip: {
      formatter: (params: unknown) => {
        const { value } = params as { value: [number, number, number | null] };
        return `${ys[value[1]]} ${xs[value[0]]}<br/>${name}: <b>${formatters[format](value[2])}</b>`;
      },
    },
    grid: { left: 8, right: 8, top: 8, bottom: 64, containLabel: true },
    xAxis: { type: 'category', data: xs, axisLabel: { color: p.muted }, splitArea: { show: true } },
    yAxis: { type: 'category', data: ys, axisLabel: { color: p.muted }, splitArea: { show: true } },
    visualMap: {
      min: values.length ? Math.min(...values) : 0,
      max: values.length ? Math.max(...values) : 1,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      textStyle: { color: p.muted },
      formatter: (v: unknown) => formatters[format](v),
      inRange: { color: p.name === 'dark' ? ['#1e3a5f', '#6fa8dc', '#f3d55b'] : ['#eef4fb', '#4e79a7', '#1c3d63'] },
    },
    series: [
      {
        name,
        type: 'heatmap',
        data: cells,
        label: opts.labels ? { show: true, fontSize: 11, formatter: (x: unknown) => formatters[format]((x as { value: [number, number, number | null] }).value[2]) } : undefined,
        emphasis: { itemStyle: { borderColor: p.text, borderWidth: 1 } },
      },
    ],
  } as EChartsOption;
}

/** A number or null from a JSON value (the API sends big counts as numbers, ratios as numbers). */
export function n(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const v = Number(value);
  return Number.isFinite(v) ? v : null;
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
export const HOURS = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`);

// One chart: an ECharts canvas that follows the theme and the container's width, with buttons
// to export it as PNG (ECharts getDataURL) and its data as CSV (the same rows the chart drew).
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, HeatmapChart, LineChart, PieChart, TreemapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';
import { usePalette, type Palette } from '../lib/theme';
import { download, downloadText, slug, toCsv, type Table } from '../lib/csv';

// Only the chart types the pages draw: about half the bundle of the full ECharts build.
echarts.use([BarChart, FunnelChart, HeatmapChart, LineChart, PieChart, TreemapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export interface ChartProps {
  title: string;
  /** The data behind the chart; exported as CSV and used to decide the empty state. */
  table: Table;
  option: (palette: Palette) => EChartsOption;
  height?: number;
  empty?: string;
  wide?: boolean;
  /** What the chart covers when that differs from the filters (e.g. a filter that does not apply to it). */
  scope?: { text: string; ignored?: boolean };
}

export function Chart({ title, table, option, height = 300, empty, wide, scope }: ChartProps) {
  const palette = usePalette();
  const holder = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const hasData = table.rows.length > 0;

  useEffect(() => {
    const el = holder.current;
    if (!el || !hasData) return;
    el.dataset.rendered = 'false';
    const instance = echarts.init(el, palette.name === 'dark' ? 'dark' : undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('finished', () => {
      el.dataset.rendered = 'true';
    });
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [palette.name, hasData]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance || !hasData) return;
    const base: EChartsOption = {
      backgroundColor: 'transparent',
      color: palette.series,
      textStyle: { color: palette.text },
      // Charts appear at once: a dashboard is read, not watched, and exports should not catch a frame mid-animation.
      animation: false,
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    };
    instance.setOption({ ...base, ...option(palette) }, { notMerge: true });
  }, [table, option, palette, hasData]);

  const exportPng = () => {
    const instance = chart.current;
    if (!instance) return;
    download(`${slug(title)}.png`, instance.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: palette.background }));
  };
  const exportCsv = () => downloadText(`${slug(title)}.csv`, toCsv(table));

  return (
    <figure className={`card chart${wide ? ' wide' : ''}`} data-chart={slug(title)}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-actions">
          <button type="button" onClick={exportPng} disabled={!hasData} title="Download the chart as PNG" aria-label={`Export ${title} as PNG`}>
            PNG
          </button>
          <button type="button" onClick={exportCsv} title="Download the chart's data as CSV" aria-label={`Export ${title} data as CSV`}>
            CSV
          </button>
        </span>
      </figcaption>
      {scope ? (
        <p className={`chart-scope${scope.ignored ? ' ignored' : ''}`} data-scope={scope.ignored ? 'ignored' : 'applied'}>
          {scope.text}
        </p>
      ) : null}
      {hasData ? (
        <div className="chart-canvas" ref={holder} style={{ height }} data-rendered="false" role="img" aria-label={title} />
      ) : (
        <div className="chart-empty" style={{ height: Math.min(height, 160) }} data-empty="true">
          {empty ?? 'No data for these filters.'}
        </div>
      )}
    </figure>
  );
}

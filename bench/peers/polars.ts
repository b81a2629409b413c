/**
 * The Polars peer of `bench peers`: the pipeline's core work written the way a competent engineer
 * would with nodejs-polars' lazy API, run in its own process so it starts cold. It parses and types
 * the CSV, drops the rows clicklake would quarantine (same rules as silver/typed_batch.sql),
 * removes exact duplicates (a day at a time, as clicklake does), and writes the clean events, one
 * row per session, `kpi_daily` and `product_performance` as Parquet. No Delta log, lineage, quarantine table or quality results:
 * less work than clicklake, on purpose, so the comparison flatters the peer rather than us.
 *
 * Usage: node dist/bench/peers/polars.js CSV OUT_DIR   (prints one JSON line: rows and outputs)
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { KPI_FILE, peerMain, type PeerOutput } from './contract.js';

const EVENT_TYPES = ['view', 'cart', 'remove_from_cart', 'purchase'];
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const TIME_SHAPE = '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC$';

const col = pl.col;
const isType = (type: string) => col('event_type').eq(pl.lit(type));
const countWhere = (cond: pl.Expr, name: string) => cond.cast(pl.Int64).sum().alias(name);

/** Every column as text, then typed the way Silver types it; a failed cast becomes null. */
function typedEvents(csv: string): pl.LazyDataFrame {
  const text = (name: string) => col(name).str.strip();
  const emptyToNull = (name: string) =>
    pl.when(text(name).eq(pl.lit(''))).then(pl.lit(null)).otherwise(text(name).str.toLowerCase()).alias(name);
  return pl
    .scanCSV(csv, { hasHeader: true, inferSchemaLength: 0 })
    .select(
      pl
        .when(col('event_time').str.contains(TIME_SHAPE))
        .then(col('event_time').str.strptime(pl.Datetime, '%Y-%m-%d %H:%M:%S UTC'))
        .otherwise(pl.lit(null))
        .alias('event_time'),
      col('event_type'),
      col('product_id').cast(pl.Int64, false),
      col('category_id').cast(pl.Int64, false),
      emptyToNull('category_code'),
      emptyToNull('brand'),
      // money in integer cents, so sums are exact
      col('price').cast(pl.Float64, false).mul(100).round(0).cast(pl.Int64, false).alias('price_cents'),
      col('user_id').cast(pl.Int64, false),
      col('user_session'),
    )
    .filter(
      col('event_time').isNotNull()
        .and(col('event_type').isIn(EVENT_TYPES))
        .and(col('product_id').gt(0))
        .and(col('category_id').isNotNull())
        .and(col('price_cents').gtEq(0))
        .and(col('user_id').gt(0))
        .and(col('user_session').isNull().or(col('user_session').str.contains(UUID))),
    )
    .withColumns(col('event_time').cast(pl.Date).alias('event_date'));
}

/**
 * Exact duplicates share their timestamp, hence their day, so deduplicating one day at a time
 * is exact and bounds memory by a day: one whole-table unique() held about 20 GB on the full
 * month (measured). The typed rows are streamed to Parquet once; each day is read back by
 * predicate (row groups pruned by their event_date statistics), deduplicated and written.
 */
async function dedupeByDay(typedFile: string, eventsDir: string): Promise<number> {
  mkdirSync(eventsDir, { recursive: true });
  const days = (await pl.scanParquet(typedFile).select(col('event_date').unique()).collect()).getColumn('event_date').toArray() as unknown as Date[];
  let rows = 0;
  for (const day of days) {
    const label = day.toISOString().slice(0, 10);
    const unique = await pl.scanParquet(typedFile).filter(col('event_date').eq(pl.lit(day))).unique().collect();
    unique.writeParquet(join(eventsDir, `${label}.parquet`), { compression: 'zstd' });
    rows += unique.height;
  }
  return rows;
}

function sessions(events: pl.LazyDataFrame): pl.LazyDataFrame {
  return events
    .filter(col('user_session').isNotNull())
    .groupBy('user_session')
    .agg(
      col('user_id').min().alias('user_id'),
      col('event_time').min().alias('session_start'),
      col('event_time').max().alias('session_end'),
      pl.len().alias('events'),
      countWhere(isType('view'), 'views'),
      countWhere(isType('cart'), 'carts'),
      countWhere(isType('purchase'), 'purchases'),
      col('price_cents').filter(isType('purchase')).sum().alias('revenue_cents'),
    );
}

/** The compared kpi_daily columns (see contract.ts), per UTC day. */
function kpiDaily(events: pl.LazyDataFrame): pl.LazyDataFrame {
  return events
    .groupBy('event_date')
    .agg(
      pl.len().cast(pl.Int64).alias('events'),
      countWhere(isType('view'), 'views'),
      countWhere(isType('cart'), 'carts'),
      countWhere(isType('remove_from_cart'), 'removes'),
      countWhere(isType('purchase'), 'purchases'),
      col('user_id').nUnique().cast(pl.Int64).alias('active_users'),
      col('user_session').filter(col('user_session').isNotNull()).nUnique().cast(pl.Int64).alias('sessions'),
      col('user_id').filter(isType('purchase')).nUnique().cast(pl.Int64).alias('buyers'),
      col('price_cents').filter(isType('purchase')).sum().cast(pl.Int64).alias('revenue_cents'),
    )
    .sort('event_date');
}

/** Per product and per brand: views to revenue, conversion, rank by revenue within the level. */
function productPerformance(events: pl.LazyDataFrame): pl.LazyDataFrame {
  const measures = [
    countWhere(isType('view'), 'views'),
    countWhere(isType('cart'), 'carts'),
    countWhere(isType('purchase'), 'purchases'),
    col('price_cents').filter(isType('purchase')).sum().alias('revenue_cents'),
  ];
  const products = events
    .groupBy('product_id')
    .agg(...measures)
    .select(pl.lit('product').alias('level'), col('product_id').cast(pl.Utf8).alias('key'), pl.exclude('product_id'));
  const brands = events
    .filter(col('brand').isNotNull())
    .groupBy('brand')
    .agg(...measures)
    .select(pl.lit('brand').alias('level'), col('brand').alias('key'), pl.exclude('brand'));
  return pl
    .concat([products, brands], { how: 'vertical' })
    .withColumns(
      col('purchases').cast(pl.Float64).div(col('views')).alias('conversion_rate'),
      col('revenue_cents').rank('ordinal', true).over('level').alias('revenue_rank'),
    );
}

async function main(args: string[]): Promise<PeerOutput> {
  const [csv, outDir] = args;
  if (!csv || !outDir) throw new Error('usage: polars.js CSV OUT_DIR');
  mkdirSync(outDir, { recursive: true });
  const typedFile = join(outDir, 'typed.parquet');
  await typedEvents(csv).sinkParquet(typedFile, { compression: 'zstd' }).collect();
  const eventsDir = join(outDir, 'events');
  const rows = await dedupeByDay(typedFile, eventsDir);
  rmSync(typedFile);
  const lazy = pl.scanParquet(join(eventsDir, '*.parquet'));
  const session = await sessions(lazy).collect();
  session.writeParquet(join(outDir, 'sessions.parquet'), { compression: 'zstd' });
  (await kpiDaily(lazy).collect()).writeParquet(join(outDir, KPI_FILE), { compression: 'zstd' });
  (await productPerformance(lazy).collect()).writeParquet(join(outDir, 'product_performance.parquet'), { compression: 'zstd' });
  return { rows, sessions: session.height, outDir };
}

peerMain(import.meta.url, main);

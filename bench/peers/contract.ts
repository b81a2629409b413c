/**
 * What every peer process of `bench peers` agrees on: it is started as
 * `node <peer>.js CSV OUT_DIR`, writes `kpi_daily.parquet` with the compared columns into OUT_DIR,
 * and prints one JSON line (PeerOutput) on stdout as its last line. The compared kpi_daily columns,
 * per UTC day: events, views, carts, removes, purchases, active_users (distinct users), sessions
 * (distinct non-null sessions seen that day), buyers (distinct purchasing users) and revenue_cents
 * (purchase prices summed, in integer cents so the comparison is exact).
 */
import { fileURLToPath } from 'node:url';

export const KPI_FILE = 'kpi_daily.parquet';

export const KPI_COLUMNS = [
  'event_date', 'events', 'views', 'carts', 'removes', 'purchases', 'active_users', 'sessions', 'buyers', 'revenue_cents',
] as const;

export interface PeerOutput {
  /** Rows of the main output: clean deduplicated events (or lines scanned, for the floor). */
  rows: number;
  sessions?: number;
  outDir?: string;
}

/** Runs `main` when the module is the process's entry point, printing its output as JSON. */
export function peerMain(moduleUrl: string, main: (args: string[]) => Promise<PeerOutput>): void {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  main(process.argv.slice(2)).then(
    (output) => process.stdout.write(`${JSON.stringify(output)}\n`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}

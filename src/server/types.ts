/**
 * The JSON shapes of the dashboard API: the one contract between src/server (which fills them
 * from Gold and ops tables) and web/ (which draws them). Types only, so both sides import it.
 */

export type Num = number | null;

export interface TableStatus {
  name: string;
  exists: boolean;
  version: number | null;
  /** Why a table that is on disk could not be opened. */
  problem?: string;
}

/**
 * The server's rollups of the Gold tables: 'ready' while they match the served versions (pages
 * read them), otherwise pages read Gold ('pending' before the first build, 'stale' after a commit
 * until the rebuild is loaded, 'unavailable' when the lake cannot be rolled up, 'off' when disabled).
 */
export interface RollupStatus {
  state: 'pending' | 'building' | 'ready' | 'stale' | 'failed' | 'unavailable' | 'off';
  reason?: string;
  /** Time the last build and load took. */
  builtMs?: number;
  /** The Gold versions the rollups were built from. */
  versions?: Record<string, number>;
}

export interface MetaResponse {
  lake: string;
  tables: TableStatus[];
  rollups: RollupStatus;
  dateRange: { min: string; max: string } | null;
  categories: string[];
  brands: string[];
}

export interface VersionsResponse {
  /** Changes whenever any table gets a new version; clients compare it to refresh. */
  stamp: string;
  versions: Record<string, number | null>;
}

/** Which Gold tables a page needs that are missing; pages show an empty state naming them. */
export interface Missing {
  missing?: string[];
}

export interface Period {
  from: string;
  to: string;
}

export interface KpiValue {
  value: Num;
  previous: Num;
}

export interface DailyPoint {
  date: string;
  revenue: Num;
  events: Num;
  views: Num;
  carts: Num;
  purchases: Num;
  sessions: Num;
  activeUsers: Num;
  buyers: Num;
  conversionRate: Num;
  averageOrderValue: Num;
  cartAbandonment: Num;
}

export interface OverviewResponse extends Missing {
  period: Period | null;
  previous: Period | null;
  kpis: {
    revenue: KpiValue;
    orders: KpiValue;
    buyers: KpiValue;
    activeUsers: KpiValue;
    sessions: KpiValue;
    conversionRate: KpiValue;
    averageOrderValue: KpiValue;
    cartAbandonment: KpiValue;
  };
  daily: DailyPoint[];
}

export interface FunnelStep {
  step: 'view' | 'cart' | 'purchase';
  sessions: Num;
  users: Num;
}

export interface FunnelGroup {
  name: string;
  views: Num;
  carts: Num;
  purchases: Num;
  viewToCart: Num;
  cartToPurchase: Num;
  conversion: Num;
}

export interface FunnelResponse extends Missing {
  steps: FunnelStep[];
  /** Sessions that carted and also bought, over sessions that carted. */
  cartToPurchase: Num;
  by: 'category' | 'brand';
  groups: FunnelGroup[];
  /** Minutes from a session's first view to its first purchase, bucketed. */
  timeToPurchase: { bucket: string; sessions: Num }[];
  medianMinutesToPurchase: Num;
  abandonmentByCategory: { category: string; cartSessions: Num; abandoned: Num; rate: Num }[];
}

export interface RankedItem {
  name: string;
  revenue: Num;
  views: Num;
  purchases: Num;
  conversion: Num;
}

export interface ProductsResponse extends Missing {
  topProducts: (RankedItem & { productId: string; brand: string | null; category: string | null })[];
  topBrands: RankedItem[];
  topCategories: RankedItem[];
  hierarchy: { l1: string; l2: string; l3: string; revenue: Num; views: Num }[];
  priceBands: { band: string; views: Num; purchases: Num; conversion: Num; revenue: Num }[];
  viewedNotBought: { productId: string; brand: string | null; category: string | null; views: Num; purchases: Num; conversion: Num }[];
}

export interface UsersResponse extends Missing {
  segments: { segment: string; users: Num; revenue: Num; revenueShare: Num; userShare: Num }[];
  tiers: { tier: string; users: Num; share: Num }[];
  cohorts: { cohortWeek: string; weekOffset: number; users: Num; retention: Num }[];
  newVsReturning: { date: string; newUsers: Num; returningUsers: Num }[];
  sessionsPerUser: { sessions: string; users: Num }[];
}

export interface TrendsResponse extends Missing {
  heatmap: { dayOfWeek: number; hour: number; events: Num; conversion: Num }[];
  daily: { date: string; events: Num; revenue: Num; sessions: Num }[];
  hourly: { hour: number; events: Num; purchases: Num; revenue: Num; conversion: Num }[];
  peakHours: { hour: number; events: Num }[];
}

export interface OptimizationResponse extends Missing {
  runAt: string | null;
  techniques: {
    technique: string;
    beforeMs: Num;
    afterMs: Num;
    beforeBytes: Num;
    afterBytes: Num;
    speedup: Num;
    reasoning: string | null;
  }[];
}

export interface QualityResponse extends Missing {
  latestRun: string | null;
  verdicts: { layer: string | null; table: string | null; check: string; status: string; observed: string | null; expected: string | null; detail: string | null }[];
  reconciliation: { stage: string; rows: Num }[];
  /** Per ingested batch: Bronze rows = Silver rows + quarantined + duplicates removed. */
  batches: { batch: string; run: string; recordedAt: string | null; bronze: Num; silver: Num; quarantined: Num; duplicates: Num; balanced: boolean }[];
  quarantine: { reason: string; rows: Num }[];
  runs: { run: string; at: string | null; passed: Num; failed: Num; total: Num }[];
  profiles: { table: string; column: string; nullFraction: Num; distinct: Num; min: string | null; max: string | null }[];
}

export interface LakeTableSummary {
  name: string;
  /** Null when the table could not be opened (see problem). */
  version: number | null;
  problem?: string;
  rows: Num;
  files: number;
  bytes: number;
  lastModified: string | null;
  lastOperation: string | null;
}

export interface LakehouseResponse {
  tables: LakeTableSummary[];
}

export interface HistoryEntry {
  version: number;
  timestamp: string | null;
  operation: string | null;
  rows: Num;
  files: number;
  bytes: number;
  metrics: Record<string, unknown>;
}

export interface TableHistoryResponse {
  name: string;
  /** Oldest first: up to `limit` versions before the requested one (the latest when none was). */
  history: HistoryEntry[];
  limit: number;
  /** The table's latest version. */
  latest: number | null;
  /** Versions exist before the first one shown (ask again with before = its version). */
  hasOlder: boolean;
  /** Versions exist after the last one shown. */
  hasNewer: boolean;
}

export interface TableAtVersionResponse {
  name: string;
  version: number;
  rows: Num;
  files: number;
  bytes: number;
  columns: { name: string; type: string }[];
  sample: Record<string, unknown>[];
}

export interface TableDiffResponse {
  name: string;
  from: { version: number; rows: Num; files: number };
  to: { version: number; rows: Num; files: number };
  rowDelta: Num;
  filesAdded: number;
  filesRemoved: number;
}

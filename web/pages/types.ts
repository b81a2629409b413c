// What every page receives: the global filters and its own URL parameters.
import type { Filters } from '../lib/route';

export interface PageProps {
  filters: Filters;
  extra: Record<string, string>;
  setExtra: (extra: Record<string, string>) => void;
}

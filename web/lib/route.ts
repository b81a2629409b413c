// The page and the global filters live in the URL (path + query string), so any view can be
// shared by copying the address. This module reads and writes that state.
import { useEffect, useState, useCallback } from 'react';

export const PAGES = [
  { id: 'overview', title: 'Overview' },
  { id: 'funnel', title: 'Funnel' },
  { id: 'products', title: 'Products' },
  { id: 'users', title: 'Users' },
  { id: 'trends', title: 'Trends' },
  { id: 'optimization', title: 'Optimization' },
  { id: 'quality', title: 'Quality' },
  { id: 'lakehouse', title: 'Lakehouse' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

export interface Filters {
  from?: string;
  to?: string;
  category?: string;
  brand?: string;
}

export const FILTER_KEYS = ['from', 'to', 'category', 'brand'] as const;

export interface Route {
  page: PageId;
  filters: Filters;
  /** Page-specific parameters (e.g. the table picked on the lakehouse page). */
  extra: Record<string, string>;
}

function parse(): Route {
  const segment = location.pathname.replace(/^\/+|\/+$/g, '').split('/')[0] ?? '';
  const page = (PAGES.find((p) => p.id === segment)?.id ?? 'overview') as PageId;
  const params = new URLSearchParams(location.search);
  const filters: Filters = {};
  const extra: Record<string, string> = {};
  for (const [key, value] of params) {
    if (!value) continue;
    if ((FILTER_KEYS as readonly string[]).includes(key)) filters[key as keyof Filters] = value;
    else extra[key] = value;
  }
  return { page, filters, extra };
}

export function hrefFor(route: Route): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = route.filters[key];
    if (value) params.set(key, value);
  }
  for (const [key, value] of Object.entries(route.extra)) if (value) params.set(key, value);
  const query = params.toString();
  return `/${route.page}${query ? `?${query}` : ''}`;
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(route: Route, replace = false): void {
  const href = hrefFor(route);
  if (href === `${location.pathname}${location.search}`) return;
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  listeners.forEach((l) => l());
}

export function useRoute(): [Route, (next: Partial<Route>, replace?: boolean) => void] {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const listener = () => setRoute(parse());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  const update = useCallback(
    (next: Partial<Route>, replace = false) => {
      const current = parse();
      // Changing page drops page-specific parameters; filters carry over.
      const extra = next.extra ?? (next.page && next.page !== current.page ? {} : current.extra);
      navigate({ ...current, ...next, extra }, replace);
    },
    [],
  );
  return [route, update];
}

/** Query string of the filters, for API calls. */
export function filterQuery(filters: Filters, more: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  for (const [key, value] of Object.entries(more)) if (value !== undefined && value !== '') params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

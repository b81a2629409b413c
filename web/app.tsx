// The dashboard shell: navigation across the eight pages, theme switch, global filters, live refresh.
import { useEffect, useState, type ComponentType } from 'react';
import { PAGES, useRoute, type PageId, type Filters } from './lib/route';
import { RefreshContext, getJson } from './lib/api';
import { useLakeRefresh } from './lib/refresh';
import { PALETTES, ThemeContext, useThemeState } from './lib/theme';
import { MetaContext, type Meta } from './lib/meta';
import { FilterBar } from './components/FilterBar';
import type { PageProps } from './pages/types';
import { OverviewPage } from './pages/overview';
import { FunnelPage } from './pages/funnel';
import { ProductsPage } from './pages/products';
import { UsersPage } from './pages/users';
import { TrendsPage } from './pages/trends';
import { OptimizationPage } from './pages/optimization';
import { QualityPage } from './pages/quality';
import { LakehousePage } from './pages/lakehouse';

const PAGE_COMPONENTS: Record<PageId, { component: ComponentType<PageProps>; filtered: boolean }> = {
  overview: { component: OverviewPage, filtered: true },
  funnel: { component: FunnelPage, filtered: true },
  products: { component: ProductsPage, filtered: true },
  users: { component: UsersPage, filtered: true },
  trends: { component: TrendsPage, filtered: true },
  optimization: { component: OptimizationPage, filtered: false },
  quality: { component: QualityPage, filtered: false },
  lakehouse: { component: LakehousePage, filtered: false },
};

export function App() {
  const [route, update] = useRoute();
  const [theme, setTheme] = useThemeState();
  const refresh = useLakeRefresh();
  const [meta, setMeta] = useState<Meta | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);

  const [updatedAt, setUpdatedAt] = useState<string | null>(null);
  useEffect(() => {
    getJson<Meta>('/api/meta').then(setMeta, () => setMeta(null));
    if (refresh > 0) setUpdatedAt(new Date().toLocaleTimeString());
  }, [refresh]);

  const page = PAGE_COMPONENTS[route.page];
  const Page = page.component;
  const setFilters = (filters: Filters) => update({ filters });
  const title = PAGES.find((p) => p.id === route.page)?.title ?? '';

  useEffect(() => {
    document.title = `${title} · clicklake`;
  }, [title]);

  return (
    <ThemeContext.Provider value={PALETTES[theme]}>
      <MetaContext.Provider value={meta}>
        <RefreshContext.Provider value={refresh}>
          <div className="shell">
            <header className="topbar">
              <a className="brand" href="/overview" onClick={(e) => (e.preventDefault(), update({ page: 'overview' }))}>
                clicklake
              </a>
              <button type="button" className="menu-toggle" aria-expanded={menuOpen} onClick={() => setMenuOpen(!menuOpen)}>
                Menu
              </button>
              <nav className={menuOpen ? 'open' : ''} aria-label="Pages">
                {PAGES.map((p) => (
                  <a
                    key={p.id}
                    href={`/${p.id}`}
                    data-page={p.id}
                    aria-current={p.id === route.page ? 'page' : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      setMenuOpen(false);
                      update({ page: p.id });
                    }}
                  >
                    {p.title}
                  </a>
                ))}
              </nav>
              <span className="live" data-refresh-count={refresh} title="The dashboard reloads its data when the pipeline commits new table versions">
                {updatedAt ? `updated ${updatedAt}` : 'live'}
              </span>
              <button
                type="button"
                className="theme-toggle"
                aria-label="Switch theme"
                data-theme-toggle={theme}
                onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
              >
                {theme === 'dark' ? 'Light' : 'Dark'}
              </button>
            </header>
            {page.filtered ? <FilterBar filters={route.filters} meta={meta} onChange={setFilters} /> : null}
            <main data-page-id={route.page}>
              <Page key={route.page} filters={route.filters} extra={route.extra} setExtra={(extra) => update({ extra }, true)} />
            </main>
          </div>
        </RefreshContext.Provider>
      </MetaContext.Provider>
    </ThemeContext.Provider>
  );
}

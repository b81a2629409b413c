// Light and dark themes: CSS variables switch on <html data-theme>, charts read the same palette.
import { createContext, useContext, useEffect, useState } from 'react';

export type ThemeName = 'light' | 'dark';

export interface Palette {
  name: ThemeName;
  text: string;
  muted: string;
  grid: string;
  background: string;
  series: string[];
}

const SERIES = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const SERIES_DARK = ['#6fa8dc', '#f6a04d', '#7bc96f', '#f07173', '#8fd3cc', '#f3d55b', '#c99bd0', '#ffb3bb', '#c19a7f', '#d0c8c4'];

export const PALETTES: Record<ThemeName, Palette> = {
  light: { name: 'light', text: '#1f2933', muted: '#616e7c', grid: '#e4e7eb', background: '#ffffff', series: SERIES },
  dark: { name: 'dark', text: '#e4e7eb', muted: '#9aa5b1', grid: '#323f4b', background: '#1b2430', series: SERIES_DARK },
};

const STORAGE_KEY = 'clicklake-theme';

function initial(): ThemeName {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'light' || stored === 'dark') return stored;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function useThemeState(): [ThemeName, (t: ThemeName) => void] {
  const [theme, setTheme] = useState<ThemeName>(initial);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(STORAGE_KEY, theme);
  }, [theme]);
  return [theme, setTheme];
}

export const ThemeContext = createContext<Palette>(PALETTES.light);
export const usePalette = () => useContext(ThemeContext);

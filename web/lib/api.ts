// Fetching page data from /api, refetching when the filters change or the lake gets a new version.
import { createContext, useContext, useEffect, useState } from 'react';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => null)) as { error?: string; message?: string } | null;
  if (!response.ok) throw new ApiError(body?.message ?? body?.error ?? response.statusText, response.status);
  return body as T;
}

/** Bumped whenever the server reports a new table version; every data hook depends on it. */
export const RefreshContext = createContext(0);

export interface Loaded<T> {
  data?: T;
  error?: ApiError | Error;
  loading: boolean;
}

export function useApi<T>(path: string | null): Loaded<T> {
  const refresh = useContext(RefreshContext);
  const [state, setState] = useState<Loaded<T>>({ loading: true });
  useEffect(() => {
    if (path === null) {
      setState({ loading: false });
      return;
    }
    let live = true;
    // Keep showing the previous data while a refresh loads, so the page does not flash.
    setState((prev) => ({ data: prev.data, loading: true }));
    getJson<T>(path).then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, refresh]);
  return state;
}

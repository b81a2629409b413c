// What a page shows while loading, on an error, and when its source tables do not exist yet.
import type { ReactNode } from 'react';
import type { Loaded } from '../lib/api';

export function Empty({ children }: { children: ReactNode }) {
  return (
    <div className="card empty-state" data-empty-state="true">
      {children}
    </div>
  );
}

export function ErrorBox({ error }: { error: Error }) {
  return (
    <div className="card error-state" role="alert">
      Could not load this page: {error.message}
    </div>
  );
}

/** Renders children with the data once loaded; a spinner line before, the error if it failed. */
export function LoadedView<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ReactNode }) {
  if (state.error && !state.data) return <ErrorBox error={state.error} />;
  if (!state.data) return <div className="loading">Loading…</div>;
  return <>{children(state.data)}</>;
}

export function PageHeader({ question, answer }: { question: string; answer: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{question}</h1>
      <p className="headline" data-headline="true">
        {answer}
      </p>
    </header>
  );
}

/**
 * LoadedView for the pages over Gold tables: when a table the page reads does not exist yet, it
 * names them instead of drawing empty charts.
 */
export function GoldView<T extends { missing?: string[] }>({ state, children }: { state: Loaded<T>; children: (data: T) => ReactNode }) {
  return (
    <LoadedView state={state}>
      {(data) =>
        data.missing?.length ? (
          <Empty>
            The Gold tables this page reads ({data.missing.join(', ')}) do not exist yet: run <code>clicklake run</code> to build the lakehouse.
          </Empty>
        ) : (
          children(data)
        )
      }
    </LoadedView>
  );
}

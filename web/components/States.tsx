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

// Live refresh: the server pushes an event on /api/events whenever a table gets a new version;
// when the stream is unavailable (a proxy that buffers, an old browser) we poll /api/versions.
import { useEffect, useState } from 'react';

const POLL_MS = 5000;

export function useLakeRefresh(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stamp: string | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    const seen = (next: string) => {
      if (stamp !== null && next !== stamp) setTick((t) => t + 1);
      stamp = next;
    };
    const poll = () =>
      fetch('/api/versions')
        .then((r) => r.json() as Promise<{ stamp: string }>)
        .then((v) => seen(v.stamp))
        .catch(() => undefined);
    let source: EventSource | undefined;
    if (typeof EventSource === 'function') {
      source = new EventSource('/api/events');
      source.addEventListener('versions', (event) => seen((JSON.parse((event as MessageEvent).data) as { stamp: string }).stamp));
      source.onerror = () => {
        if (source?.readyState === EventSource.CLOSED && timer === undefined) timer = setInterval(poll, POLL_MS);
      };
    } else {
      timer = setInterval(poll, POLL_MS);
    }
    return () => {
      source?.close();
      if (timer !== undefined) clearInterval(timer);
    };
  }, []);
  return tick;
}

import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { describe } from './messages.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Loads once (and on `reload`); an optional interval keeps it fresh. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = [], everyMs = 0): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    setLoading(true);
    load().then(
      (d) => {
        if (!alive.current) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (!alive.current) return;
        setError(e);
        setLoading(false);
      },
    );
    const timer = everyMs > 0 ? setInterval(() => setTick((t) => t + 1), everyMs) : undefined;
    return () => {
      alive.current = false;
      if (timer) clearInterval(timer);
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export function Unavailable({ what }: { what: string }) {
  return (
    <p class="unavailable" role="status">
      {what} is not available on this server yet.
    </p>
  );
}

/** Shows the loaded value, a clear "not available" state, or the error in words. */
export function Show<T>({
  loaded,
  what,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  if (loaded.error instanceof ApiError && loaded.error.unavailable) return <Unavailable what={what} />;
  if (loaded.error) return <ErrorText error={loaded.error} />;
  if (loaded.data === undefined) return <p aria-busy="true">Loading…</p>;
  return <>{children(loaded.data)}</>;
}

export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {describe(error)}
    </p>
  );
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function NoAccount() {
  return (
    <p class="unavailable" role="status">
      No trading account is open for this login.
    </p>
  );
}

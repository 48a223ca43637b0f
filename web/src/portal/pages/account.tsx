import { get } from '../../shared/api.ts';
import { Show, Unavailable, useLoad } from '../../shared/hooks.tsx';
import { useAccount } from '../account-context.ts';

/** Permissions, limits and trading state, as the server reports them. */
export function AccountPage() {
  const account = useAccount();
  const detail = useLoad(
    () => (account ? get<Record<string, unknown>>(`/accounts/${account.id}`) : Promise.reject(null)),
    [account?.id],
  );
  const limits = useLoad(
    () => (account ? get<Record<string, unknown>>(`/accounts/${account.id}/limits`) : Promise.reject(null)),
    [account?.id],
  );
  if (!account) return <Unavailable what="Accounts" />;
  return (
    <div class="stack">
      <section class="card" aria-labelledby="state-h">
        <h2 id="state-h">Trading state and permissions</h2>
        <Show loaded={detail} what="Account details">
          {(a) => (
            <>
              <p>
                Trading state: <strong data-testid="trading-state">{String(a.tradingState ?? '—')}</strong>
              </p>
              <Pairs value={(a.permissions ?? {}) as Record<string, unknown>} />
            </>
          )}
        </Show>
      </section>
      <section class="card" aria-labelledby="limits-h">
        <h2 id="limits-h">Limits</h2>
        <Show loaded={limits} what="Limits">
          {(l) => <Pairs value={(l.limits ?? l) as Record<string, unknown>} />}
        </Show>
      </section>
    </div>
  );
}

function Pairs({ value }: { value: Record<string, unknown> | unknown[] }) {
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i + 1), v] as const)
    : Object.entries(value);
  return (
    <dl class="pairs">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

import { useState } from 'preact/hooks';
import { del, get, post } from '../../shared/api.ts';
import { ErrorText, NoAccount, Show, useLoad } from '../../shared/hooks.tsx';
import { listOf, useAccount } from '../account-context.ts';
import { PriceChart } from '../price-chart.tsx';

export interface Position {
  symbol: string;
  quantity: string;
  averagePrice: string | null;
  mark?: string;
  unrealisedPnl?: string;
  realisedPnl?: string;
}
export interface Order {
  id: string;
  symbol: string;
  side: string;
  quantity: string;
  type: string;
  limitPrice?: string | null;
  status: string;
  filledQuantity?: string;
}

const OPEN = new Set(['new', 'accepted', 'open', 'working', 'partially_filled', 'pending']);

/** Balances and buying power, positions with P&L, open orders, a live chart. */
export function Dashboard() {
  const account = useAccount();
  if (!account) return <NoAccount />;
  return (
    <div class="stack">
      <Balances id={account.id} />
      <div class="two">
        <Positions id={account.id} />
        <PriceChart symbol="AAPL" />
      </div>
      <Orders id={account.id} />
    </div>
  );
}

function Balances({ id }: { id: string }) {
  const loaded = useLoad(() => get<Record<string, unknown>>(`/accounts/${id}`), [id], 5000);
  return (
    <section class="card" aria-labelledby="bal-h">
      <h2 id="bal-h">Balances</h2>
      <Show loaded={loaded} what="Balances">
        {(a) => {
          const b = (a.balances ?? a) as Record<string, unknown>;
          const fields: [string, unknown][] = [
            ['Cash', b.cash],
            ['Equity', b.equity],
            ['Buying power', b.buyingPower ?? a.buyingPower],
            ['Trading state', a.tradingState],
          ];
          return (
            <dl class="figures">
              {fields.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd data-testid={`bal-${k}`}>{String(v ?? '—')}</dd>
                </div>
              ))}
            </dl>
          );
        }}
      </Show>
    </section>
  );
}

export function Positions({ id }: { id: string }) {
  const loaded = useLoad(
    () => get<unknown>(`/accounts/${id}/positions`).then((a) => listOf<Position>(a, 'positions')),
    [id],
    3000,
  );
  return (
    <section class="card" aria-labelledby="pos-h">
      <h2 id="pos-h">Positions</h2>
      <Show loaded={loaded} what="Positions">
        {(positions) =>
          positions.length ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">Symbol</th>
                  <th scope="col">Quantity</th>
                  <th scope="col">Average</th>
                  <th scope="col">Price</th>
                  <th scope="col">P&amp;L</th>
                </tr>
              </thead>
              <tbody>
                {positions.map((p) => (
                  <tr key={p.symbol}>
                    <td>{p.symbol}</td>
                    <td class="num">{p.quantity}</td>
                    <td class="num">{p.averagePrice ?? '—'}</td>
                    <td class="num">{p.mark ?? '—'}</td>
                    <td class={`num ${p.unrealisedPnl?.startsWith('-') ? 'neg' : 'pos'}`}>
                      {p.unrealisedPnl ?? '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>No positions.</p>
          )
        }
      </Show>
    </section>
  );
}

export function Orders({ id }: { id: string }) {
  const loaded = useLoad(
    () => get<unknown>(`/accounts/${id}/orders`).then((a) => listOf<Order>(a, 'orders')),
    [id],
    2000,
  );
  const [error, setError] = useState<unknown>(null);
  const cancel = (o: string) => del(`/accounts/${id}/orders/${o}`).then(loaded.reload, setError);
  const cancelAll = () => post(`/accounts/${id}/orders/cancel-all`, {}).then(loaded.reload, setError);
  return (
    <section class="card" aria-labelledby="ord-h">
      <h2 id="ord-h">Open orders</h2>
      <Show loaded={loaded} what="Orders">
        {(all) => {
          const orders = all.filter((o) => OPEN.has(o.status));
          return orders.length ? (
            <>
              <table data-testid="open-orders">
                <thead>
                  <tr>
                    <th scope="col">Symbol</th>
                    <th scope="col">Side</th>
                    <th scope="col">Quantity</th>
                    <th scope="col">Type</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span class="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {orders.map((o) => (
                    <tr key={o.id} data-testid="order-row">
                      <td>{o.symbol}</td>
                      <td>{o.side}</td>
                      <td class="num">{o.quantity}</td>
                      <td>
                        {o.type}
                        {o.limitPrice ? ` @ ${o.limitPrice}` : ''}
                      </td>
                      <td>{o.status}</td>
                      <td>
                        <button
                          type="button"
                          onClick={() => cancel(o.id)}
                          aria-label={`Cancel ${o.side} ${o.symbol}`}
                        >
                          Cancel
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <button type="button" onClick={cancelAll}>
                Cancel all
              </button>
            </>
          ) : (
            <p data-testid="no-open-orders">No open orders.</p>
          );
        }}
      </Show>
      <ErrorText error={error} />
    </section>
  );
}

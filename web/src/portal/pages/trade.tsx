import { useState } from 'preact/hooks';
import { post } from '../../shared/api.ts';
import { ErrorText, NoAccount } from '../../shared/hooks.tsx';
import { useAccount } from '../account-context.ts';
import { useStepUp } from '../step-up.tsx';
import { Orders } from './dashboard.tsx';

/** The server's risk decision for an order that was not sent (`POST …/orders/preview`). */
interface Preview {
  accepted: boolean;
  reducing: boolean;
  denial: { code: string; check: string; message: string; values: Record<string, string> } | null;
}

const TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;

/** The order ticket: preview the risk decision, then send (with a step-up when the policy asks). */
export function Trade() {
  const account = useAccount();
  const stepUp = useStepUp();
  const [o, setO] = useState({
    symbol: 'AAPL',
    side: 'buy',
    quantity: '10',
    type: 'limit',
    limitPrice: '',
    stopPrice: '',
    timeInForce: 'day',
  });
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [placed, setPlaced] = useState<string | null>(null);
  if (!account) return <NoAccount />;
  const set = (k: keyof typeof o) => (e: Event) => {
    setO({ ...o, [k]: (e.currentTarget as HTMLInputElement).value });
    setPreview(null);
  };
  const order = () => ({
    symbol: o.symbol.trim().toUpperCase(),
    side: o.side,
    quantity: o.quantity.trim(),
    type: o.type,
    timeInForce: o.timeInForce,
    ...(o.type.includes('limit') ? { limitPrice: o.limitPrice.trim() } : {}),
    ...(o.type.startsWith('stop') ? { stopPrice: o.stopPrice.trim() } : {}),
  });
  const doPreview = (e: Event) => {
    e.preventDefault();
    setError(null);
    setPlaced(null);
    post<Preview>(`/accounts/${account.id}/orders/preview`, order()).then(setPreview, setError);
  };
  const send = () => {
    setError(null);
    const key = crypto.randomUUID();
    stepUp(
      () =>
        post<{ id: string; status: string }>(`/accounts/${account.id}/orders`, order(), {
          'idempotency-key': key,
        }),
      'place_order',
    ).then((r) => {
      setPlaced(`Order ${r.status}: ${r.id}`);
      setPreview(null);
    }, setError);
  };
  return (
    <div class="stack">
      <form class="card grid ticket" onSubmit={doPreview} aria-labelledby="ticket-h">
        <h2 id="ticket-h">Order ticket</h2>
        <label>
          Symbol
          <input name="symbol" value={o.symbol} onInput={set('symbol')} required maxLength={12} />
        </label>
        <label>
          Side
          <select name="side" value={o.side} onChange={set('side')}>
            <option value="buy">Buy</option>
            <option value="sell">Sell</option>
          </select>
        </label>
        <label>
          Quantity
          <input name="quantity" inputMode="decimal" value={o.quantity} onInput={set('quantity')} required />
        </label>
        <label>
          Type
          <select name="type" value={o.type} onChange={set('type')}>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        {o.type.includes('limit') && (
          <label>
            Limit price
            <input
              name="limitPrice"
              inputMode="decimal"
              value={o.limitPrice}
              onInput={set('limitPrice')}
              required
            />
          </label>
        )}
        {o.type.startsWith('stop') && (
          <label>
            Stop price
            <input
              name="stopPrice"
              inputMode="decimal"
              value={o.stopPrice}
              onInput={set('stopPrice')}
              required
            />
          </label>
        )}
        <label>
          Time in force
          <select name="timeInForce" value={o.timeInForce} onChange={set('timeInForce')}>
            <option value="day">Day</option>
            <option value="gtc">Good till cancelled</option>
            <option value="ioc">Immediate or cancel</option>
          </select>
        </label>
        <button type="submit">Preview</button>
      </form>
      {preview && (
        <section class="card" aria-labelledby="preview-h" data-testid="preview">
          <h2 id="preview-h">Risk preview</h2>
          <PreviewView p={preview} />
          <button type="button" class="primary" onClick={send}>
            Send order
          </button>
        </section>
      )}
      {placed && (
        <p role="status" class="ok" data-testid="placed">
          {placed}
        </p>
      )}
      <ErrorText error={error} />
      <Orders id={account.id} />
    </div>
  );
}

function PreviewView({ p }: { p: Preview }) {
  return (
    <>
      <p class={p.accepted ? 'pos' : 'neg'}>
        Decision: <strong>{p.accepted ? 'accepted by every risk check' : 'refused'}</strong>
        {p.reducing ? ' — this order reduces risk' : ''}
      </p>
      {p.denial && (
        <div>
          <p>
            <strong>{p.denial.code}</strong> ({p.denial.check}): {p.denial.message}
          </p>
          <dl class="pairs">
            {Object.entries(p.denial.values).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      <p class="muted">A large order may ask you to confirm it is you when you send it.</p>
    </>
  );
}

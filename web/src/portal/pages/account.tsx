import { useState } from 'preact/hooks';
import { get, post, put } from '../../shared/api.ts';
import { ErrorText, Show, Unavailable, useLoad } from '../../shared/hooks.tsx';
import { useAccount } from '../account-context.ts';
import { useStepUp } from '../step-up.tsx';

interface Detail {
  tradingState: string;
  accountType: string;
  permissions: Record<string, boolean | number>;
}
interface Limits {
  maxOrderNotional: string;
  maxOpenOrders: number;
  dailyLossLimit: string;
  maxOrdersPerSecond: number;
}

const PRODUCTS: readonly { id: string; words: string; levels?: boolean }[] = [
  { id: 'stocks', words: 'Stocks and ETFs' },
  { id: 'options', words: 'Options', levels: true },
  { id: 'futures', words: 'Futures' },
  { id: 'forex', words: 'Forex' },
  { id: 'forecast', words: 'Forecast contracts' },
  { id: 'margin', words: 'Margin' },
];

/**
 * Trading state (unfreeze after a halt: step-up and cool-down), permissions
 * (request a new one: fresh AAL2), and limits (tightening applies at once,
 * loosening asks for a step-up).
 */
export function AccountPage() {
  const account = useAccount();
  if (!account) return <Unavailable what="Accounts" />;
  return <AccountFor id={account.id} />;
}

function AccountFor({ id }: { id: string }) {
  const stepUp = useStepUp();
  const detail = useLoad(() => get<Detail>(`/accounts/${id}`), [id]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const done = (message: string) => () => {
    setNote(message);
    setError(null);
    detail.reload();
  };
  const unfreeze = () =>
    stepUp(() => post(`/accounts/${id}/unfreeze`, {}), 'unfreeze').then(done('Trading resumed.'), setError);
  return (
    <div class="stack">
      <section class="card" aria-labelledby="state-h">
        <h2 id="state-h">Trading state and permissions</h2>
        <Show loaded={detail} what="Account details">
          {(a) => (
            <>
              <p>
                Trading state: <strong data-testid="trading-state">{a.tradingState}</strong>{' '}
                {a.tradingState !== 'ACTIVE' && (
                  <button type="button" onClick={unfreeze}>
                    Resume trading
                  </button>
                )}
              </p>
              <dl class="pairs">
                {Object.entries(a.permissions).map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{typeof v === 'number' ? `level ${v}` : v ? 'yes' : 'no'}</dd>
                  </div>
                ))}
              </dl>
              <RequestPermission id={id} onDone={done} onError={setError} />
            </>
          )}
        </Show>
      </section>
      <LimitsCard id={id} onDone={done} onError={setError} />
      <p role="status">{note}</p>
      <ErrorText error={error} />
    </div>
  );
}

type Done = (message: string) => () => void;

function RequestPermission({ id, onDone, onError }: { id: string; onDone: Done; onError(e: unknown): void }) {
  const stepUp = useStepUp();
  const [product, setProduct] = useState('options');
  const [level, setLevel] = useState('1');
  const levels = PRODUCTS.find((p) => p.id === product)?.levels === true;
  const submit = (e: Event) => {
    e.preventDefault();
    const body = { product, ...(levels ? { level: Number(level) } : {}) };
    stepUp(() => post(`/accounts/${id}/permissions`, body), 'request_permission').then(
      onDone('Request recorded; it is reviewed before the permission is granted.'),
      onError,
    );
  };
  return (
    <form onSubmit={submit} class="grid" aria-label="Request a permission">
      <label>
        Product
        <select value={product} onChange={(e) => setProduct(e.currentTarget.value)}>
          {PRODUCTS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.words}
            </option>
          ))}
        </select>
      </label>
      {levels && (
        <label>
          Options level
          <select value={level} onChange={(e) => setLevel(e.currentTarget.value)}>
            {[1, 2, 3, 4].map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit">Request permission</button>
    </form>
  );
}

function LimitsCard({ id, onDone, onError }: { id: string; onDone: Done; onError(e: unknown): void }) {
  const stepUp = useStepUp();
  const limits = useLoad(() => get<Limits>(`/accounts/${id}/limits`), [id]);
  const [edit, setEdit] = useState<Partial<Record<keyof Limits, string>>>({});
  const field = (key: keyof Limits, label: string, numeric: 'decimal' | 'numeric') => (
    <label>
      {label}
      <input
        inputMode={numeric}
        value={edit[key] ?? String(limits.data?.[key] ?? '')}
        onInput={(e) => setEdit({ ...edit, [key]: e.currentTarget.value })}
      />
    </label>
  );
  const save = (e: Event) => {
    e.preventDefault();
    const body = Object.fromEntries(
      Object.entries(edit)
        .filter(([, v]) => v !== undefined && v.trim() !== '')
        .map(([k, v]) => [k, k === 'maxOpenOrders' || k === 'maxOrdersPerSecond' ? Number(v) : v!.trim()]),
    );
    if (Object.keys(body).length === 0) return;
    // Tightening applies at once; loosening is answered with a step-up, which the dialog handles.
    stepUp(() => put(`/accounts/${id}/limits`, body), 'loosen_limits').then(() => {
      setEdit({});
      limits.reload();
      onDone('Limits saved.')();
    }, onError);
  };
  return (
    <section class="card" aria-labelledby="limits-h">
      <h2 id="limits-h">Limits</h2>
      <Show loaded={limits} what="Limits">
        {() => (
          <form onSubmit={save} class="grid" aria-label="Limits">
            {field('maxOrderNotional', 'Largest order value', 'decimal')}
            {field('maxOpenOrders', 'Most open orders', 'numeric')}
            {field('dailyLossLimit', 'Daily loss limit', 'decimal')}
            {field('maxOrdersPerSecond', 'Most orders a second', 'numeric')}
            <button type="submit">Save limits</button>
          </form>
        )}
      </Show>
    </section>
  );
}

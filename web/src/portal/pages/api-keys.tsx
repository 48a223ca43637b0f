import { useState } from 'preact/hooks';
import { del, get, post } from '../../shared/api.ts';
import { ErrorText, Show, useLoad, when } from '../../shared/hooks.tsx';
import { listOf } from '../account-context.ts';
import { useStepUp } from '../step-up.tsx';

interface ApiKey {
  id: string;
  name?: string;
  kind?: string;
  scopes?: string[];
  status?: string;
  expiresAt?: string | null;
  lastUsedAt?: string | null;
}

const SCOPES = [
  'account.read',
  'orders.read',
  'order.place',
  'order.place_reduce_only',
  'order.cancel',
  'position.flatten',
  'account.kill_switch',
  'market_data.read',
];

/** Create (scopes, limits, allowlist, expiry; secret shown once), rotate, revoke. */
export function ApiKeys() {
  const loaded = useLoad(() =>
    get<unknown>('/api-keys').then((a) => listOf<ApiKey>(a, 'apiKeys').concat(listOf<ApiKey>(a, 'keys'))),
  );
  const stepUp = useStepUp();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const shown = (r: { secret?: string; key?: { secret?: string } }) => {
    setSecret(r.secret ?? r.key?.secret ?? null);
    loaded.reload();
  };
  const rotate = (id: string) =>
    stepUp(() => post<{ secret?: string }>(`/api-keys/${id}/rotate`, {}), 'add_api_key').then(
      shown,
      setError,
    );
  const revoke = (id: string) => del(`/api-keys/${id}`).then(loaded.reload, setError);
  return (
    <section class="card" aria-labelledby="keys-h">
      <h2 id="keys-h">API keys</h2>
      <Show loaded={loaded} what="API keys">
        {(keys) => (
          <>
            <ul class="plain">
              {keys.map((k) => (
                <li key={k.id}>
                  <strong>{k.name ?? k.id}</strong> — {(k.scopes ?? []).join(', ')} · {k.status ?? 'active'} ·
                  expires {when(k.expiresAt)}{' '}
                  <button type="button" onClick={() => rotate(k.id)}>
                    Rotate
                  </button>{' '}
                  <button type="button" class="danger" onClick={() => revoke(k.id)}>
                    Revoke
                  </button>
                </li>
              ))}
              {!keys.length && <li>No API keys.</li>}
            </ul>
            <NewKey onCreated={shown} onError={setError} />
          </>
        )}
      </Show>
      {secret && (
        <div class="secret" role="status">
          <p>The secret is shown only now. Store it in your program's secret store:</p>
          <code data-testid="api-secret">{secret}</code>{' '}
          <button type="button" onClick={() => setSecret(null)}>
            I stored it
          </button>
        </div>
      )}
      <ErrorText error={error} />
    </section>
  );
}

function NewKey({
  onCreated,
  onError,
}: {
  onCreated(r: { secret?: string }): void;
  onError(e: unknown): void;
}) {
  const stepUp = useStepUp();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['account.read', 'orders.read']);
  const [maxNotional, setMaxNotional] = useState('');
  const [allowlist, setAllowlist] = useState('');
  const [days, setDays] = useState('90');
  const toggle = (s: string) => setScopes((x) => (x.includes(s) ? x.filter((y) => y !== s) : [...x, s]));
  const create = (e: Event) => {
    e.preventDefault();
    const body = {
      name: name.trim(),
      scopes,
      ...(maxNotional ? { constraints: { maxOrderNotional: maxNotional } } : {}),
      ...(allowlist.trim() ? { ipAllowlist: allowlist.split(/[\s,]+/).filter(Boolean) } : {}),
      expiresAt: new Date(Date.now() + Number(days) * 86_400_000).toISOString(),
    };
    stepUp(() => post<{ secret?: string }>('/api-keys', body), 'add_api_key').then(onCreated, onError);
  };
  return (
    <form onSubmit={create} class="grid">
      <label>
        Name
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={64} />
      </label>
      <fieldset>
        <legend>Scopes</legend>
        {SCOPES.map((s) => (
          <label key={s} class="inline">
            <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} /> {s}
          </label>
        ))}
      </fieldset>
      <label>
        Largest order value (optional)
        <input
          inputMode="decimal"
          value={maxNotional}
          onInput={(e) => setMaxNotional(e.currentTarget.value)}
        />
      </label>
      <label>
        Allowed addresses (CIDR, optional)
        <input
          value={allowlist}
          onInput={(e) => setAllowlist(e.currentTarget.value)}
          placeholder="203.0.113.0/24"
        />
      </label>
      <label>
        Expires in (days)
        <input type="number" min={1} max={365} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary">
        Create key
      </button>
    </form>
  );
}

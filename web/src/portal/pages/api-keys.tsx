import { useState } from 'preact/hooks';
import { del, get, post } from '../../shared/api.ts';
import { ErrorText, Show, useLoad, when } from '../../shared/hooks.tsx';
import { type Account, accountsOf, listOf } from '../account-context.ts';
import { useStepUp } from '../step-up.tsx';

interface ApiKey {
  id: string;
  name: string;
  kind: 'hmac' | 'ed25519';
  scopes: string[];
  status: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  useCount: number;
  deniedCount: number;
}

/** The scopes of docs/credentials.md, in the words of the consent screen. */
const SCOPES: readonly { id: string; title: string }[] = [
  { id: 'account:read', title: 'See accounts and positions' },
  { id: 'orders:read', title: 'See orders' },
  { id: 'trade', title: 'Trade' },
  { id: 'trade:reduce-only', title: 'Reduce risk only' },
  { id: 'kill', title: 'Kill switch' },
  { id: 'market-data', title: 'Market data' },
];

/** Create (scopes, accounts, limits, allowlist, expiry; secret shown once), rotate, revoke. */
export function ApiKeys() {
  const loaded = useLoad(() => get<unknown>('/api-keys').then((a) => listOf<ApiKey>(a, 'keys')));
  const stepUp = useStepUp();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const shown = (r: { secret?: string }) => {
    setSecret(r.secret ?? null);
    setError(null);
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
            <ul class="plain" data-testid="api-keys">
              {keys.map((k) => (
                <li key={k.id}>
                  <strong>{k.name}</strong> ({k.kind}) — {k.scopes.join(', ')} · {k.status} · expires{' '}
                  {when(k.expiresAt)} · last used {when(k.lastUsedAt)}
                  {k.lastUsedIp ? ` from ${k.lastUsedIp}` : ''} · {k.useCount} requests, {k.deniedCount}{' '}
                  refused{' '}
                  {k.status === 'active' && k.kind === 'hmac' && (
                    <button type="button" onClick={() => rotate(k.id)} aria-label={`Rotate ${k.name}`}>
                      Rotate
                    </button>
                  )}{' '}
                  {k.status !== 'revoked' && (
                    <button
                      type="button"
                      class="danger"
                      onClick={() => revoke(k.id)}
                      aria-label={`Revoke ${k.name}`}
                    >
                      Revoke
                    </button>
                  )}
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

const list = (text: string) => text.split(/[\s,]+/).filter(Boolean);

function NewKey({
  onCreated,
  onError,
}: {
  onCreated(r: { secret?: string }): void;
  onError(e: unknown): void;
}) {
  const stepUp = useStepUp();
  const accounts = useLoad(() => get<unknown>('/accounts').then(accountsOf), []);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'hmac' | 'ed25519'>('hmac');
  const [publicKey, setPublicKey] = useState('');
  const [scopes, setScopes] = useState<string[]>(['account:read', 'orders:read']);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [environment, setEnvironment] = useState<'paper' | 'live'>('paper');
  const [limits, setLimits] = useState({ order: '', daily: '', open: '', symbols: '' });
  const [allowlist, setAllowlist] = useState('');
  const [days, setDays] = useState('90');
  const all = accounts.data ?? [];
  const covered = chosen ?? all.slice(0, 1).map((a) => a.id);
  const toggle = (xs: string[], x: string) => (xs.includes(x) ? xs.filter((y) => y !== x) : [...xs, x]);
  const create = (e: Event) => {
    e.preventDefault();
    const constraints = {
      accounts: covered,
      environment,
      ...(limits.order ? { maxOrderNotional: limits.order.trim() } : {}),
      ...(limits.daily ? { maxDailyNotional: limits.daily.trim() } : {}),
      ...(limits.open ? { maxOpenOrders: Number(limits.open) } : {}),
      ...(list(limits.symbols).length ? { symbols: list(limits.symbols.toUpperCase()) } : {}),
      ...(list(allowlist).length ? { ipAllowlist: list(allowlist) } : {}),
    };
    const body = {
      name: name.trim(),
      kind,
      scopes,
      constraints,
      expiresAt: new Date(Date.now() + Number(days) * 86_400_000).toISOString(),
      ...(kind === 'ed25519' ? { publicKey: publicKey.trim() } : {}),
    };
    stepUp(() => post<{ secret?: string }>('/api-keys', body), 'add_api_key').then(onCreated, onError);
  };
  const limit = (key: keyof typeof limits) => ({
    value: limits[key],
    onInput: (e: { currentTarget: HTMLInputElement }) =>
      setLimits({ ...limits, [key]: e.currentTarget.value }),
  });
  return (
    <form onSubmit={create} class="grid" aria-label="New API key">
      <label>
        Name
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={100} />
      </label>
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(e.currentTarget.value as 'hmac' | 'ed25519')}>
          <option value="hmac">HMAC-SHA256 (secret shown once)</option>
          <option value="ed25519">Ed25519 (your public key)</option>
        </select>
      </label>
      {kind === 'ed25519' && (
        <label>
          Public key (SPKI PEM)
          <textarea
            value={publicKey}
            onInput={(e) => setPublicKey(e.currentTarget.value)}
            required
            rows={4}
          />
        </label>
      )}
      <fieldset>
        <legend>Scopes</legend>
        {SCOPES.map((s) => (
          <label key={s.id} class="inline">
            <input
              type="checkbox"
              checked={scopes.includes(s.id)}
              onChange={() => setScopes(toggle(scopes, s.id))}
            />{' '}
            {s.title} ({s.id})
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Accounts</legend>
        {all.map((a: Account) => (
          <label key={a.id} class="inline">
            <input
              type="checkbox"
              checked={covered.includes(a.id)}
              onChange={() => setChosen(toggle(covered, a.id))}
            />{' '}
            {a.name ?? a.id}
          </label>
        ))}
      </fieldset>
      <label>
        Environment
        <select
          value={environment}
          onChange={(e) => setEnvironment(e.currentTarget.value as 'paper' | 'live')}
        >
          <option value="paper">paper</option>
          <option value="live">live</option>
        </select>
      </label>
      <label>
        Largest order value (optional)
        <input inputMode="decimal" {...limit('order')} />
      </label>
      <label>
        Largest value a day (optional)
        <input inputMode="decimal" {...limit('daily')} />
      </label>
      <label>
        Most open orders (optional)
        <input type="number" min={1} max={10000} {...limit('open')} />
      </label>
      <label>
        Symbols (optional, comma-separated)
        <input {...limit('symbols')} placeholder="AAPL, EURUSD" />
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

import { useState } from 'preact/hooks';
import { get, post } from '../../shared/api.ts';
import { ErrorText, NoAccount, Show, useLoad, when } from '../../shared/hooks.tsx';
import { listOf, useAccount } from '../account-context.ts';
import { useStepUp } from '../step-up.tsx';

interface Payee {
  id: string;
  name: string;
  destination: string;
  currency: string;
  holdUntil: string;
  onHold: boolean;
}
interface Limits {
  currency: string;
  factor: string;
  limit: string;
  usedToday: string;
  remainingToday: string;
  available: string;
  approvalAbove: string;
  byFactor: Record<string, string>;
}
/** The factor tiers in words, weakest first (docs/accounts.md). */
const TIERS: Record<string, string> = {
  none: 'a password alone',
  sms: 'a text message code',
  totp: 'an authenticator app',
  push: 'your phone',
  device_key: 'a device key',
  webauthn: 'a security key or passkey',
};
interface Withdrawal {
  id: string;
  amount: string;
  currency: string;
  status: string;
  approvalNumber?: number;
  releaseAt: string;
  createdAt: string;
}

/** Payees with their hold status; withdrawals with limits shown before submitting (step-up on send). */
export function Funds() {
  const account = useAccount();
  if (!account) return <NoAccount />;
  return <FundsFor id={account.id} />;
}

function FundsFor({ id }: { id: string }) {
  const stepUp = useStepUp();
  const payees = useLoad(
    () => get<unknown>(`/accounts/${id}/payees`).then((a) => listOf<Payee>(a, 'payees')),
    [id],
  );
  const withdrawals = useLoad(
    () => get<unknown>(`/accounts/${id}/withdrawals`).then((a) => listOf<Withdrawal>(a, 'withdrawals')),
    [id],
  );
  const limits = useLoad(() => get<Limits>(`/accounts/${id}/withdrawal-limits`), [id]);
  const [payee, setPayee] = useState({ name: '', destination: '' });
  const [note, setNote] = useState('');
  const [w, setW] = useState({ payeeId: '', amount: '' });
  const [error, setError] = useState<unknown>(null);
  const addPayee = (e: Event) => {
    e.preventDefault();
    const body = {
      name: payee.name.trim(),
      destination: payee.destination.replace(/\s+/g, '').toUpperCase(),
    };
    stepUp(() => post(`/accounts/${id}/payees`, body), 'add_payee').then(payees.reload, setError);
  };
  const withdraw = (e: Event) => {
    e.preventDefault();
    stepUp(
      () => post<Withdrawal>(`/accounts/${id}/withdrawals`, { payeeId: w.payeeId, amount: w.amount.trim() }),
      'withdraw',
    ).then((r) => {
      setNote(
        r.approvalNumber
          ? `Approve it on your phone: pick ${r.approvalNumber}. Funds leave after ${when(r.releaseAt)}.`
          : `Withdrawal ${r.status}; funds leave after ${when(r.releaseAt)}.`,
      );
      withdrawals.reload();
      limits.reload();
    }, setError);
  };
  return (
    <div class="stack">
      <section class="card" aria-labelledby="payees-h">
        <h2 id="payees-h">Payees</h2>
        <Show loaded={payees} what="Payees">
          {(list) => (
            <ul class="plain">
              {list.map((p) => (
                <li key={p.id}>
                  {p.name} — {p.destination} ({p.currency}) ·{' '}
                  {p.onHold ? `on hold until ${when(p.holdUntil)}` : 'ready for withdrawals'}
                </li>
              ))}
              {!list.length && <li>No payees yet.</li>}
            </ul>
          )}
        </Show>
        <form onSubmit={addPayee} class="grid">
          <label>
            Name
            <input
              value={payee.name}
              onInput={(e) => setPayee({ ...payee, name: e.currentTarget.value })}
              required
            />
          </label>
          <label>
            IBAN or account number
            <input
              value={payee.destination}
              onInput={(e) => setPayee({ ...payee, destination: e.currentTarget.value })}
              required
            />
          </label>
          <button type="submit">Add payee</button>
        </form>
      </section>
      <section class="card" aria-labelledby="wd-h">
        <h2 id="wd-h">Withdraw</h2>
        <Show loaded={limits} what="Withdrawal limits">
          {(l) => <LimitsText l={l} />}
        </Show>
        <form onSubmit={withdraw} class="grid">
          <label>
            To payee
            <select
              value={w.payeeId}
              onChange={(e) => setW({ ...w, payeeId: e.currentTarget.value })}
              required
            >
              <option value="">Choose…</option>
              {(payees.data ?? []).map((p) => (
                <option key={p.id} value={p.id} disabled={p.onHold}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Amount ({limits.data?.currency ?? 'USD'})
            <input
              inputMode="decimal"
              value={w.amount}
              onInput={(e) => setW({ ...w, amount: e.currentTarget.value })}
              required
            />
          </label>
          <button type="submit" class="primary">
            Withdraw
          </button>
        </form>
        <Show loaded={withdrawals} what="Withdrawals">
          {(list) => (
            <ul class="plain">
              {list.map((x) => (
                <li key={x.id}>
                  {x.amount} {x.currency} — {x.status} · releases {when(x.releaseAt)}
                </li>
              ))}
            </ul>
          )}
        </Show>
      </section>
      <p role="status">{note}</p>
      <ErrorText error={error} />
    </div>
  );
}

/** Today's limit for this sign-in, stated before the customer submits. */
function LimitsText({ l }: { l: Limits }) {
  const strongest = Object.entries(l.byFactor).at(-1);
  return (
    <p class="muted" data-testid="withdrawal-limits">
      Signed in with {TIERS[l.factor] ?? l.factor}, you can withdraw up to {l.limit} {l.currency} a day:{' '}
      {l.usedToday} used today, <strong>{l.remainingToday}</strong> left. Free cash: {l.available}{' '}
      {l.currency}. From {l.approvalAbove} {l.currency} your phone must approve
      {strongest && strongest[0] !== l.factor
        ? `; signing in with ${TIERS[strongest[0]] ?? strongest[0]} raises the daily limit to ${strongest[1]} ${l.currency}`
        : ''}
      . Every withdrawal waits out a delay before it leaves.
    </p>
  );
}

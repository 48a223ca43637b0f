import { useEffect, useState } from 'preact/hooks';
import { type Account, accountsOf, listOf } from '../portal/account-context.ts';
import { followStream, get, post } from '../shared/api.ts';
import { Confirm } from '../shared/confirm.tsx';
import { ErrorText, Show, useLoad, when } from '../shared/hooks.tsx';
import type { DeviceRecord } from './device.ts';
import { decide, type PendingPush, pendingPushes } from './session.ts';

type Tab = 'approve' | 'quick' | 'alerts' | 'history';
interface Decided {
  challengeId: string;
  words: string;
  outcome: string;
  at: string;
}

export function Home({
  device,
  userVerified,
  onLock,
}: {
  device: DeviceRecord;
  userVerified: boolean;
  onLock(): void;
}) {
  const [tab, setTab] = useState<Tab>('approve');
  const [history, setHistory] = useState<Decided[]>([]);
  const tabs: [Tab, string][] = [
    ['approve', 'Approvals'],
    ['quick', 'Quick actions'],
    ['alerts', 'Alerts'],
    ['history', 'History'],
  ];
  return (
    <>
      <nav class="tabs" aria-label="Sections">
        {tabs.map(([t, label]) => (
          <button key={t} type="button" aria-pressed={tab === t} onClick={() => setTab(t)}>
            {label}
          </button>
        ))}
        <button type="button" onClick={onLock}>
          Lock
        </button>
      </nav>
      {tab === 'approve' && (
        <Approvals
          device={device}
          userVerified={userVerified}
          onDecided={(d) => setHistory((h) => [d, ...h])}
        />
      )}
      {tab === 'quick' && <QuickActions />}
      {tab === 'alerts' && <Alerts />}
      {tab === 'history' && (
        <section class="card">
          <h2>Decisions on this phone</h2>
          <ul class="plain">
            {history.map((h) => (
              <li key={h.challengeId}>
                {when(h.at)} — {h.words}: <strong>{h.outcome}</strong>
              </li>
            ))}
            {!history.length && <li>No decisions yet.</li>}
          </ul>
        </section>
      )}
    </>
  );
}

function wordsOf(p: PendingPush): string {
  const c = p.context ?? {};
  const from = [c.interface, c.ip, c.location, c.browser].filter(Boolean).join(', ');
  return from ? `${p.words} — ${from}` : p.words;
}

/** Pending pushes: the context in words, three numbers, approve by picking the one on screen, or deny. */
function Approvals({
  device,
  userVerified,
  onDecided,
}: {
  device: DeviceRecord;
  userVerified: boolean;
  onDecided(d: Decided): void;
}) {
  const [pending, setPending] = useState<PendingPush[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  useEffect(() => follow(setPending, setError), []);
  const answer = async (p: PendingPush, decision: 'approve' | 'deny', num: number) => {
    setError(null);
    try {
      await decide(device, p, decision, num, userVerified);
      setNote(decision === 'approve' ? 'Approved.' : 'Denied.');
      onDecided({
        challengeId: p.challengeId,
        words: wordsOf(p),
        outcome: decision === 'approve' ? `approved (${num})` : 'denied',
        at: new Date().toISOString(),
      });
    } catch (err) {
      setError(err);
      onDecided({
        challengeId: p.challengeId,
        words: wordsOf(p),
        outcome: 'refused',
        at: new Date().toISOString(),
      });
    }
    setPending((x) => x.filter((y) => y.challengeId !== p.challengeId));
  };
  return (
    <section class="card" aria-live="polite">
      <h2>Approvals</h2>
      {!pending.length && <p>Nothing waiting. Requests appear here.</p>}
      {pending.map((p) => (
        <div key={p.challengeId} class="push" data-testid="push-request">
          <p>
            <strong>{wordsOf(p)}</strong>
          </p>
          <p class="muted">Expires {when(p.expiresAt)}. Pick the number shown on the other screen:</p>
          <div class="choices-big">
            {p.choices.map((n) => (
              <button
                key={n}
                type="button"
                onClick={() => answer(p, 'approve', n)}
                aria-label={`Approve with number ${n}`}
              >
                {n}
              </button>
            ))}
          </div>
          <button type="button" class="danger" onClick={() => answer(p, 'deny', p.choices[0] ?? 10)}>
            Deny — this was not me
          </button>
        </div>
      ))}
      <p role="status">{note}</p>
      <ErrorText error={error} />
    </section>
  );
}

/** Risk-reducing actions: never a step-up. */
function QuickActions() {
  const accounts = useLoad(() => get<unknown>('/accounts').then(accountsOf));
  return (
    <Show loaded={accounts} what="Accounts">
      {(list) => (
        <>
          {list.map((a) => (
            <AccountQuick key={a.id} a={a} />
          ))}
          {!list.length && <p>No accounts.</p>}
        </>
      )}
    </Show>
  );
}

interface Pos {
  symbol: string;
  quantity: string;
  unrealisedPnl?: string;
}

function AccountQuick({ a }: { a: Account }) {
  const positions = useLoad(
    () => get<unknown>(`/accounts/${a.id}/positions`).then((x) => listOf<Pos>(x, 'positions')),
    [a.id],
    3000,
  );
  const [ask, setAsk] = useState<null | { title: string; text: string; run(): Promise<unknown> }>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const act = (title: string, text: string, path: string, body: unknown, done: string) =>
    setAsk({ title, text, run: () => post(path, body).then(() => setNote(done)) });
  return (
    <section class="card quick" aria-label={`Account ${a.name ?? a.id}`}>
      <h2>{a.name ?? a.number ?? a.id}</h2>
      <Show loaded={positions} what="Positions">
        {(ps) => (
          <ul class="plain">
            {ps.map((p) => (
              <li key={p.symbol}>
                {p.symbol} {p.quantity}{' '}
                <span class={p.unrealisedPnl?.startsWith('-') ? 'neg' : 'pos'}>{p.unrealisedPnl}</span>{' '}
                <button
                  type="button"
                  onClick={() =>
                    act(
                      `Flatten ${p.symbol}`,
                      `Close the whole ${p.symbol} position?`,
                      `/accounts/${a.id}/flatten`,
                      { symbol: p.symbol },
                      `Flattening ${p.symbol}.`,
                    )
                  }
                >
                  Flatten
                </button>
              </li>
            ))}
            {!ps.length && <li>No positions.</li>}
          </ul>
        )}
      </Show>
      <button
        type="button"
        onClick={() =>
          act(
            'Cancel all orders',
            'Cancel every open order on this account?',
            `/accounts/${a.id}/orders/cancel-all`,
            {},
            'All open orders cancelled.',
          )
        }
      >
        Cancel all orders
      </button>
      <button
        type="button"
        class="warn"
        onClick={() =>
          act(
            'Flatten all',
            'Close every position on this account?',
            `/accounts/${a.id}/flatten`,
            {},
            'Flattening every position.',
          )
        }
      >
        Flatten all
      </button>
      <button
        type="button"
        class="danger"
        onClick={() =>
          act(
            'Freeze account',
            'Kill switch: halt trading, cancel all orders, suspend API keys?',
            `/accounts/${a.id}/kill-switch`,
            {},
            'Account frozen.',
          )
        }
      >
        Freeze account (kill switch)
      </button>
      <p role="status">{note}</p>
      <ErrorText error={error} />
      <Confirm
        title={ask?.title ?? ''}
        open={ask !== null}
        text={ask?.text ?? ''}
        action="Yes, do it"
        onConfirm={() => {
          const a2 = ask;
          setAsk(null);
          a2?.run().catch(setError);
        }}
        onClose={() => setAsk(null)}
      />
    </section>
  );
}

interface Alert {
  id: string;
  kind: string;
  title: string;
  body: string;
  createdAt?: string;
  at?: string;
}

function Alerts() {
  const alerts = useLoad(() => get<unknown>('/alerts').then((x) => listOf<Alert>(x, 'alerts')), [], 5000);
  return (
    <section class="card">
      <h2>Alerts</h2>
      <Show loaded={alerts} what="Alerts">
        {(list) => (
          <ul class="plain">
            {list.map((x) => (
              <li key={x.id}>
                <strong>{x.title}</strong> — {x.body} <span class="muted">{when(x.createdAt ?? x.at)}</span>
              </li>
            ))}
            {!list.length && <li>No alerts.</li>}
          </ul>
        )}
      </Show>
    </section>
  );
}

/**
 * Requests arrive as server-sent events (`push`, `push_decided`) on one open
 * stream, renewed every 20 s: each renewal starts with the stored pending
 * requests, so a request sent by another node without the shared events
 * channel still shows within 20 s (a challenge lives 60 s). When the stream
 * cannot be held the app falls back to asking every 1.5 s, and tries the
 * stream again after a while. Returns the cleanup.
 */
function follow(
  setPending: (f: (p: PendingPush[]) => PendingPush[]) => void,
  setError: (e: unknown) => void,
): () => void {
  const abort = new AbortController();
  let poller: ReturnType<typeof setInterval> | undefined;
  const poll = () => pendingPushes().then((p) => setPending(() => p), setError);
  const onEvent = (type: string, data: unknown) => {
    const p = data as PendingPush;
    const live = (y: PendingPush) => y.challengeId !== p.challengeId && Date.parse(y.expiresAt) > Date.now();
    if (type === 'push') setPending((x) => [...x.filter(live), p]);
    else if (type === 'push_decided') setPending((x) => x.filter((y) => y.challengeId !== p.challengeId));
  };
  const stream = async () => {
    while (!abort.signal.aborted) {
      try {
        await followStream('/push/stream?maxSeconds=20', onEvent, abort.signal);
      } catch {
        if (abort.signal.aborted) return;
        poller ??= setInterval(poll, 1500);
        poll();
        await new Promise((r) => setTimeout(r, 30_000));
        clearInterval(poller);
        poller = undefined;
      }
    }
  };
  void stream();
  return () => {
    abort.abort();
    clearInterval(poller);
  };
}

import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, setCsrf } from '../shared/api.ts';
import { useLoad } from '../shared/hooks.tsx';
import { type Account, AccountContext, accountsOf } from './account-context.ts';
import { AccountPage } from './pages/account.tsx';
import { Dashboard } from './pages/dashboard.tsx';
import { Funds } from './pages/funds.tsx';
import { Security } from './pages/security.tsx';
import { Trade } from './pages/trade.tsx';
import { RiskBar } from './risk-bar.tsx';
import { SignIn } from './sign-in.tsx';
import { StepUpProvider } from './step-up.tsx';

export interface Me {
  user: { id: string; loginName: string; displayName: string; email: string | null };
  session: { id: string; aal: number; csrfToken?: string; factors: { method: string; at: string }[] };
}

import type { JSX } from 'preact';

const PAGES: { path: string; label: string; Page: (p: { me: Me }) => JSX.Element }[] = [
  { path: 'dashboard', label: 'Dashboard', Page: Dashboard },
  { path: 'trade', label: 'Trade', Page: Trade },
  { path: 'funds', label: 'Funds', Page: Funds },
  { path: 'account', label: 'Account', Page: AccountPage },
  { path: 'security', label: 'Security centre', Page: Security },
];

function useHash(): string {
  const read = () => location.hash.replace(/^#\/?/, '').split('/')[0] || 'dashboard';
  const [hash, setHash] = useState(read);
  useEffect(() => {
    const on = () => setHash(read());
    addEventListener('hashchange', on);
    // The hash may have changed between the first render and this subscription (a link followed
    // while the shell was mounting): read it once more so that change is not lost.
    on();
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

/** Signed out → sign-in; signed in → the shell. A 401 anywhere returns to sign-in. */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const refresh = () =>
    get<Me>('/me').then(
      (m) => {
        setCsrf(m.session.csrfToken);
        setMe(m);
      },
      () => {
        setCsrf(null);
        setMe(null);
      },
    );
  useEffect(() => {
    refresh();
    const signedOut = (e: PromiseRejectionEvent) => {
      if (e.reason instanceof ApiError && e.reason.status === 401) refresh();
    };
    addEventListener('unhandledrejection', signedOut);
    // Another tab or device may end this session: check again when the page is looked at.
    const onVisible = () => document.visibilityState === 'visible' && refresh();
    document.addEventListener('visibilitychange', onVisible);
    const timer = setInterval(refresh, 15_000);
    return () => {
      removeEventListener('unhandledrejection', signedOut);
      document.removeEventListener('visibilitychange', onVisible);
      clearInterval(timer);
    };
  }, []);
  if (me === undefined) return <p aria-busy="true">Loading…</p>;
  if (me === null) return <SignIn onSignedIn={refresh} />;
  return (
    <StepUpProvider>
      <Shell
        me={me}
        onSignedOut={() => {
          setCsrf(null);
          setMe(null);
        }}
      />
    </StepUpProvider>
  );
}

function Shell({ me, onSignedOut }: { me: Me; onSignedOut(): void }) {
  const page = useHash();
  const accounts = useLoad(() => get<unknown>('/accounts').then(accountsOf), []);
  const [account, setAccount] = useState<Account | null>(null);
  useEffect(() => {
    if (!account && accounts.data?.[0]) setAccount(accounts.data[0]);
  }, [accounts.data, account]);
  const current = PAGES.find((p) => p.path === page) ?? PAGES[0]!;
  const logout = () => post('/logout').finally(onSignedOut);
  return (
    <AccountContext.Provider value={account}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Portcullis</span>
        <nav aria-label="Main">
          {PAGES.map((p) => (
            <a key={p.path} href={`#/${p.path}`} aria-current={p === current ? 'page' : undefined}>
              {p.label}
            </a>
          ))}
        </nav>
        {(accounts.data?.length ?? 0) > 1 && (
          <label class="inline">
            Account{' '}
            <select
              value={account?.id}
              onChange={(e) => setAccount(accounts.data?.find((a) => a.id === e.currentTarget.value) ?? null)}
            >
              {accounts.data?.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name ?? a.number ?? a.id}
                </option>
              ))}
            </select>
          </label>
        )}
        <span class="who" data-testid="who">
          {me.user.displayName || me.user.loginName}
        </span>
        <button type="button" onClick={logout}>
          Sign out
        </button>
      </header>
      <RiskBar />
      <main id="main" tabIndex={-1}>
        <h1>{current.label}</h1>
        <current.Page me={me} />
      </main>
    </AccountContext.Provider>
  );
}

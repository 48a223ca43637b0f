import { useState } from 'preact/hooks';
import { del, get, post } from '../../shared/api.ts';
import { Confirm } from '../../shared/confirm.tsx';
import { ErrorText, Show, useLoad, when } from '../../shared/hooks.tsx';
import { listOf } from '../account-context.ts';
import type { Me } from '../app.tsx';
import { ApiKeys } from './api-keys.tsx';
import { Factors } from './factors.tsx';

interface SessionItem {
  id: string;
  interface: string;
  current?: boolean;
  createdAt?: string;
  lastSeenAt?: string;
  ip?: string | null;
  userAgent?: string | null;
  aal?: number;
}

/** Factors, devices, sessions, API keys, connected apps, activity. */
export function Security({ me }: { me: Me }) {
  return (
    <div class="stack">
      <Factors />
      <Devices />
      <Sessions me={me} />
      <ApiKeys />
      <ConnectedApps />
      <Activity />
    </div>
  );
}

function Sessions({ me }: { me: Me }) {
  const loaded = useLoad(() => get<unknown>('/sessions').then((a) => listOf<SessionItem>(a, 'sessions')));
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const end = (id: string) => del(`/sessions/${id}`).then(loaded.reload, setError);
  const everywhere = () =>
    post('/sessions/revoke-all', { keepCurrent: false }).then(() => location.reload(), setError);
  return (
    <section class="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Sessions</h2>
      <Show loaded={loaded} what="Sessions">
        {(sessions) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Way in</th>
                <th scope="col">Started</th>
                <th scope="col">Where</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id} data-testid="session-row">
                  <td>
                    {s.interface}
                    {(s.current || s.id === me.session.id) && <strong> (this one)</strong>}
                  </td>
                  <td>{when(s.createdAt)}</td>
                  <td>{[s.ip, s.userAgent?.slice(0, 40)].filter(Boolean).join(' · ')}</td>
                  <td>
                    <button type="button" onClick={() => end(s.id)} aria-label={`End ${s.interface} session`}>
                      End
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
      <button type="button" class="danger" onClick={() => setConfirm(true)}>
        Log out everywhere
      </button>
      <ErrorText error={error} />
      <Confirm
        title="Log out everywhere"
        open={confirm}
        text="End every session of yours — portal, phone, desktop — including this one?"
        action="Log out everywhere"
        onConfirm={everywhere}
        onClose={() => setConfirm(false)}
      />
    </section>
  );
}

interface Device {
  id: string;
  name?: string;
  kind?: string;
  interface?: string;
  createdAt?: string;
  lastSeenAt?: string;
}

function Devices() {
  const loaded = useLoad(() => get<unknown>('/devices').then((a) => listOf<Device>(a, 'devices')));
  const [error, setError] = useState<unknown>(null);
  return (
    <section class="card" aria-labelledby="devices-h">
      <h2 id="devices-h">Devices</h2>
      <Show loaded={loaded} what="Device management">
        {(devices) =>
          devices.length ? (
            <ul class="plain">
              {devices.map((d) => (
                <li key={d.id}>
                  {d.name ?? d.kind ?? d.id} — {d.kind ?? d.interface} · since {when(d.createdAt)}{' '}
                  <button type="button" onClick={() => del(`/devices/${d.id}`).then(loaded.reload, setError)}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p>No devices enrolled.</p>
          )
        }
      </Show>
      <ErrorText error={error} />
    </section>
  );
}

interface Grant {
  id: string;
  clientName?: string;
  clientId?: string;
  scopes?: string[];
  createdAt?: string;
}

function ConnectedApps() {
  const loaded = useLoad(() => get<unknown>('/oauth-grants').then((a) => listOf<Grant>(a, 'grants')));
  const [error, setError] = useState<unknown>(null);
  return (
    <section class="card" aria-labelledby="apps-h">
      <h2 id="apps-h">Connected apps</h2>
      <Show loaded={loaded} what="Connected apps">
        {(grants) =>
          grants.length ? (
            <ul class="plain">
              {grants.map((g) => (
                <li key={g.id}>
                  {g.clientName ?? g.clientId} — {(g.scopes ?? []).join(', ')}{' '}
                  <button
                    type="button"
                    onClick={() => del(`/oauth-grants/${g.id}`).then(loaded.reload, setError)}
                  >
                    Disconnect
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p>No third-party app has access.</p>
          )
        }
      </Show>
      <ErrorText error={error} />
    </section>
  );
}

interface AuditEvent {
  id: string;
  at: string;
  name: string;
  outcome: string;
  reason: string | null;
  interface: string | null;
  ip: string | null;
}

function Activity() {
  const loaded = useLoad(() => get<{ events: AuditEvent[] }>('/audit/events?limit=25'));
  return (
    <section class="card" aria-labelledby="activity-h">
      <h2 id="activity-h">Activity</h2>
      <Show loaded={loaded} what="Activity">
        {({ events }) => (
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Outcome</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.at)}</td>
                  <td>{e.name}</td>
                  <td class={['failure', 'deny'].includes(e.outcome) ? 'neg' : ''}>
                    {e.outcome}
                    {e.reason ? ` (${e.reason})` : ''}
                  </td>
                  <td>{[e.interface, e.ip].filter(Boolean).join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
    </section>
  );
}

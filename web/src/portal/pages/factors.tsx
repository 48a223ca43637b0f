import { startRegistration } from '@simplewebauthn/browser';
import { useState } from 'preact/hooks';
import { del, get, post } from '../../shared/api.ts';
import { ErrorText, Show, useLoad, when } from '../../shared/hooks.tsx';
import { listOf } from '../account-context.ts';
import { useStepUp } from '../step-up.tsx';

interface Factor {
  id: string;
  method: string;
  label?: string;
  name?: string;
  status?: string;
  createdAt?: string;
  lastUsedAt?: string | null;
}
interface Enrollment {
  id: string;
  qr?: { pngDataUrl?: string };
  uri?: string;
  secret?: string;
  code?: string;
  options?: Record<string, unknown>;
  publicKey?: Record<string, unknown>;
  expiresAt?: string;
}

const qrOf = (e: Enrollment) => e.qr?.pngDataUrl;
/** What a person types on the phone when the camera cannot scan: the enrolment id and its code. */
const typedCode = (e: Enrollment) => `${e.id}.${e.code}`;

/** The user's factors and the enrolment of new ones (each a step-up protected change). */
export function Factors() {
  const loaded = useLoad(() => get<unknown>('/factors').then((a) => listOf<Factor>(a, 'factors')));
  const stepUp = useStepUp();
  const [enrolling, setEnrolling] = useState<{ kind: string; e: Enrollment } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const begin = (kind: string) =>
    stepUp(
      () => post<Enrollment>(`/factors/${kind}/enrollments`, {}),
      kind === 'mobile' ? 'add_device' : 'add_factor',
    ).then(async (e) => {
      if (kind === 'webauthn') return registerKey(e);
      setEnrolling({ kind, e });
    }, setError);
  const registerKey = async (e: Enrollment) => {
    try {
      const optionsJSON = (e.options ?? e.publicKey) as unknown as Parameters<
        typeof startRegistration
      >[0]['optionsJSON'];
      const response = await startRegistration({ optionsJSON });
      const done = await post<{ recoveryCodes?: string[] }>(`/factors/webauthn/enrollments/${e.id}/confirm`, {
        response,
      });
      if (done.recoveryCodes) setCodes(done.recoveryCodes);
      loaded.reload();
    } catch (err) {
      setError(err);
    }
  };
  const regenerate = () =>
    stepUp(() => post<{ codes: string[] }>('/factors/recovery-codes', {}), 'add_factor').then(
      (r) => setCodes(r.codes),
      setError,
    );
  return (
    <section class="card" aria-labelledby="factors-h">
      <h2 id="factors-h">Sign-in factors</h2>
      <Show loaded={loaded} what="Factor management">
        {(factors) => (
          <>
            <ul class="plain" data-testid="factors">
              {factors.map((f) => (
                <li key={f.id}>
                  <strong>{f.label ?? f.name ?? f.method}</strong> ({f.method}
                  {f.status && f.status !== 'active' ? `, ${f.status}` : ''}) · added {when(f.createdAt)}{' '}
                  <button
                    type="button"
                    onClick={() =>
                      stepUp(() => del(`/factors/${f.id}`), 'add_factor').then(loaded.reload, setError)
                    }
                  >
                    Remove
                  </button>
                </li>
              ))}
              {!factors.length && <li>Only your password protects this account. Add a factor.</li>}
            </ul>
            <div class="row">
              <button type="button" onClick={() => begin('totp')}>
                Add authenticator app
              </button>
              <button type="button" onClick={() => begin('webauthn')}>
                Add security key or passkey
              </button>
              <button type="button" onClick={() => begin('mobile')}>
                Add mobile app
              </button>
              <button type="button" onClick={regenerate}>
                New recovery codes
              </button>
            </div>
          </>
        )}
      </Show>
      {enrolling?.kind === 'totp' && (
        <TotpEnrolment
          e={enrolling.e}
          onDone={(c) => {
            setEnrolling(null);
            if (c) setCodes(c);
            loaded.reload();
          }}
        />
      )}
      {enrolling?.kind === 'mobile' && (
        <MobileEnrolment
          e={enrolling.e}
          onDone={() => {
            setEnrolling(null);
            loaded.reload();
          }}
        />
      )}
      {codes && (
        <div class="secret" role="status">
          <p>Your new recovery codes. Each works once; they are shown only now:</p>
          <ol class="codes" data-testid="recovery-codes">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ol>
          <button type="button" onClick={() => setCodes(null)}>
            I saved them
          </button>
        </div>
      )}
      <ErrorText error={error} />
    </section>
  );
}

function TotpEnrolment({ e, onDone }: { e: Enrollment; onDone(codes?: string[]): void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const qr = qrOf(e);
  const confirm = (ev: Event) => {
    ev.preventDefault();
    post<{ recoveryCodes?: string[] }>(`/factors/totp/enrollments/${e.id}/confirm`, {
      code: code.trim(),
    }).then((r) => onDone(r.recoveryCodes), setError);
  };
  return (
    <form class="enrol" onSubmit={confirm}>
      <h3>Scan with your authenticator app</h3>
      {qr && <img src={qr} alt="QR code for the authenticator app" width={200} height={200} />}
      {e.secret && (
        <p>
          Or type this key: <code data-testid="totp-secret">{e.secret}</code>
        </p>
      )}
      {e.uri && <input type="hidden" data-testid="totp-uri" value={e.uri} />}
      <label>
        Code shown by the app
        <input
          name="code"
          inputMode="numeric"
          value={code}
          onInput={(x) => setCode(x.currentTarget.value)}
          required
        />
      </label>
      <button type="submit" class="primary">
        Confirm
      </button>
      <ErrorText error={error} />
    </form>
  );
}

/** The phone scans this QR (or types the code) in the app at /m; the portal waits for it. */
function MobileEnrolment({ e, onDone }: { e: Enrollment; onDone(): void }) {
  const qr = qrOf(e);
  return (
    <div class="enrol" aria-live="polite">
      <h3>Enrol your phone</h3>
      <p>
        On your phone open <code>{location.origin}/m</code>, choose “Enrol”, and scan this code or type it.
      </p>
      {qr && <img src={qr} alt="QR code for the mobile app" width={200} height={200} />}
      <p>Enrolment code:</p>
      <p class="big-code" data-testid="mobile-code">
        {typedCode(e)}
      </p>
      {e.expiresAt && <p class="muted">Valid until {when(e.expiresAt)}.</p>}
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

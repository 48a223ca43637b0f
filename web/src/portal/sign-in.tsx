import { useEffect, useState } from 'preact/hooks';
import { CredentialFields } from '../shared/credential-fields.tsx';
import { ErrorText } from '../shared/hooks.tsx';
import { codeOf } from '../shared/messages.ts';
import { FactorStep } from './factor-step.tsx';
import { type Completion, type Flow, flowOf, startFlow, submit } from './flow.ts';

/** Password first, then one of the user's factors; each error code in words. */
export function SignIn({ onSignedIn }: { onSignedIn(): void }) {
  const [flow, setFlow] = useState<Flow | null>(null);
  const [error, setError] = useState<unknown>(null);
  const restart = () => {
    setFlow(null);
    startFlow().then(setFlow, setError);
  };
  useEffect(restart, []);
  const advance = (c: Completion) => {
    if (c.flow.state === 'complete') onSignedIn();
    else setFlow(c.flow);
  };
  return (
    <main class="sign-in" id="main">
      <h1>Sign in to Portcullis</h1>
      {!flow && !error && <p aria-busy="true">Preparing…</p>}
      {flow?.state === 'password' && <PasswordForm flow={flow} onDone={advance} onRestart={restart} />}
      {flow && ['second_factor', 'push_pending'].includes(flow.state) && (
        <FactorStep flow={flow} onDone={advance} onRestart={restart} />
      )}
      {flow?.state === 'device_validation' && <DeviceValidation flow={flow} onDone={advance} />}
      {flow && ['failed', 'expired'].includes(flow.state) && (
        <div role="alert">
          <p>This sign-in {flow.state === 'expired' ? 'expired' : 'ended'}.</p>
          <button type="button" onClick={restart}>
            Start again
          </button>
        </div>
      )}
      <ErrorText error={error} />
    </main>
  );
}

function PasswordForm({
  flow,
  onDone,
  onRestart,
}: {
  flow: Flow;
  onDone(c: Completion): void;
  onRestart(): void;
}) {
  const [identifier, setIdentifier] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const go = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await submit.password(flow.id, identifier.trim(), password));
    } catch (err) {
      setError(err);
      setPassword('');
      if (['FLOW_EXPIRED', 'FLOW_FAILED', 'FLOW_NOT_FOUND'].includes(codeOf(err) ?? '')) onRestart();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={go} class="card">
      <CredentialFields
        identifier={identifier}
        setIdentifier={setIdentifier}
        password={password}
        setPassword={setPassword}
      />
      <button type="submit" class="primary" disabled={busy}>
        Continue
      </button>
      <ErrorText error={error} />
    </form>
  );
}

/** A browser not seen before: the server holds the flow until the new device is confirmed elsewhere. */
function DeviceValidation({ flow, onDone }: { flow: Flow; onDone(c: Completion): void }) {
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let alive = true;
    (async () => {
      while (alive) {
        const answer = await submit.wait(flow.id);
        const f = flowOf(answer);
        if (f.state !== 'device_validation') return alive && onDone('flow' in answer ? answer : { flow: f });
      }
    })().catch((e) => alive && setError(e));
    return () => {
      alive = false;
    };
  }, [flow.id, onDone]);
  return (
    <div class="card" aria-live="polite">
      <h2>New device</h2>
      <p>
        This browser has not been used with your account before. Confirm it from your phone or the link we
        sent to your email; this page continues by itself.
      </p>
      <ErrorText error={error} />
    </div>
  );
}

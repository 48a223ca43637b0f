import { startAuthentication } from '@simplewebauthn/browser';
import { useEffect, useState } from 'preact/hooks';
import { ErrorText } from '../shared/hooks.tsx';
import {
  type Completion,
  complete,
  type FactorMethod,
  type Flow,
  flowOf,
  METHOD_LABEL,
  offered,
  type PushStart,
  submit,
} from './flow.ts';

type Done = (c: Completion) => void;

/** Picks and runs one second factor of a flow (sign-in or step-up). */
export function FactorStep({ flow, onDone, onRestart }: { flow: Flow; onDone: Done; onRestart(): void }) {
  const methods = offered(flow);
  const [method, setMethod] = useState<FactorMethod | null>(methods[0] ?? null);
  if (!methods.length)
    return <p role="alert">No second factor is available for this account. Use a recovery code.</p>;
  return (
    <div class="factor-step">
      <fieldset>
        <legend>Confirm it is you</legend>
        <div class="choices">
          {methods.map((m) => (
            <label key={m}>
              <input type="radio" name="method" checked={method === m} onChange={() => setMethod(m)} />{' '}
              {METHOD_LABEL[m]}
            </label>
          ))}
        </div>
      </fieldset>
      {method === 'totp' && (
        <CodeForm
          label="Authenticator code"
          send={(c) => submit.totp(flow.id, c)}
          onDone={onDone}
          onRestart={onRestart}
        />
      )}
      {method === 'recovery_code' && (
        <CodeForm
          label="Recovery code"
          send={(c) => submit.recovery(flow.id, c)}
          onDone={onDone}
          onRestart={onRestart}
          text
        />
      )}
      {method === 'sms' && <Sms flow={flow} onDone={onDone} onRestart={onRestart} />}
      {method === 'webauthn' && <Key flow={flow} onDone={onDone} onRestart={onRestart} />}
      {method === 'push' && <Push flow={flow} onDone={onDone} onRestart={onRestart} />}
    </div>
  );
}

const RESTART = new Set(['FLOW_EXPIRED', 'FLOW_FAILED', 'FLOW_NOT_FOUND', 'FLOW_STATE_INVALID']);

function restartable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && RESTART.has((err as { code?: string }).code ?? '');
}

function Failure({ error, onRestart }: { error: unknown; onRestart(): void }) {
  if (!error) return null;
  return (
    <div>
      <ErrorText error={error} />
      {restartable(error) && (
        <button type="button" onClick={onRestart}>
          Start again
        </button>
      )}
    </div>
  );
}

function CodeForm(props: {
  label: string;
  text?: boolean;
  send(code: string): Promise<Completion>;
  onDone: Done;
  onRestart(): void;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const go = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onDone(await props.send(code.trim()));
    } catch (err) {
      setError(err);
      setCode('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={go}>
      <label>
        {props.label}
        <input
          name="code"
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
          autocomplete="one-time-code"
          inputMode={props.text ? 'text' : 'numeric'}
          required
        />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        Verify
      </button>
      <Failure error={error} onRestart={props.onRestart} />
    </form>
  );
}

function Sms({ flow, onDone, onRestart }: { flow: Flow; onDone: Done; onRestart(): void }) {
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!sent)
    return (
      <div>
        <button type="button" onClick={() => submit.smsSend(flow.id).then(() => setSent(true), setError)}>
          Text me a code
        </button>
        <Failure error={error} onRestart={onRestart} />
      </div>
    );
  return (
    <CodeForm
      label="Code from the text message"
      send={(c) => submit.sms(flow.id, c)}
      onDone={onDone}
      onRestart={onRestart}
    />
  );
}

function Key({ flow, onDone, onRestart }: { flow: Flow; onDone: Done; onRestart(): void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      const options = await submit.webauthnOptions(flow.id);
      const optionsJSON = (options.publicKey ?? options.options ?? options) as Parameters<
        typeof startAuthentication
      >[0]['optionsJSON'];
      const response = await startAuthentication({ optionsJSON });
      onDone(await submit.webauthn(flow.id, response));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <button type="button" class="primary" onClick={go} disabled={busy}>
        Use my security key or passkey
      </button>
      <Failure error={error} onRestart={onRestart} />
    </div>
  );
}

/** Sends a push, shows the number to pick on the phone, and waits by long-polling the flow. */
function Push({ flow, onDone, onRestart }: { flow: Flow; onDone: Done; onRestart(): void }) {
  const [push, setPush] = useState<PushStart | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!push) return;
    let alive = true;
    (async () => {
      while (alive) {
        const answer = await submit.wait(flow.id);
        const f = flowOf(answer);
        if (f.state === 'complete') return alive && onDone(complete('flow' in answer ? answer : { flow: f }));
        if (f.state !== 'push_pending') {
          if (alive) setPush(null);
          if (alive) setError(pushEnded(f));
          return;
        }
      }
    })().catch((err) => {
      if (!alive) return;
      setPush(null);
      setError(err);
    });
    return () => {
      alive = false;
    };
  }, [push, flow.id, onDone]);
  if (push)
    return (
      <div class="push-wait" aria-live="polite">
        <p>We sent a request to your phone. Pick this number there:</p>
        <p class="push-number" data-testid="push-number">
          {push.number}
        </p>
        <p aria-busy="true">Waiting for your phone…</p>
      </div>
    );
  return (
    <div>
      <button type="button" class="primary" onClick={() => submit.push(flow.id).then(setPush, setError)}>
        Send a push to my phone
      </button>
      <Failure error={error} onRestart={onRestart} />
    </div>
  );
}

function pushEnded(f: Flow): Error & { code: string } {
  const code = f.state === 'expired' ? 'FLOW_EXPIRED' : f.state === 'failed' ? 'FLOW_FAILED' : 'PUSH_DENIED';
  const msg =
    f.state === 'second_factor'
      ? 'The push was not approved. Send a new one or use another method.'
      : 'This sign-in ended. Start again.';
  return Object.assign(new Error(msg), { code });
}

import { useEffect, useState } from 'preact/hooks';
import { setBearer } from '../shared/api.ts';
import { CredentialFields } from '../shared/credential-fields.tsx';
import { ErrorText } from '../shared/hooks.tsx';
import { type DeviceRecord, forgetDevice, loadDevice } from './device.ts';
import { Enrol } from './enrol.tsx';
import { Home } from './home.tsx';
import { signInDevice } from './session.ts';
import { unlock } from './unlock.ts';

/** Not enrolled → enrol; enrolled → unlock with the platform authenticator → home. */
export function MobileApp() {
  const [device, setDevice] = useState<DeviceRecord | null | undefined>(undefined);
  const [verified, setVerified] = useState<boolean | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    loadDevice().then((d) => setDevice(d ?? null), setError);
  }, []);
  const [unlocked, setUnlocked] = useState<boolean | null>(null);
  const doUnlock = async (d: DeviceRecord) => {
    setError(null);
    try {
      const uv = d.unlockCredentialId ? await unlock(d.unlockCredentialId) : false;
      if (d.unlockCredentialId && !uv) throw new Error('The phone did not verify you. Try again.');
      setUnlocked(uv);
    } catch (err) {
      setError(err);
    }
  };
  const signIn = async (d: DeviceRecord, identifier: string, password: string) => {
    setError(null);
    try {
      await signInDevice(d, identifier, password);
      setVerified(unlocked ?? false);
    } catch (err) {
      setError(err);
    }
  };
  const lock = () => {
    setBearer(null);
    setVerified(null);
    setUnlocked(null);
  };
  if (device === undefined) return <p aria-busy="true">Loading…</p>;
  return (
    <main id="main">
      <h1>Portcullis</h1>
      {device === null && (
        <Enrol
          onEnrolled={(d) => {
            setDevice(d);
            setUnlocked(d.unlockCredentialId !== null);
          }}
        />
      )}
      {device && unlocked !== null && verified === null && (
        <PasswordForm onSubmit={(i, p) => signIn(device, i, p)} />
      )}
      {device && unlocked === null && (
        <section class="card">
          <p>
            This phone is enrolled as <strong>{device.userLabel}</strong>.
          </p>
          <button type="button" class="primary" onClick={() => doUnlock(device)}>
            Unlock
          </button>{' '}
          <button type="button" onClick={() => forgetDevice().then(() => setDevice(null))}>
            Forget this phone
          </button>
        </section>
      )}
      {device && verified !== null && <Home device={device} userVerified={verified} onLock={lock} />}
      <ErrorText error={error} />
    </main>
  );
}

function PasswordForm({ onSubmit }: { onSubmit(identifier: string, password: string): void }) {
  const [identifier, setIdentifier] = useState('');
  const [password, setPassword] = useState('');
  return (
    <form
      class="card stack"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(identifier.trim(), password);
        setPassword('');
      }}
    >
      <h2>Sign in on this phone</h2>
      <CredentialFields
        identifier={identifier}
        setIdentifier={setIdentifier}
        password={password}
        setPassword={setPassword}
      />
      <button type="submit" class="primary">
        Sign in
      </button>
    </form>
  );
}

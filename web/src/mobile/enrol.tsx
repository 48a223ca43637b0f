import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorText } from '../shared/hooks.tsx';
import type { DeviceRecord } from './device.ts';
import { enrol } from './session.ts';

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
declare global {
  interface Window {
    BarcodeDetector?: new (o: { formats: string[] }) => Detector;
  }
}

/** Enrol by scanning the portal's QR code (where the browser can) or by typing its code. */
export function Enrol({ onEnrolled }: { onEnrolled(d: DeviceRecord): void }) {
  const [code, setCode] = useState(new URLSearchParams(location.hash.slice(1)).get('enrol') ?? '');
  const [label, setLabel] = useState('My phone');
  const [scanning, setScanning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const go = async (e?: Event) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onEnrolled(await enrol(code, label.trim() || 'My phone'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="enrol-h">
      <h2 id="enrol-h">Enrol this phone</h2>
      <p>
        In the portal, open Security centre → Add mobile app, then scan the QR code or type the code shown.
      </p>
      {window.BarcodeDetector && (
        <button type="button" onClick={() => setScanning(!scanning)}>
          {scanning ? 'Stop scanning' : 'Scan QR code'}
        </button>
      )}
      {scanning && (
        <Scanner
          onCode={(c) => {
            setScanning(false);
            setCode(c);
          }}
        />
      )}
      <form onSubmit={go} class="stack">
        <label>
          Enrolment code
          <input
            name="code"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
            autocomplete="off"
            required
          />
        </label>
        <label>
          Name for this phone
          <input name="label" value={label} onInput={(e) => setLabel(e.currentTarget.value)} maxLength={64} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          Enrol
        </button>
      </form>
      <ErrorText error={error} />
    </section>
  );
}

function Scanner({ onCode }: { onCode(code: string): void }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let alive = true;
    const Det = window.BarcodeDetector;
    (async () => {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      if (!video.current || !Det) return;
      video.current.srcObject = stream;
      await video.current.play();
      const det = new Det({ formats: ['qr_code'] });
      while (alive) {
        const found = await det.detect(video.current);
        const raw = found[0]?.rawValue;
        if (raw) return onCode(codeFrom(raw));
        await new Promise((r) => setTimeout(r, 300));
      }
    })().catch(() => undefined);
    return () => {
      alive = false;
      for (const t of stream?.getTracks() ?? []) t.stop();
    };
  }, [onCode]);
  return <video ref={video} muted playsInline aria-label="Camera preview" style={{ width: '100%' }} />;
}

/** The QR holds either the bare code or a link to /m/#enrol=CODE. */
function codeFrom(raw: string): string {
  const m = /[#&?]enrol=([^&]+)/.exec(raw);
  return m ? decodeURIComponent(m[1]!) : raw;
}

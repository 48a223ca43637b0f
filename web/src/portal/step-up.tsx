import { type ComponentChildren, createContext } from 'preact';
import { useCallback, useContext, useRef, useState } from 'preact/hooks';
import { ApiError } from '../shared/api.ts';
import { Modal } from '../shared/confirm.tsx';
import { ErrorText } from '../shared/hooks.tsx';
import { FactorStep } from './factor-step.tsx';
import { type Flow, startFlow } from './flow.ts';

interface Requirement {
  aal?: number;
  maxAgeSeconds?: number;
  methods?: string[];
  reason?: string;
}

type Run = <T>(call: () => Promise<T>, action: string) => Promise<T>;
const StepUpContext = createContext<Run>((call) => call());

/** Wraps a call: on `STEP_UP_REQUIRED` it asks for a fresh factor in a dialog, then retries once. */
export const useStepUp = () => useContext(StepUpContext);

export function StepUpProvider({ children }: { children: ComponentChildren }) {
  const [flow, setFlow] = useState<Flow | null>(null);
  const [requirement, setRequirement] = useState<Requirement | null>(null);
  const [error, setError] = useState<unknown>(null);
  const pending = useRef<{ resolve(): void; reject(e: unknown): void } | null>(null);

  const ask = useCallback(async (req: Requirement, action: string) => {
    setRequirement(req);
    setError(null);
    setFlow(await startFlow({ action }));
    await new Promise<void>((resolve, reject) => {
      pending.current = { resolve, reject };
    });
  }, []);

  const run: Run = useCallback(
    async (call, action) => {
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== 'STEP_UP_REQUIRED') throw err;
        await ask((err.details.requirement ?? {}) as Requirement, action);
        return call();
      }
    },
    [ask],
  );

  const close = (ok: boolean) => {
    const p = pending.current;
    pending.current = null;
    setFlow(null);
    if (ok) p?.resolve();
    else p?.reject(Object.assign(new Error('Confirmation cancelled.'), { code: 'STEP_UP_CANCELLED' }));
  };

  return (
    <StepUpContext.Provider value={run}>
      {children}
      <Modal title="Confirm it is you" open={flow !== null} onClose={() => close(false)}>
        {requirement?.reason && <p class="muted">{requirement.reason}</p>}
        {flow && (
          <FactorStep
            flow={flow}
            onDone={(c) => (c.flow.state === 'complete' ? close(true) : setFlow(c.flow))}
            onRestart={() => startFlow({ action: flow.purpose ?? 'step_up' }).then(setFlow, setError)}
          />
        )}
        <ErrorText error={error} />
        <button type="button" onClick={() => close(false)}>
          Cancel
        </button>
      </Modal>
    </StepUpContext.Provider>
  );
}

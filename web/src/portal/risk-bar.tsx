import { useState } from 'preact/hooks';
import { post } from '../shared/api.ts';
import { Confirm } from '../shared/confirm.tsx';
import { ErrorText } from '../shared/hooks.tsx';
import { useAccount } from './account-context.ts';

type Act = 'kill' | 'flatten' | null;

/**
 * On every page: the kill switch and flatten, one click and one confirmation.
 * Risk-reducing, so never a step-up (the server's policy guarantees it too).
 */
export function RiskBar() {
  const account = useAccount();
  const [open, setOpen] = useState<Act>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const run = async (act: Exclude<Act, null>) => {
    setOpen(null);
    setError(null);
    if (!account) return setError(new Error('No trading account is available.'));
    try {
      if (act === 'kill') {
        await post(`/accounts/${account.id}/kill-switch`, {});
        setNote('Kill switch on: trading halted, open orders cancelled, API keys suspended.');
      } else {
        await post(`/accounts/${account.id}/flatten`, {});
        setNote('Flatten sent: closing every position.');
      }
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="risk-bar" aria-label="Emergency controls">
      <button type="button" class="danger" onClick={() => setOpen('kill')}>
        Kill switch
      </button>
      <button type="button" class="warn" onClick={() => setOpen('flatten')}>
        Flatten all
      </button>
      <span role="status" aria-live="polite">
        {note}
      </span>
      <ErrorText error={error} />
      <Confirm
        title="Kill switch"
        open={open === 'kill'}
        text="Halt trading on this account, cancel every open order and suspend its API keys?"
        action="Halt everything"
        onConfirm={() => run('kill')}
        onClose={() => setOpen(null)}
      />
      <Confirm
        title="Flatten all positions"
        open={open === 'flatten'}
        text="Send market orders that close every position on this account?"
        action="Flatten now"
        onConfirm={() => run('flatten')}
        onClose={() => setOpen(null)}
      />
    </section>
  );
}

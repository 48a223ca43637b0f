import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** A modal dialog (native <dialog>): focus moves in, Escape closes, focus returns. */
export function Modal({
  title,
  open,
  onClose,
  children,
}: {
  title: string;
  open: boolean;
  onClose(): void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-label={title} onClose={onClose} onCancel={onClose}>
      <h2>{title}</h2>
      {open ? children : null}
    </dialog>
  );
}

/** One click opened it; this is the one confirmation. */
export function Confirm({
  title,
  open,
  text,
  action,
  danger = true,
  onConfirm,
  onClose,
}: {
  title: string;
  open: boolean;
  text: string;
  action: string;
  danger?: boolean;
  onConfirm(): void;
  onClose(): void;
}) {
  return (
    <Modal title={title} open={open} onClose={onClose}>
      <p>{text}</p>
      <div class="row">
        <button type="button" class={danger ? 'danger' : 'primary'} onClick={onConfirm}>
          {action}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useT } from '../i18n/index.js';
import { Icon } from './icons.js';

/**
 * A modal on the native <dialog>: focus moves in and is trapped, Escape closes, focus returns to the
 * opener. Focus goes to the element marked `data-autofocus` (the field the dialog is for), else to
 * the first focusable one (the close button).
 */
export function Dialog({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const t = useT();
  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    d?.showModal();
    d?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      d?.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label={t('dialog.close')} title={t('dialog.close')} onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}

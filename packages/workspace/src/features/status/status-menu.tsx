import { useEffect, useRef, useState } from 'react';
import { setStatus } from '../../app/controller.js';
import { useStore } from '../../app/store.js';
import { type AgentStatus, STATUS_LABEL } from '../../lib/types.js';
import { Icon } from '../../ui/icons.js';

const ORDER: AgentStatus[] = ['online', 'back_soon', 'away', 'offline'];

export function StatusDot({ status }: { status: AgentStatus }) {
  return <span className={`status-dot status-${status}`} aria-hidden="true" />;
}

/** Top-left availability menu: a menu button with the four statuses; arrow keys move, Enter picks, Escape closes. */
export function StatusMenu() {
  const status = useStore((s) => s.session?.user.status ?? 'offline');
  const name = useStore((s) => s.session?.user.displayName ?? '');
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);

  useEffect(() => {
    if (!open) return;
    const i = Math.max(0, ORDER.indexOf(status));
    items.current[i]?.focus();
    const onDoc = (e: MouseEvent) => {
      if (!(e.target as Element).closest('.status-menu')) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open, status]);

  function pick(s: AgentStatus) {
    setOpen(false);
    button.current?.focus();
    void setStatus(s);
  }

  function onKey(e: React.KeyboardEvent) {
    const i = items.current.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = (i + (e.key === 'ArrowDown' ? 1 : ORDER.length - 1)) % ORDER.length;
      items.current[n]?.focus();
    } else if (e.key === 'Escape') {
      setOpen(false);
      button.current?.focus();
    } else if (e.key === 'Tab') setOpen(false);
  }

  return (
    <div className="status-menu">
      <button
        ref={button}
        type="button"
        className="status-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Status: ${STATUS_LABEL[status]}. Change status`}
        onClick={() => setOpen((o) => !o)}
      >
        <StatusDot status={status} />
        <span className="status-text">
          <span className="status-name">{name}</span>
          <span className="status-value">{STATUS_LABEL[status]}</span>
        </span>
        <Icon name="chevron" size={16} />
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="Set your status" tabIndex={-1} onKeyDown={onKey}>
          {ORDER.map((s, i) => (
            <button
              key={s}
              ref={(el) => {
                items.current[i] = el;
              }}
              type="button"
              role="menuitemradio"
              aria-checked={s === status}
              className="menu-item"
              tabIndex={-1}
              onClick={() => pick(s)}
            >
              <StatusDot status={s} />
              {STATUS_LABEL[s]}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

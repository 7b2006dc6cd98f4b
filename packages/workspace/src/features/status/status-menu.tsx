import { useEffect, useRef, useState } from 'react';
import { setStatus } from '../../app/controller.js';
import { useStore } from '../../app/store.js';
import { t, useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { type AgentStatus, STATUS_LABEL } from '../../lib/types.js';
import { Icon } from '../../ui/icons.js';

const ORDER: AgentStatus[] = ['online', 'back_soon', 'away', 'offline'];

interface Reason {
  id: string;
  name: string;
  status: 'away' | 'back_soon';
}

/** One choice of the menu: a status, or a status with one of the manager's reasons (under its status). */
interface Entry {
  status: AgentStatus;
  reason: Reason | null;
}

function entriesOf(reasons: readonly Reason[]): Entry[] {
  return ORDER.flatMap((status) => [{ status, reason: null }, ...reasons.filter((r) => r.status === status).map((reason) => ({ status, reason }))]);
}

const labelOf = (status: AgentStatus, reason: Reason | null | undefined) =>
  reason ? t('status.withReason', { status: STATUS_LABEL[status], reason: reason.name }) : STATUS_LABEL[status];

export function StatusDot({ status }: { status: AgentStatus }) {
  return <span className={`status-dot status-${status}`} aria-hidden="true" />;
}

/**
 * Top-left availability menu: a menu button with the four statuses, and under Back soon and Away
 * the manager's status reasons (Lunch, Training…); arrow keys move, Enter picks, Escape closes.
 */
export function StatusMenu() {
  const status = useStore((s) => s.session?.user.status ?? 'offline');
  const reasonId = useStore((s) => s.session?.user.statusReasonId ?? null);
  const name = useStore((s) => s.session?.user.displayName ?? '');
  const [open, setOpen] = useState(false);
  useT();
  const [reasons, setReasons] = useState<Reason[]>([]);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const entries = entriesOf(reasons);
  const reason = reasons.find((r) => r.id === reasonId) ?? null;

  // The reasons: read once signed in, and again each time the menu opens (a manager may add one).
  useEffect(() => {
    if (!open && reasons.length) return;
    let live = true;
    api
      .all('GET /api/v1/status-reasons')
      .then((r) => live && setReasons(r.items))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [open, reasons.length]);

  useEffect(() => {
    if (!open) return;
    const i = Math.max(
      0,
      entriesOf(reasons).findIndex((e) => e.status === status && (e.reason?.id ?? null) === reasonId),
    );
    // Only when the menu has just opened (or lost its focus): a reasons list arriving while the agent
    // arrows through the menu must not pull the focus back to the current status.
    if (!items.current.includes(document.activeElement as HTMLButtonElement)) items.current[i]?.focus();
    const onDoc = (e: MouseEvent) => {
      if (!(e.target as Element).closest('.status-menu')) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open, status, reasonId, reasons]);

  function pick(e: Entry) {
    setOpen(false);
    button.current?.focus();
    void setStatus(e.status, e.reason?.id ?? null);
  }

  function onKey(e: React.KeyboardEvent) {
    const i = items.current.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = (i + (e.key === 'ArrowDown' ? 1 : entries.length - 1)) % entries.length;
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
        aria-label={t('status.button', { status: labelOf(status, reason) })}
        onClick={() => setOpen((o) => !o)}
      >
        <StatusDot status={status} />
        <span className="status-text">
          <span className="status-name">{name}</span>
          <span className="status-value">{labelOf(status, reason)}</span>
        </span>
        <Icon name="chevron" size={16} />
      </button>
      {open && (
        <div className="menu" role="menu" aria-label={t('status.menu')} tabIndex={-1} onKeyDown={onKey}>
          {entries.map((e, i) => (
            <button
              key={`${e.status}:${e.reason?.id ?? ''}`}
              ref={(el) => {
                items.current[i] = el;
              }}
              type="button"
              role="menuitemradio"
              aria-checked={e.status === status && (e.reason?.id ?? null) === reasonId}
              aria-label={labelOf(e.status, e.reason)}
              className={e.reason ? 'menu-item menu-item-reason' : 'menu-item'}
              tabIndex={-1}
              onClick={() => pick(e)}
            >
              <StatusDot status={e.status} />
              {e.reason ? e.reason.name : STATUS_LABEL[e.status]}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

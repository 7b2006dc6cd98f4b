import { memo } from 'react';
import { useStore } from '../../app/store.js';
import { shortStamp, slaText } from '../../lib/format.js';
import { type ActiveItem, CHANNEL_LABEL, type ListStatus } from '../../lib/types.js';
import { useNow } from '../../ui/use-now.js';

function Countdown({ dueAt }: { dueAt: string }) {
  const now = useNow();
  return <>{slaText(dueAt, now)}</>;
}

const STATUS_TEXT: Record<ListStatus, string> = { ongoing: 'Ongoing', overdue: 'Overdue', idle: 'Idle', closed: 'Closed' };

export interface RowProps {
  item: ActiveItem;
  status: ListStatus;
  soon: boolean;
  selected: boolean;
  focusable: boolean;
  onOpen: (id: string) => void;
}

/** One row of the Active list: a button that opens the conversation; colours follow the SLA status. */
export const ConversationRow = memo(function ConversationRow({ item, status, soon, selected, focusable, onOpen }: RowProps) {
  const prefs = useStore((s) => s.datePrefs);
  const ringing = item.state === 'ringing';
  const tone = ringing ? 'ringing' : soon && status === 'ongoing' ? 'soon' : status;
  const last = item.lastMessage;
  return (
    <li className={`row tone-${tone}${selected ? ' selected' : ''}`} data-id={item.id}>
      <button
        type="button"
        className="row-button"
        tabIndex={focusable ? 0 : -1}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onOpen(item.id)}
        data-row={item.id}
      >
        <span className="row-top">
          {item.unread > 0 && status !== 'closed' ? <span className="unread-dot" title="New message" /> : null}
          <span className="row-name">{item.consumer.name}</span>
          {item.unread > 0 && status !== 'closed' ? <span className="sr-only">, new message</span> : null}
          <span className="chip">{CHANNEL_LABEL[item.channel]}</span>
          <span className="row-when">{last ? shortStamp(last.at, prefs, Date.now()) : ''}</span>
        </span>
        <span className="row-last">
          {last ? (
            <>
              {last.senderType === 'agent' ? <span className="row-you">You: </span> : null}
              {last.text}
            </>
          ) : (
            <span className="muted">No messages yet</span>
          )}
        </span>
        <span className="row-meta">
          <span className={`pill pill-${tone}`}>{ringing ? 'Ringing' : soon && status === 'ongoing' ? 'Soon overdue' : STATUS_TEXT[status]}</span>
          {item.slaDueAt && status !== 'closed' && !ringing ? (
            <span className="row-sla">
              <Countdown dueAt={item.slaDueAt} />
              {item.manualSla ? ' · manual SLA' : ''}
            </span>
          ) : status === 'idle' ? (
            <span className="row-sla">waiting for the consumer</span>
          ) : status !== 'closed' && item.awaiting === 'consumer' ? (
            <span className="row-sla">waiting for the consumer</span>
          ) : null}
        </span>
      </button>
    </li>
  );
});

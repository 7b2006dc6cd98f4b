import { memo, useId } from 'react';
import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { shortStamp, slaText, unreadText } from '../../lib/format.js';
import { closedByPhrase, consumerLabel, lastMessageAuthor } from '../../lib/people.js';
import { type ActiveItem, CHANNEL_LABEL, type ListStatus } from '../../lib/types.js';
import { RowLabels } from '../../ui/label-chip.js';
import { useNow } from '../../ui/use-now.js';
import { rowPlace } from '../../ui/virtual-rows.js';

function Countdown({ dueAt }: { dueAt: string }) {
  const now = useNow();
  return <>{slaText(dueAt, now)}</>;
}

export interface RowProps {
  /** Its place in the virtualized list: index, offset, the list's length, the measuring ref. */
  index: number;
  start: number;
  setSize: number;
  measure: (el: HTMLLIElement | null) => void;
  item: ActiveItem;
  status: ListStatus;
  soon: boolean;
  selected: boolean;
  focusable: boolean;
  onOpen: (id: string) => void;
}

/**
 * One row of the Active list: a button that opens the conversation; colours follow the SLA status.
 * Its accessible name is a hidden line in reading order, each fact once ("Ana Keller, Urgent,
 * Ongoing, 23 min left, 2 unread messages, Web, last message 09:09"); the last message is its
 * description ("Bob Chen: …", "You: …"), after who closed it for a closed one ("Closed by you.").
 */
export const ConversationRow = memo(function ConversationRow({ index, start, setSize, measure, item, status, soon, selected, focusable, onOpen }: RowProps) {
  const prefs = useStore((s) => s.datePrefs);
  const meId = useStore((s) => s.session?.user.id ?? null);
  const t = useT();
  const labelId = useId();
  const lastId = useId();
  const closedId = useId();
  const name = consumerLabel(item.consumer.name, item.channel);
  const author = lastMessageAuthor(item.lastMessage, meId);
  const closedBy = status === 'closed' ? closedByPhrase(item, meId) : null;
  const ringing = item.state === 'ringing';
  const tone = ringing ? 'ringing' : soon && status === 'ongoing' ? 'soon' : status;
  const last = item.lastMessage;
  const unread = item.unread > 0 && status !== 'closed';
  const statusText = ringing ? t('rowStatus.ringing') : soon && status === 'ongoing' ? t('rowStatus.soon') : t(`rowStatus.${status}`);
  const showSla = item.slaDueAt !== null && status !== 'closed' && !ringing;
  const waiting = !showSla && status !== 'closed' && (status === 'idle' || item.awaiting === 'consumer');
  const when = last ? shortStamp(last.at, prefs, Date.now()) : '';
  return (
    <li className={`row tone-${tone}${selected ? ' selected' : ''}`} data-id={item.id} {...rowPlace(index, start, setSize, measure)}>
      <button
        type="button"
        className="row-button"
        tabIndex={focusable ? 0 : -1}
        aria-current={selected ? 'true' : undefined}
        aria-labelledby={labelId}
        aria-describedby={closedBy ? `${closedId} ${lastId}` : lastId}
        onClick={() => onOpen(item.id)}
        data-row={item.id}
      >
        <span className="row-top">
          {unread ? <span className="unread-dot" title={t('row.newMessage')} aria-hidden="true" /> : null}
          <span className="row-name">{name}</span>
          {item.urgent && status !== 'closed' ? <span className="chip chip-urgent">{t('row.urgent')}</span> : null}
          <span className="chip">{CHANNEL_LABEL[item.channel]}</span>
          <span className="row-when">{when}</span>
        </span>
        <span className="row-last" id={lastId} dir="auto">
          {last ? (
            <>
              {author ? <span className="row-you">{t('row.author', { author })}</span> : null}
              {last.text}
            </>
          ) : (
            <span className="muted">{t('row.noMessages')}</span>
          )}
        </span>
        <span className="row-meta">
          <span className={`pill pill-${tone}`}>{statusText}</span>
          <RowLabels ids={item.labels} />
          {closedBy ? (
            <>
              {' '}
              <span className="row-closed-by">{closedBy}</span>
            </>
          ) : null}
          {showSla && item.slaDueAt ? (
            <span className="row-sla">
              <Countdown dueAt={item.slaDueAt} />
              {item.manualSla ? t('row.manualSla') : ''}
            </span>
          ) : waiting ? (
            <span className="row-sla">{t('row.waiting')}</span>
          ) : null}
        </span>
        {/*
          The button's name (not displayed, so find-in-page does not meet its words twice; a name
          may come from hidden text). The status word is left out where the countdown says it.
        */}
        <span hidden id={labelId}>
          {t('row.part', { part: name })}
          {item.urgent && status !== 'closed' ? t('row.part', { part: t('row.urgent') }) : ''}
          {status === 'overdue' && showSla ? null : t('row.part', { part: statusText })}
          {showSla && item.slaDueAt ? (
            <>
              <Countdown dueAt={item.slaDueAt} />
              {item.manualSla ? t('row.manualSlaPart') : ''}
              {t('row.part', { part: '' })}
            </>
          ) : waiting ? (
            t('row.part', { part: t('row.waiting') })
          ) : null}
          {unread ? t('row.part', { part: unreadText(item.unread) }) : ''}
          {CHANNEL_LABEL[item.channel]}
          {when ? t('row.lastMessage', { when }) : ''}
        </span>
        {closedBy ? (
          <span hidden id={closedId}>
            {t('row.closedBy', { phrase: closedBy })}
          </span>
        ) : null}
      </button>
    </li>
  );
});

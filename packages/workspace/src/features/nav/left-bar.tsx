import { statusNow } from '@parley/contract';
import { dismiss, goHome, openConversation } from '../../app/controller.js';
import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { unreadText } from '../../lib/format.js';
import { consumerLabel, initialsOf } from '../../lib/people.js';
import { Icon } from '../../ui/icons.js';
import { useNow } from '../../ui/use-now.js';

/** The left bar: Home (the full Active list) and the conversations opened this shift; closed ones get an "x". */
export function LeftBar() {
  const pinned = useStore((s) => s.pinned);
  const active = useStore((s) => s.active);
  const selectedId = useStore((s) => s.selectedId);
  const tab = useStore((s) => s.tab);
  const panel = useStore((s) => s.panel);
  const now = useNow();
  const t = useT();
  const home = tab === 'active' && selectedId === null && panel === null;
  return (
    <nav className="leftbar" aria-label={t('nav.opened')}>
      <button type="button" className={`home-button${home ? ' current' : ''}`} onClick={goHome} aria-current={home ? 'page' : undefined}>
        <Icon name="home" />
        <span className="leftbar-label">{t('nav.home')}</span>
      </button>
      <ul className="pins">
        {pinned.map((id) => {
          const item = active[id];
          if (!item) return null;
          const status = statusNow(item, now);
          const name = consumerLabel(item.consumer.name, item.channel);
          const current = tab === 'active' && selectedId === id;
          return (
            <li key={id} className={`pin tone-${status}${current ? ' current' : ''}`}>
              <button
                type="button"
                className="pin-open"
                onClick={() => openConversation(id)}
                aria-current={current ? 'page' : undefined}
                aria-label={
                  item.unread > 0 && status !== 'closed'
                    ? t('nav.pinUnread', { name, status: t(`rowStatus.${status}`), unread: unreadText(item.unread) })
                    : t('nav.pin', { name, status: t(`rowStatus.${status}`) })
                }
                title={name}
              >
                <span className="avatar" aria-hidden="true">
                  {initialsOf(name)}
                </span>
                <span className="pin-name" aria-hidden="true">
                  {name}
                </span>
                {item.unread > 0 && status !== 'closed' ? <span className="unread-dot" aria-hidden="true" /> : null}
              </button>
              {status === 'closed' ? (
                <button
                  type="button"
                  className="pin-remove"
                  aria-label={t('nav.remove', { name })}
                  title={t('nav.remove', { name })}
                  onClick={() => void dismiss(id)}
                >
                  <Icon name="close" size={14} />
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

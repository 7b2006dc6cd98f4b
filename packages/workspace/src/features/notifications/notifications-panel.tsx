import { markNotificationRead, openConversation } from '../../app/controller.js';
import { store, useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';
import { describeNotification } from './describe.js';

/** Notes you were tagged in (and, for managers, webhooks turned off), newest first; opening one marks it read. */
export function NotificationsPanel() {
  const items = useStore((s) => s.notifications);
  const active = useStore((s) => s.active);
  const prefs = useStore((s) => s.datePrefs);
  const t = useT();
  return (
    <section className="panel" aria-labelledby="notif-title">
      <div className="pane-head">
        <h2 id="notif-title">{t('app.notifications')}</h2>
        {items.some((n) => !n.read) ? (
          <button type="button" className="link-button" onClick={() => items.forEach((n) => void markNotificationRead(n.id))}>
            {t('notification.markAll')}
          </button>
        ) : null}
      </div>
      {items.length === 0 ? <p className="empty">{t('notification.empty')}</p> : null}
      <ul className="notif-list">
        {items.map((n) => {
          const v = describeNotification(n);
          return (
            <li key={n.id} className={n.read ? 'notif' : 'notif unread'}>
              <div className="notif-main">
                <p>
                  {!n.read ? <span className="sr-only">{t('notification.unread')}</span> : null}
                  {v.who ? <strong>{v.who}</strong> : null}
                  {v.who ? ' ' : null}
                  {v.headline}
                </p>
                <p className="notif-text">{v.text}</p>
                <time className="muted" dateTime={n.createdAt}>
                  {formatDateTime(n.createdAt, prefs)}
                </time>
              </div>
              <div className="notif-actions">
                {v.target && 'conversationId' in v.target ? (
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      void markNotificationRead(n.id);
                      const conv = (v.target as { conversationId: string }).conversationId;
                      if (active[conv]) openConversation(conv);
                      else store.set({ tab: 'all', allSelectedId: conv, panel: null });
                    }}
                  >
                    {t('notification.openConversation')}
                  </button>
                ) : null}
                {v.target && 'console' in v.target ? (
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      void markNotificationRead(n.id);
                      store.set({ panel: 'console' });
                    }}
                  >
                    {t('notification.openConsole')}
                  </button>
                ) : null}
                {!n.read ? (
                  <button type="button" className="button ghost" onClick={() => void markNotificationRead(n.id)}>
                    {t('notification.markRead')}
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

import { markNotificationRead, openConversation } from '../../app/controller.js';
import { store, useStore } from '../../app/store.js';
import { formatDateTime } from '../../lib/format.js';

/** Notes you were tagged in, newest first; opening one marks it read. */
export function NotificationsPanel() {
  const items = useStore((s) => s.notifications);
  const active = useStore((s) => s.active);
  const prefs = useStore((s) => s.datePrefs);
  return (
    <section className="panel" aria-labelledby="notif-title">
      <div className="pane-head">
        <h2 id="notif-title">Notifications</h2>
        {items.some((n) => !n.read) ? (
          <button type="button" className="link-button" onClick={() => items.forEach((n) => void markNotificationRead(n.id))}>
            Mark all as read
          </button>
        ) : null}
      </div>
      {items.length === 0 ? <p className="empty">Nothing yet. When a colleague mentions you in a note, it shows here.</p> : null}
      <ul className="notif-list">
        {items.map((n) => {
          const conv = typeof n.data.conversationId === 'string' ? n.data.conversationId : null;
          const by = typeof n.data.by === 'string' ? n.data.by : 'Someone';
          const text = typeof n.data.text === 'string' ? n.data.text : '';
          return (
            <li key={n.id} className={n.read ? 'notif' : 'notif unread'}>
              <div className="notif-main">
                <p>
                  {!n.read ? <span className="sr-only">Unread: </span> : null}
                  <strong>{by}</strong> mentioned you in a note
                </p>
                <p className="notif-text">{text}</p>
                <time className="muted" dateTime={n.createdAt}>
                  {formatDateTime(n.createdAt, prefs)}
                </time>
              </div>
              <div className="notif-actions">
                {conv ? (
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      void markNotificationRead(n.id);
                      if (active[conv]) openConversation(conv);
                      else store.set({ tab: 'all', allSelectedId: conv, panel: null });
                    }}
                  >
                    Open conversation
                  </button>
                ) : null}
                {!n.read ? (
                  <button type="button" className="button ghost" onClick={() => void markNotificationRead(n.id)}>
                    Mark as read
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

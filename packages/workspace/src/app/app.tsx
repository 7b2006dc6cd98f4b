import { useEffect, useMemo } from 'react';
import { ActiveList } from '../features/active/active-list.js';
import { AllList } from '../features/all/all-list.js';
import { SignIn } from '../features/auth/sign-in.js';
import { ConsolePanel } from '../features/console/console.js';
import { ConversationView } from '../features/conversation/conversation-view.js';
import { KpiBar } from '../features/kpis/kpi-bar.js';
import { LeftBar } from '../features/nav/left-bar.js';
import { NotificationsPanel } from '../features/notifications/notifications-panel.js';
import { SettingsPanel } from '../features/settings/settings-panel.js';
import { StatusMenu } from '../features/status/status-menu.js';
import { incomingCount } from '../lib/active-list.js';
import { isEmbedded } from '../lib/embed-bridge.js';
import { Icon } from '../ui/icons.js';
import { openPanel, restore, setTab, showConsole, signOut } from './controller.js';
import { useStore } from './store.js';

function ConnectionBanner() {
  const connection = useStore((s) => s.connection);
  if (connection === 'online') return null;
  return (
    <div className="banner" role="status">
      <Icon name="wifi" />
      {connection === 'offline' ? 'Connection lost. Reconnecting… Your list will catch up when you are back.' : 'Connecting…'}
    </div>
  );
}

function Toasts() {
  const toasts = useStore((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <p key={t.id} className={`toast toast-${t.tone}`}>
          {t.text}
        </p>
      ))}
    </div>
  );
}

function TopBar() {
  const tab = useStore((s) => s.tab);
  const panel = useStore((s) => s.panel);
  const active = useStore((s) => s.active);
  const unreadNotes = useStore((s) => s.unreadNotifications);
  const isManager = useStore((s) => s.session?.user.role === 'manager');
  const incoming = useMemo(() => incomingCount(Object.values(active)), [active]);
  return (
    <header className="topbar">
      <StatusMenu />
      <nav className="tabs" aria-label="Views">
        <button type="button" className="tabs-item" aria-current={tab === 'active' && !panel ? 'page' : undefined} onClick={() => setTab('active')}>
          Active
          {incoming > 0 ? (
            <span className="badge" role="img" aria-label={`${incoming} with new messages`}>
              {incoming}
            </span>
          ) : null}
        </button>
        <button type="button" className="tabs-item" aria-current={tab === 'all' && !panel ? 'page' : undefined} onClick={() => setTab('all')}>
          All
        </button>
        {isManager ? (
          <button type="button" className="tabs-item" aria-current={panel === 'console' ? 'page' : undefined} onClick={showConsole}>
            Console
          </button>
        ) : null}
      </nav>
      <KpiBar />
      <div className="top-actions">
        <button
          type="button"
          className={`icon-button${panel === 'notifications' ? ' current' : ''}`}
          aria-label={unreadNotes > 0 ? `Notifications, ${unreadNotes} unread` : 'Notifications'}
          title="Notifications"
          aria-pressed={panel === 'notifications'}
          onClick={() => openPanel('notifications')}
        >
          <Icon name="bell" />
          {unreadNotes > 0 ? (
            <span className="badge badge-small" aria-hidden="true">
              {unreadNotes}
            </span>
          ) : null}
        </button>
        <button
          type="button"
          className={`icon-button${panel === 'settings' ? ' current' : ''}`}
          aria-label="Settings"
          title="Settings"
          aria-pressed={panel === 'settings'}
          onClick={() => openPanel('settings')}
        >
          <Icon name="gear" />
        </button>
        <button type="button" className="icon-button" aria-label="Sign out" title="Sign out" onClick={() => void signOut()}>
          <Icon name="logout" />
        </button>
      </div>
    </header>
  );
}

function EmptyDetail() {
  return (
    <section className="detail-pane empty-detail" aria-label="No conversation selected">
      <div>
        <p className="empty-title">No conversation selected</p>
        <p className="muted">Start with the conversation at the top of the list: it is the most urgent.</p>
      </div>
    </section>
  );
}

function Main() {
  const tab = useStore((s) => s.tab);
  const panel = useStore((s) => s.panel);
  const selectedId = useStore((s) => s.selectedId);
  const allSelectedId = useStore((s) => s.allSelectedId);
  if (panel === 'settings') return <SettingsPanel />;
  if (panel === 'console') return <ConsolePanel />;
  if (panel === 'notifications') return <NotificationsPanel />;
  if (tab === 'all') {
    return (
      <div className={`split${allSelectedId ? ' has-selection' : ''}`}>
        <AllList />
        {allSelectedId ? <ConversationView key={allSelectedId} id={allSelectedId} from="all" /> : <EmptyDetail />}
      </div>
    );
  }
  return (
    <div className={`split${selectedId ? ' has-selection' : ''}`}>
      <ActiveList />
      {selectedId ? <ConversationView key={selectedId} id={selectedId} from="active" /> : <EmptyDetail />}
    </div>
  );
}

function Workspace() {
  const layout = useStore((s) => s.settings.layout ?? 'comfortable');
  return (
    <div className="app" data-layout={layout} data-embedded={isEmbedded() ? 'true' : undefined}>
      <TopBar />
      <ConnectionBanner />
      <div className="body">
        <LeftBar />
        <main className="main" id="main">
          <Main />
        </main>
      </div>
      <Toasts />
    </div>
  );
}

export function App() {
  const session = useStore((s) => s.session);
  const booted = useStore((s) => s.activeLoaded || s.connection === 'offline' || s.session !== null);
  useEffect(() => {
    void restore();
  }, []);
  if (!booted) return null;
  if (!session) {
    return (
      <>
        <SignIn />
        <Toasts />
      </>
    );
  }
  return <Workspace />;
}

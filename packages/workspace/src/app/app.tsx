import { useEffect, useMemo } from 'react';
import { RawIntlProvider } from 'react-intl';
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
import { currentIntl, useLanguage, useT } from '../i18n/index.js';
import { incomingCount } from '../lib/active-list.js';
import { isEmbedded } from '../lib/embed-bridge.js';
import { Icon } from '../ui/icons.js';
import { openPanel, restore, setTab, showConsole, signOut } from './controller.js';
import { useStore } from './store.js';

function ConnectionBanner() {
  const connection = useStore((s) => s.connection);
  const t = useT();
  if (connection === 'online') return null;
  return (
    <div className="banner" role="status">
      <Icon name="wifi" />
      {connection === 'offline' ? t('app.connection.lost') : t('app.connection.connecting')}
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
  const t = useT();
  return (
    <header className="topbar">
      <StatusMenu />
      <nav className="tabs" aria-label={t('app.views')}>
        <button type="button" className="tabs-item" aria-current={tab === 'active' && !panel ? 'page' : undefined} onClick={() => setTab('active')}>
          {t('app.tab.active')}
          {incoming > 0 ? (
            <span className="badge" role="img" aria-label={t('app.tab.incoming', { count: incoming })}>
              {incoming}
            </span>
          ) : null}
        </button>
        <button type="button" className="tabs-item" aria-current={tab === 'all' && !panel ? 'page' : undefined} onClick={() => setTab('all')}>
          {t('app.tab.all')}
        </button>
        {isManager ? (
          <button type="button" className="tabs-item" aria-current={panel === 'console' ? 'page' : undefined} onClick={showConsole}>
            {t('app.tab.console')}
          </button>
        ) : null}
      </nav>
      <KpiBar />
      <div className="top-actions">
        <button
          type="button"
          className={`icon-button${panel === 'notifications' ? ' current' : ''}`}
          aria-label={t('app.notifications.label', { count: unreadNotes })}
          title={t('app.notifications')}
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
          aria-label={t('app.settings')}
          title={t('app.settings')}
          aria-pressed={panel === 'settings'}
          onClick={() => openPanel('settings')}
        >
          <Icon name="gear" />
        </button>
        <button type="button" className="icon-button" aria-label={t('app.signOut')} title={t('app.signOut')} onClick={() => void signOut()}>
          <Icon name="logout" />
        </button>
      </div>
    </header>
  );
}

function EmptyDetail() {
  const t = useT();
  return (
    <section className="detail-pane empty-detail" aria-label={t('app.empty.title')}>
      <div>
        <p className="empty-title">{t('app.empty.title')}</p>
        <p className="muted">{t('app.empty.hint')}</p>
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
  // The whole tree re-renders on a language change, and react-intl's own components see it too.
  useLanguage();
  return (
    <RawIntlProvider value={currentIntl()}>
      <Screens />
    </RawIntlProvider>
  );
}

function Screens() {
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

import { useState } from 'react';
import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { SCREENS } from './screens.js';

/** The manager console: configuration screens over the manager API. Rendered for managers only (the server refuses agents anyway). */
export function ConsolePanel() {
  const role = useStore((s) => s.session?.user.role);
  const [screen, setScreen] = useState(SCREENS[0]?.id);
  const t = useT();
  if (role !== 'manager') return null;
  const Current = (SCREENS.find((x) => x.id === screen) ?? SCREENS[0])?.Screen;
  return (
    <section className="panel console" aria-labelledby="console-title">
      <div className="pane-head">
        <h2 id="console-title">{t('console.title')}</h2>
        <nav className="console-tabs" aria-label={t('console.sections')}>
          {SCREENS.map(({ id, label }) => (
            <button key={id} type="button" className="tabs-item" aria-current={screen === id ? 'page' : undefined} onClick={() => setScreen(id)}>
              {t(label)}
            </button>
          ))}
        </nav>
      </div>
      <div className="console-body">{Current ? <Current /> : null}</div>
    </section>
  );
}

import { useState } from 'react';
import { useStore } from '../../app/store.js';
import { AccountScreen, ContentScreen, SurveyScreen } from './account.js';
import { ChannelsScreen } from './channels.js';
import { AgentsScreen, SkillsScreen } from './config.js';
import { DashboardScreen } from './dashboard.js';

const SCREENS = {
  dashboard: ['Dashboard', DashboardScreen],
  skills: ['Skills', SkillsScreen],
  agents: ['Agents', AgentsScreen],
  account: ['Account', AccountScreen],
  content: ['Content', ContentScreen],
  survey: ['Survey', SurveyScreen],
  channels: ['Channels', ChannelsScreen],
} as const;
type Screen = keyof typeof SCREENS;

/** The manager console: configuration screens over the manager API. Rendered for managers only (the server refuses agents anyway). */
export function ConsolePanel() {
  const role = useStore((s) => s.session?.user.role);
  const [screen, setScreen] = useState<Screen>('dashboard');
  if (role !== 'manager') return null;
  const Current = SCREENS[screen][1];
  return (
    <section className="panel console" aria-labelledby="console-title">
      <div className="pane-head">
        <h2 id="console-title">Manager console</h2>
        <nav className="console-tabs" aria-label="Console sections">
          {(Object.keys(SCREENS) as Screen[]).map((k) => (
            <button key={k} type="button" className="tabs-item" aria-current={screen === k ? 'page' : undefined} onClick={() => setScreen(k)}>
              {SCREENS[k][0]}
            </button>
          ))}
        </nav>
      </div>
      <div className="console-body">
        <Current />
      </div>
    </section>
  );
}

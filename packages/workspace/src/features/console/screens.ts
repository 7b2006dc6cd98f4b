import type { ComponentType } from 'react';
import type { MessageKey } from '../../i18n/index.js';
import { AccountScreen } from './account.js';
import { AgentsScreen } from './agents.js';
import { ApiKeysScreen } from './api-keys.js';
import { AuditScreen } from './audit.js';
import { BotsScreen } from './bots.js';
import { BusinessHoursScreen } from './business-hours.js';
import { ChannelsScreen } from './channels.js';
import { ConsumersScreen } from './consumers.js';
import { ContentScreen } from './content.js';
import { DashboardScreen } from './dashboard.js';
import { DispositionsScreen } from './dispositions.js';
import { LabelsScreen } from './labels.js';
import { PerformanceScreen } from './performance.js';
import { SecurityScreen } from './security.js';
import { SkillsScreen } from './skills.js';
import { StatusReasonsScreen } from './status-reasons.js';
import { SupervisionScreen } from './supervision.js';
import { SurveyScreen } from './survey.js';
import { WebhooksScreen } from './webhooks.js';

export interface ConsoleScreen {
  /** Stable key of the screen (the tab's React key). */
  id: string;
  /** The catalogue key of the tab's label in the console's nav. */
  label: MessageKey;
  Screen: ComponentType;
}

/**
 * The console's screens, in the order of its tabs; the first is shown on opening. One file a screen
 * in this folder: a new screen is its file and one line here.
 */
export const SCREENS: readonly ConsoleScreen[] = [
  { id: 'dashboard', label: 'console.tab.dashboard', Screen: DashboardScreen },
  { id: 'supervision', label: 'console.tab.supervision', Screen: SupervisionScreen },
  { id: 'performance', label: 'console.tab.performance', Screen: PerformanceScreen },
  { id: 'skills', label: 'console.tab.skills', Screen: SkillsScreen },
  { id: 'agents', label: 'console.tab.agents', Screen: AgentsScreen },
  { id: 'hours', label: 'console.tab.hours', Screen: BusinessHoursScreen },
  { id: 'status-reasons', label: 'console.tab.statusReasons', Screen: StatusReasonsScreen },
  { id: 'dispositions', label: 'console.tab.dispositions', Screen: DispositionsScreen },
  { id: 'labels', label: 'console.tab.labels', Screen: LabelsScreen },
  { id: 'account', label: 'console.tab.account', Screen: AccountScreen },
  { id: 'content', label: 'console.tab.content', Screen: ContentScreen },
  { id: 'survey', label: 'console.tab.survey', Screen: SurveyScreen },
  { id: 'channels', label: 'console.tab.channels', Screen: ChannelsScreen },
  { id: 'api-keys', label: 'console.tab.apiKeys', Screen: ApiKeysScreen },
  { id: 'webhooks', label: 'console.tab.webhooks', Screen: WebhooksScreen },
  { id: 'bots', label: 'console.tab.bots', Screen: BotsScreen },
  { id: 'audit', label: 'console.tab.audit', Screen: AuditScreen },
  { id: 'consumers', label: 'console.tab.consumers', Screen: ConsumersScreen },
  { id: 'security', label: 'console.tab.security', Screen: SecurityScreen },
];

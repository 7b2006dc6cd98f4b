import type { ComponentType } from 'react';
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
  /** The tab's label in the console's nav. */
  label: string;
  Screen: ComponentType;
}

/**
 * The console's screens, in the order of its tabs; the first is shown on opening. One file a screen
 * in this folder: a new screen is its file and one line here.
 */
export const SCREENS: readonly ConsoleScreen[] = [
  { id: 'dashboard', label: 'Dashboard', Screen: DashboardScreen },
  { id: 'supervision', label: 'Supervision', Screen: SupervisionScreen },
  { id: 'performance', label: 'Agent performance', Screen: PerformanceScreen },
  { id: 'skills', label: 'Skills', Screen: SkillsScreen },
  { id: 'agents', label: 'Agents', Screen: AgentsScreen },
  { id: 'hours', label: 'Business hours', Screen: BusinessHoursScreen },
  { id: 'status-reasons', label: 'Status reasons', Screen: StatusReasonsScreen },
  { id: 'dispositions', label: 'Wrap-up', Screen: DispositionsScreen },
  { id: 'labels', label: 'Labels', Screen: LabelsScreen },
  { id: 'account', label: 'Account', Screen: AccountScreen },
  { id: 'content', label: 'Content', Screen: ContentScreen },
  { id: 'survey', label: 'Survey', Screen: SurveyScreen },
  { id: 'channels', label: 'Channels', Screen: ChannelsScreen },
  { id: 'api-keys', label: 'API keys', Screen: ApiKeysScreen },
  { id: 'webhooks', label: 'Webhooks', Screen: WebhooksScreen },
  { id: 'bots', label: 'Bots', Screen: BotsScreen },
  { id: 'audit', label: 'Audit log', Screen: AuditScreen },
  { id: 'consumers', label: 'Consumer data', Screen: ConsumersScreen },
  { id: 'security', label: 'Security', Screen: SecurityScreen },
];

import type { ActiveItem, AgentStatus, Channel, ListStatus, Message, Note, Notification, User, UserSettings } from '@parley/contract';

export type { ActiveItem, AgentStatus, Channel, ListStatus, Message, Note, Notification, User, UserSettings };

/** GET /api/v1/conversations/{id}: an ActiveItem plus consumer info and the routing reason ("why me"). */
export interface ConversationDetails extends Omit<ActiveItem, 'consumer'> {
  urgent: boolean;
  firstTime: boolean;
  closedBy: 'agent' | 'consumer' | 'system' | null;
  assignedAt: string | null;
  firstResponseAt: string | null;
  consumer: { id: string; name: string; channel: Channel; customVariables: Record<string, string | number | boolean> };
  routing: RoutingDecision | null;
}

export interface RoutingDecision {
  outcome: 'assigned' | 'offered' | 'waiting';
  rule: string;
  agentId: string | null;
  candidates: { agentId: string; status: string; load: number; capacity: number; eligible: boolean; why: string }[];
  at: string;
}

export interface DirectorySkill {
  kind: 'skill';
  id: string;
  displayName: string;
  description: string;
  queued: number;
}

export interface DirectoryAgent {
  kind: 'agent';
  id: string;
  username: string;
  displayName: string;
  status: AgentStatus;
  skills: string[];
  load: number;
  maxConcurrent: number;
}

export interface Directory {
  skills: DirectorySkill[];
  agents: DirectoryAgent[];
}

export interface Kpis {
  csat: number | null;
  nps: number | null;
  closedToday: number;
  avgFirstResponseSec: number | null;
  openNow?: number;
}

export interface ContentItem {
  id: string;
  categoryId: string | null;
  title: string;
  text: string;
}

export interface Offer {
  conversation: ActiveItem;
  expiresAt: string;
}

export interface Session {
  token: string;
  user: User;
}

export const STATUS_LABEL: Record<AgentStatus, string> = { online: 'Online', back_soon: 'Back soon', away: 'Away', offline: 'Offline' };
export const LIST_STATUSES: readonly ListStatus[] = ['ongoing', 'overdue', 'idle', 'closed'];
export const CHANNEL_LABEL: Record<Channel, string> = {
  web: 'Web',
  sms: 'SMS',
  messenger: 'Messenger',
  webhook: 'Webhook',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  telegram: 'Telegram',
};

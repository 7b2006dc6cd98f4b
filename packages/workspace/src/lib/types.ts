import type {
  ActiveItem,
  AgentStatus,
  Channel,
  ContentItem,
  Directory as DirectoryPage,
  ListStatus,
  Message,
  Note,
  Notification,
  OfferCreated,
  ResponseOf,
  User,
  UserSettings,
} from '@parley/contract';

export type { ConversationDetails, DirectoryAgent, DirectorySkill, Kpis, RoutingDecision } from '@parley/contract';
export type { ActiveItem, AgentStatus, Channel, ContentItem, ListStatus, Message, Note, Notification, User, UserSettings };

/** The directory as the workspace keeps it: every page of skills and agents. */
export type Directory = Pick<DirectoryPage, 'skills' | 'agents'>;

/** A conversation ringing to the agent (`offer.created`). */
export type Offer = OfferCreated;

/** A signed-in session (the sign-in's answer). */
export type Session = ResponseOf<'POST /api/v1/auth/login'>;

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

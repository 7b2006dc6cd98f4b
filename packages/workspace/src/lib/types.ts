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
import { CHANNEL_NAMES } from '@parley/contract';
import { t } from '../i18n/index.js';

export type { ConversationDetails, DirectoryAgent, DirectorySkill, Kpis, RoutingDecision } from '@parley/contract';
export type { ActiveItem, AgentStatus, Channel, ContentItem, ListStatus, Message, Note, Notification, User, UserSettings };

/** The directory as the workspace keeps it: every page of skills and agents. */
export type Directory = Pick<DirectoryPage, 'skills' | 'agents'>;

/** A conversation ringing to the agent (`offer.created`). */
export type Offer = OfferCreated;

/** A signed-in session (the sign-in's answer). */
export type Session = ResponseOf<'POST /api/v1/auth/login'>;

/** An agent status in the current language (each read translates: `STATUS_LABEL[status]`). */
export const STATUS_LABEL: Readonly<Record<AgentStatus, string>> = Object.defineProperties({} as Record<AgentStatus, string>, {
  online: { enumerable: true, get: () => t('status.online') },
  back_soon: { enumerable: true, get: () => t('status.back_soon') },
  away: { enumerable: true, get: () => t('status.away') },
  offline: { enumerable: true, get: () => t('status.offline') },
});
/** A list status (ongoing, overdue, idle, closed) in the current language. */
export const listStatusLabel = (s: ListStatus): string => t(`listStatus.${s}`);
export const LIST_STATUSES: readonly ListStatus[] = ['ongoing', 'overdue', 'idle', 'closed'];
export const CHANNEL_LABEL: Record<Channel, string> = CHANNEL_NAMES;

import { z } from 'zod';
import { ActiveItem, AgentStatus, Channel, ClosedBy, ConversationState, Message, Note, Notification } from './schemas.js';
import { AskedSurveyQuestion } from './settings.js';

/**
 * The events the server stores and pushes, by name, with the zod schema of their payload (`data`
 * in the "event" envelope). The same union types the server's transitions (which emit them), its
 * one `audienceFor` (which decides who receives each) and the clients (which read them). Socket-only
 * signals that are never stored (`typing`, `resync.required`, `dashboard.changed`) are not here.
 */

/** A conversation as its consumer sees it (`conversation.updated`, `conversation.closed`, the consumer API). */
export const ConsumerConversation = z.object({
  id: z.string(),
  state: ConversationState,
  skillId: z.string().nullable(),
  channel: Channel,
  agent: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  awaiting: z.enum(['agent', 'consumer']),
  urgent: z.boolean(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  closedBy: ClosedBy.nullable(),
});
export type ConsumerConversation = z.infer<typeof ConsumerConversation>;

/** `conversation.updated` (consumer): the conversation, and while it waits its place in the queue. */
export const ConsumerConversationUpdated = ConsumerConversation.extend({
  queuePosition: z.number().int().optional(),
  expectedResponseSec: z.number().int().optional(),
});

/** `conversation.removed` (agent): the conversation left the agent's Active list. */
export const ConversationRemoved = z.object({ id: z.string() });

/** `offer.created` (agent, ring mode): the conversation rings to the agent until `expiresAt`. */
export const OfferCreated = z.object({ conversation: ActiveItem, expiresAt: z.string() });
export type OfferCreated = z.infer<typeof OfferCreated>;

/** `offer.withdrawn` (agent): the offer no longer rings to the agent, and why. */
export const OfferWithdrawn = z.object({ id: z.string(), reason: z.enum(['declined', 'timeout', 'closed', 'transferred']) });
export type OfferWithdrawn = z.infer<typeof OfferWithdrawn>;

/** `status.changed` (agent): the agent's availability (or its reason) changed; `missed_ring` when a missed ring set it away. */
export const StatusChanged = z.object({
  userId: z.string(),
  status: AgentStatus,
  reason: z.literal('missed_ring').optional(),
  /** The status reason (Lunch, Training…) the agent chose with it, if any. */
  reasonId: z.string().nullable().optional(),
});
export type StatusChanged = z.infer<typeof StatusChanged>;

/** `survey.requested` (consumer): the post-conversation survey to show. */
export const SurveyRequested = z.object({ surveyId: z.string(), conversationId: z.string(), questions: z.array(AskedSurveyQuestion), expiresAt: z.string() });
export type SurveyRequested = z.infer<typeof SurveyRequested>;

/** `survey.expired` (consumer): the survey was not answered within its timeout. */
export const SurveyExpired = z.object({ surveyId: z.string(), conversationId: z.string() });
export type SurveyExpiredEvent = z.infer<typeof SurveyExpired>;

/**
 * `survey.withdrawn` (consumer): the pending survey of `conversationId` no longer applies, because
 * the conversation went on — the agent resumed it (`resumed`) or the consumer started a new
 * conversation (`new_conversation`). Remove its form; answering it now is 409.
 */
export const SurveyWithdrawn = z.object({ surveyId: z.string(), conversationId: z.string(), reason: z.enum(['resumed', 'new_conversation']) });
export type SurveyWithdrawnEvent = z.infer<typeof SurveyWithdrawn>;

/** `survey.answered` (agent): answers came in for a survey of the agent's conversation. */
export const SurveyAnswered = z.object({ surveyId: z.string(), conversationId: z.string(), complete: z.boolean(), questionIds: z.array(z.string()) });
export type SurveyAnswered = z.infer<typeof SurveyAnswered>;

/** Event name → payload schema: every event the server stores for a recipient. */
export const DOMAIN_EVENTS = {
  'conversation.upserted': ActiveItem,
  'conversation.removed': ConversationRemoved,
  'offer.created': OfferCreated,
  'offer.withdrawn': OfferWithdrawn,
  'message.created': Message,
  'message.updated': Message,
  'status.changed': StatusChanged,
  'note.created': Note,
  'notification.created': Notification,
  'survey.answered': SurveyAnswered,
  'conversation.updated': ConsumerConversationUpdated,
  'conversation.closed': ConsumerConversation,
  'survey.requested': SurveyRequested,
  'survey.expired': SurveyExpired,
  'survey.withdrawn': SurveyWithdrawn,
} as const;

export type DomainEventType = keyof typeof DOMAIN_EVENTS;
export type DomainEventPayload<T extends DomainEventType> = z.infer<(typeof DOMAIN_EVENTS)[T]>;

/** One stored event: its name and its payload, typed together. */
export type DomainEvent = { [T in DomainEventType]: { type: T; data: DomainEventPayload<T> } }[DomainEventType];

/** Checks a payload against its event's schema (tests and clients that want the check). */
export function parseDomainEvent(type: string, data: unknown): DomainEvent {
  const schema = (DOMAIN_EVENTS as Record<string, z.ZodType>)[type];
  if (!schema) throw new Error(`unknown event type ${type}`);
  return { type, data: schema.parse(data) } as DomainEvent;
}

/**
 * A push as a client reads it (the "event" envelope of events.ts): its `type` narrows `data` to the
 * payload of DOMAIN_EVENTS, so no client casts a payload. `resync.required` is a socket-only signal.
 */
export type PushedEvent = { seq: number; at: string } & (DomainEvent | { type: 'resync.required'; data: unknown });

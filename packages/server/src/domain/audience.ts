import type { ConversationState, DomainEvent } from '@parley/contract';

/**
 * Who receives each stored event: the one place that decides it. Services emit domain events with
 * the scene they happened in (the conversation before and after, the survey, the user notified);
 * `audienceFor` turns that into recipients, and the socket layer only delivers to their rooms.
 * Events are stored per recipient with gapless seqs (ADR 2), so a recipient chosen here is also
 * who gets it again on sync.
 */

export type RecipientKind = 'agent' | 'consumer';

export interface Recipient {
  kind: RecipientKind;
  id: string;
}

export const agentRecipient = (id: string): Recipient => ({ kind: 'agent', id });
export const consumerRecipient = (id: string): Recipient => ({ kind: 'consumer', id });

/** An event for one recipient, as it is stored and pushed. */
export type Delivery = DomainEvent & { recipient: Recipient };

/** A delivery as stored: with the account and the recipient's gapless seq (ADR 2). */
export type StoredDelivery = Delivery & { accountId: string; seq: number; at: number };

/** The people of a conversation the audience rules look at. */
export interface Parties {
  consumerId: string;
  state: ConversationState;
  agentId: string | null;
  lastAgentId: string | null;
}

/** Where an event happened. Conversation events need `conversation` (as it is after) and, for what left an agent, `before`. */
export interface Scene {
  conversation?: Parties;
  /** The conversation as it was before the change (`conversation.removed`, `offer.withdrawn`). */
  before?: Parties;
  /** `survey.*`: the survey's consumer and the agent it rates. */
  survey?: { consumerId: string; agentId: string | null };
  /** `notification.created`: the user it belongs to. */
  user?: string;
}

/** The agent whose Active list holds the conversation: its agent, or once closed the last one who had it. */
export function listOwner(c: Parties): string | null {
  return c.agentId ?? (c.state === 'closed' ? c.lastAgentId : null);
}

/** The agent who has the conversation or, when nobody has it now, the last one who had it. */
export function servingAgent(c: Parties): string | null {
  return c.agentId ?? c.lastAgentId;
}

function need<T>(part: T | undefined, what: string, type: string): T {
  if (part === undefined) throw new Error(`${type} needs the scene's ${what}`);
  return part;
}

const agents = (...ids: (string | null | undefined)[]): Recipient[] => [...new Set(ids.filter((x): x is string => !!x))].map(agentRecipient);

/**
 * The recipients of `event` (docs/architecture.md has the table):
 * - `conversation.upserted`, `message.created` (agent side): the list owner of the conversation now;
 *   `message.created` also goes to the consumer;
 * - `conversation.removed`: the list owner before the change; `offer.created` / `offer.withdrawn`:
 *   the agent it rings (rang) to;
 * - `message.updated`: the serving agent and the message's author; `note.created`: the serving agent
 *   and the note's author; `notification.created`: its user; `status.changed`: the agent it is about;
 * - `conversation.updated`, `conversation.closed`: the consumer; `survey.requested | expired |
 *   withdrawn`: the survey's consumer; `survey.answered`: the survey's agent.
 */
export function audienceFor(event: DomainEvent, scene: Scene): Recipient[] {
  const conversation = () => need(scene.conversation, 'conversation', event.type);
  switch (event.type) {
    case 'conversation.upserted':
      return agents(listOwner(conversation()));
    case 'conversation.removed':
      return agents(listOwner(need(scene.before, 'before', event.type)));
    case 'offer.created':
      return agents(conversation().agentId);
    case 'offer.withdrawn':
      return agents(need(scene.before, 'before', event.type).agentId);
    case 'message.created': {
      const c = conversation();
      return [consumerRecipient(c.consumerId), ...agents(listOwner(c))];
    }
    case 'message.updated':
      return agents(servingAgent(conversation()), event.data.senderType === 'agent' ? event.data.senderId : null);
    case 'note.created':
      return agents(servingAgent(conversation()), event.data.authorId);
    case 'notification.created':
      return agents(need(scene.user, 'user', event.type));
    case 'status.changed':
      return agents(event.data.userId);
    case 'conversation.updated':
    case 'conversation.closed':
      return [consumerRecipient(conversation().consumerId)];
    case 'survey.requested':
    case 'survey.expired':
    case 'survey.withdrawn':
      return [consumerRecipient(need(scene.survey, 'survey', event.type).consumerId)];
    case 'survey.answered':
      return agents(need(scene.survey, 'survey', event.type).agentId);
  }
}

/**
 * What one recipient gets of an event. Only `message.created` differs: the consumer's copy names
 * the agent who wrote it (`senderName`), the agents' copy does not (their list shows it). A bot's
 * message names the bot in every copy (no directory knows it).
 */
function viewFor(event: DomainEvent, recipient: Recipient): DomainEvent {
  if (event.type === 'message.created' && recipient.kind === 'agent' && event.data.senderType === 'agent' && event.data.senderName !== undefined) {
    const { senderName: _, ...data } = event.data;
    return { type: event.type, data };
  }
  return event;
}

/** The deliveries of events that happened in one scene, in order. */
export function deliveriesOf(events: readonly DomainEvent[], scene: Scene): Delivery[] {
  return events.flatMap((e) => audienceFor(e, scene).map((recipient) => ({ ...viewFor(e, recipient), recipient }) as Delivery));
}

/** Who types in the ephemeral "agent is typing" cue (never stored, no seq, not replayed). */
export interface Typist {
  id: string;
  role: 'agent' | 'manager';
}

/**
 * The recipient of "agent is typing" on conversation `c`: its consumer, while the conversation is
 * open and the typist is its agent or a manager of the account. Refused with `not_found` when the
 * conversation is missing or not open, `forbidden` when the typist may not speak in it.
 */
export function typingAudience(c: Parties | undefined, typist: Typist | undefined): { to: Recipient } | { refused: 'not_found' | 'forbidden' } {
  if (c?.state !== 'open') return { refused: 'not_found' };
  if (!typist || (c.agentId !== typist.id && typist.role !== 'manager')) return { refused: 'forbidden' };
  return { to: consumerRecipient(c.consumerId) };
}

/** The conversation an event is about, or null (`status.changed`, `notification.created`). */
export function conversationOf(event: DomainEvent): string | null {
  switch (event.type) {
    case 'conversation.upserted':
    case 'conversation.removed':
    case 'offer.withdrawn':
    case 'conversation.updated':
    case 'conversation.closed':
      return event.data.id;
    case 'offer.created':
      return event.data.conversation.id;
    case 'message.created':
    case 'message.updated':
    case 'note.created':
    case 'survey.requested':
    case 'survey.expired':
    case 'survey.withdrawn':
    case 'survey.answered':
      return event.data.conversationId;
    case 'notification.created':
    case 'status.changed':
      return null;
  }
}

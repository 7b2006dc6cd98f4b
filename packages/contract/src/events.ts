/** Socket.IO realtime event names, as sent on the wire inside the "event" envelope. */
export const AGENT_EVENT_TYPES = [
  'conversation.upserted',
  'conversation.removed',
  'message.created',
  'message.updated',
  'offer.created',
  'offer.withdrawn',
  'status.changed',
  'notification.created',
  'survey.answered',
  'note.created',
  'resync.required',
] as const;

export const CONSUMER_EVENT_TYPES = [
  'conversation.updated',
  'message.created',
  'conversation.closed',
  'survey.requested',
  'survey.expired',
  'survey.withdrawn',
  'typing',
  'resync.required',
] as const;

export type AgentEventType = (typeof AGENT_EVENT_TYPES)[number];
export type ConsumerEventType = (typeof CONSUMER_EVENT_TYPES)[number];
export type EventType = AgentEventType | ConsumerEventType;

/** Envelope of every push: `socket.on("event", (e: EventEnvelope) => …)`. */
export interface EventEnvelope<T = unknown> {
  /** Increases by exactly one per listener; a jump means events were missed: emit "sync". */
  seq: number;
  type: EventType;
  at: string;
  data: T;
}

// The payloads of the stored events (and `SurveyExpiredEvent`, `SurveyWithdrawnEvent`) are typed in domain-events.ts.

/** Sent by the server once per connection: the listener's current last seq. */
export interface HelloPayload {
  seq: number;
}

export interface SyncRequest {
  afterSeq: number;
}

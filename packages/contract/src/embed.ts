import { z } from 'zod/mini';

/**
 * The embedding protocol: `window.postMessage` between the agent workspace in an iframe and the
 * page that hosts it (a CRM). Shared by the workspace (src/lib/embed-bridge.ts) and the host SDK
 * (packages/embed, served at /embed.js), so both sides speak exactly these shapes.
 *
 * Written with `zod/mini` so the host SDK stays a few kilobytes: the schemas tree-shake.
 *
 * From the workspace: `{ source: "parley-workspace", version: 1, type, data }` (EmbedEvent).
 * From the host:      `{ source: "parley-embed", version: 1, type, data }` (EmbedCommand).
 * The workspace talks only to a parent whose origin is in the account's `allowedFrameAncestors`;
 * the host SDK accepts messages only from the iframe it created and from its URL's origin.
 */
export const EMBED_PROTOCOL_VERSION = 1;
export const WORKSPACE_SOURCE = 'parley-workspace';
export const HOST_SOURCE = 'parley-embed';

/** The agent statuses (the same list as `AgentStatus` in schemas.ts, kept zod-mini here). */
export const EmbedAgentStatus = z.enum(['online', 'back_soon', 'away', 'offline']);
export type EmbedAgentStatus = z.infer<typeof EmbedAgentStatus>;

const id = z.string().check(z.minLength(1), z.maxLength(100));

/** Custom variables of the consumer, as the brand set them (e.g. `email`, `phone`, `crmId`). */
export const EmbedCustomVariables = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const EmbedConsumer = z.object({
  name: z.string(),
  channel: z.string(),
  customVariables: EmbedCustomVariables,
});
export type EmbedConsumer = z.infer<typeof EmbedConsumer>;

/** `data` of each event the workspace sends. */
export const EmbedEventData = {
  /** The bridge is up: the workspace will now accept commands. */
  ready: z.object({ version: z.number() }),
  'auth.changed': z.object({
    signedIn: z.boolean(),
    user: z.optional(z.object({ id: z.string(), displayName: z.string(), accountId: z.string() })),
  }),
  'status.changed': z.object({ status: EmbedAgentStatus }),
  /** The agent opened a conversation (from the list, an accepted offer, or the host's command). */
  'conversation.opened': z.object({ id: z.string(), consumer: EmbedConsumer }),
  /** The open conversation was closed, transferred, or the agent went back to the list. */
  'conversation.closed': z.object({ id: z.string() }),
  /** Conversations with new incoming messages. */
  'unread.changed': z.object({ count: z.number() }),
  /** The transcript as plain text: after the agent copies it, or on `requestTranscript`. */
  transcript: z.object({ id: z.string(), text: z.string() }),
} as const;

export type EmbedEventType = keyof typeof EmbedEventData;
export type EmbedEventMap = { [K in EmbedEventType]: z.infer<(typeof EmbedEventData)[K]> };
export const EMBED_EVENT_TYPES = Object.keys(EmbedEventData) as EmbedEventType[];

/** `data` of each command the host sends. */
export const EmbedCommandData = {
  /** Open a conversation of the signed-in agent's list. */
  openConversation: z.object({ id }),
  setStatus: z.object({ status: EmbedAgentStatus }),
  /** Insert text at the cursor of the open conversation's composer (not sent). */
  insertText: z.object({ text: z.string().check(z.minLength(1), z.maxLength(10_000)) }),
  /** Ask for the transcript of a conversation (default: the open one); answered with `transcript`. */
  requestTranscript: z.object({ id: z.optional(id) }),
} as const;

export type EmbedCommandType = keyof typeof EmbedCommandData;
export type EmbedCommandMap = { [K in EmbedCommandType]: z.infer<(typeof EmbedCommandData)[K]> };
export const EMBED_COMMAND_TYPES = Object.keys(EmbedCommandData) as EmbedCommandType[];

export type EmbedEvent = { [K in EmbedEventType]: { source: typeof WORKSPACE_SOURCE; version: number; type: K; data: EmbedEventMap[K] } }[EmbedEventType];
export type EmbedCommand = { [K in EmbedCommandType]: { source: typeof HOST_SOURCE; version: number; type: K; data: EmbedCommandMap[K] } }[EmbedCommandType];

const has = <T extends object>(o: T, k: PropertyKey): k is keyof T => Object.hasOwn(o, k);

function envelope(raw: unknown, source: string): { type: string; data: unknown; version: number } | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as { source?: unknown; type?: unknown; data?: unknown; version?: unknown };
  if (m.source !== source || typeof m.type !== 'string') return null;
  // A host written against v1 may leave the version out; anything newer than we know is refused.
  const version = m.version === undefined ? EMBED_PROTOCOL_VERSION : m.version;
  if (typeof version !== 'number' || version > EMBED_PROTOCOL_VERSION) return null;
  return { type: m.type, data: m.data ?? {}, version };
}

/** A message from the workspace, validated; null for anything else (other sources, bad shapes). */
export function parseEmbedEvent(raw: unknown): EmbedEvent | null {
  const m = envelope(raw, WORKSPACE_SOURCE);
  if (!m || !has(EmbedEventData, m.type)) return null;
  const r = EmbedEventData[m.type].safeParse(m.data);
  return r.success ? ({ source: WORKSPACE_SOURCE, version: m.version, type: m.type, data: r.data } as EmbedEvent) : null;
}

/** A command from the host, validated; null for anything else. */
export function parseEmbedCommand(raw: unknown): EmbedCommand | null {
  const m = envelope(raw, HOST_SOURCE);
  if (!m || !has(EmbedCommandData, m.type)) return null;
  const r = EmbedCommandData[m.type].safeParse(m.data);
  return r.success ? ({ source: HOST_SOURCE, version: m.version, type: m.type, data: r.data } as EmbedCommand) : null;
}

export function embedEvent<K extends EmbedEventType>(type: K, data: EmbedEventMap[K]): EmbedEvent {
  return { source: WORKSPACE_SOURCE, version: EMBED_PROTOCOL_VERSION, type, data } as EmbedEvent;
}

export function embedCommand<K extends EmbedCommandType>(type: K, data: EmbedCommandMap[K]): EmbedCommand {
  return { source: HOST_SOURCE, version: EMBED_PROTOCOL_VERSION, type, data } as EmbedCommand;
}

/** An origin (`https://host[:port]`) of a URL, or null when it is not an http(s) URL. */
export function originOf(url: string, base?: string): string | null {
  try {
    const u = new URL(url, base);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
}

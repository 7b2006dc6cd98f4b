/**
 * The postMessage bridge to a host page (a CRM) that embeds the workspace in an iframe.
 * The protocol (message shapes, zod schemas) is `@parley/contract` embed.ts, shared with the host
 * SDK (packages/embed, served at /embed.js); docs/embedding.md describes it.
 *
 * Outgoing, to the parent: `{ source: "parley-workspace", version: 1, type, data }` with type one
 * of API.md "Embedding": `ready`, `auth.changed`, `status.changed`, `conversation.opened`,
 * `conversation.closed` (`{ id, consumer: { name, channel, customVariables } }`),
 * `unread.changed`, `transcript` (`{ id, text }`).
 * Incoming, from the parent: `{ source: "parley-embed", version: 1, type, data }` with type
 * `openConversation` `{ id }`, `setStatus` `{ status }`, `insertText` `{ text }`,
 * `requestTranscript` `{ id? }`; anything that does not match the schemas is dropped.
 * Messages go to, and are accepted from, the parent's origin only when it is in the account's
 * `allowedFrameAncestors` (GET /api/v1/embed/config?accountId=).
 */
import { type EmbedCommand, type EmbedEventMap, type EmbedEventType, embedEvent, parseEmbedCommand } from '@parley/contract';

export type BridgeEventType = EmbedEventType;
export type BridgeCommand = EmbedCommand;
export type BridgeCommandType = EmbedCommand['type'];

export const isEmbedded = (): boolean => {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
};

function parentOrigin(): string | null {
  const ancestors = (location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins;
  if (ancestors && ancestors.length > 0) return ancestors.item(0);
  try {
    return document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    return null;
  }
}

export class EmbedBridge {
  private target: string | null = null;
  private accountId: string | null = null;
  private queue: { type: BridgeEventType; data: EmbedEventMap[BridgeEventType] }[] = [];
  private ready = false;
  private listener: ((e: MessageEvent) => void) | null = null;

  constructor(private readonly onCommand: (cmd: BridgeCommand) => void) {}

  get active(): boolean {
    return this.target !== null;
  }

  /** Looks up the account's allowed origins and starts talking if the parent is one of them. */
  async connect(accountId: string): Promise<void> {
    if (!isEmbedded() || this.accountId === accountId) return;
    this.accountId = accountId;
    const origin = parentOrigin();
    if (!origin) return;
    try {
      const res = await fetch(`/api/v1/embed/config?accountId=${encodeURIComponent(accountId)}`);
      if (!res.ok) return;
      const config = (await res.json()) as { allowedFrameAncestors: string[] };
      if (!config.allowedFrameAncestors.includes(origin)) return;
    } catch {
      return;
    }
    this.target = origin;
    this.listener = (e: MessageEvent) => {
      if (e.source !== window.parent || e.origin !== this.target) return;
      const cmd = parseEmbedCommand(e.data);
      if (cmd) this.onCommand(cmd);
    };
    window.addEventListener('message', this.listener);
    if (!this.ready) this.send('ready', { version: 1 });
    this.ready = true;
    const queued = this.queue;
    this.queue = [];
    for (const m of queued) this.send(m.type, m.data);
  }

  post<K extends BridgeEventType>(type: K, data: EmbedEventMap[K]): void {
    if (!isEmbedded()) return;
    if (!this.target) {
      if (this.queue.length < 50) this.queue.push({ type, data });
      return;
    }
    this.send(type, data);
  }

  private send<K extends BridgeEventType>(type: K, data: EmbedEventMap[K]): void {
    if (!this.target) return;
    window.parent.postMessage(embedEvent(type, data), this.target);
  }
}

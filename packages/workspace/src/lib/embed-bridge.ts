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
 *
 * The bridge belongs to a session, never to the page: `bind(accountId)` after each sign-in looks up
 * the SIGNED-IN user's account's `allowedFrameAncestors` (GET /api/v1/embed/config?accountId=) and
 * talks only when the parent's origin is in that list; `unbind()` on sign-out or session end
 * forgets it. Before a bind (not signed in) nothing is sent and no listener is installed, so no
 * command is accepted. Every message sent targets the exact verified origin (never `"*"`); every
 * message received is checked for `source === window.parent` and its origin against the list.
 */
import { type EmbedCommand, type EmbedEventMap, type EmbedEventType, embedEvent, parseEmbedCommand } from '@parley/contract';
import { api } from './api.js';

export type BridgeEventType = EmbedEventType;
export type BridgeCommand = EmbedCommand;
export type BridgeCommandType = EmbedCommand['type'];

type Queued = { type: BridgeEventType; data: EmbedEventMap[BridgeEventType] };

export const isEmbedded = (): boolean => {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
};

/** In a frame: the account the embed URL names (`?account=`); a frame signs in to that account only. */
export function frameAccountId(): string | null {
  if (!isEmbedded()) return null;
  const account = new URLSearchParams(location.search).get('account')?.trim();
  return account ? account : null;
}

/**
 * The parent's origin as the browser reports it. It is only a claim to be checked against the
 * account's list: a message posted with it as target origin is delivered only if the parent really
 * has that origin, and messages received are checked on their own `origin`.
 */
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
  /** The verified parent origin, for the current session only. */
  private target: string | null = null;
  /** The signed-in account's allowed origins the target was checked against. */
  private allowed: readonly string[] = [];
  /** Events of the current session while its bind is pending; null when there is no session to bind (they are dropped). */
  private pending: Queued[] | null = null;
  /** Bumped on every bind and unbind: a lookup answered for an older session is ignored. */
  private generation = 0;
  private listener: ((e: MessageEvent) => void) | null = null;

  constructor(
    private readonly onCommand: (cmd: BridgeCommand) => void,
    private readonly lookup: (accountId: string) => Promise<readonly string[]> = fetchAllowedFrameAncestors,
  ) {}

  /** True when events of this session reach (or, once the lookup answers, may reach) a host. */
  get active(): boolean {
    return this.target !== null || this.pending !== null;
  }

  /** After a sign-in (or a restored session): binds to the signed-in user's account, starting afresh. */
  async bind(accountId: string): Promise<void> {
    this.reset();
    if (!isEmbedded()) return;
    const generation = this.generation;
    const origin = parentOrigin();
    if (!origin) return;
    this.pending = [];
    let allowed: readonly string[];
    try {
      allowed = await this.lookup(accountId);
    } catch {
      allowed = [];
    }
    if (generation !== this.generation) return; // signed out (or in again) meanwhile
    const queued = this.pending ?? [];
    this.pending = null;
    if (!allowed.includes(origin)) return;
    this.allowed = allowed;
    this.target = origin;
    this.listener = (e: MessageEvent) => {
      if (e.source !== window.parent || e.origin !== this.target || !this.allowed.includes(e.origin)) return;
      const cmd = parseEmbedCommand(e.data);
      if (cmd) this.onCommand(cmd);
    };
    window.addEventListener('message', this.listener);
    this.send('ready', { version: 1 });
    for (const m of queued) this.send(m.type, m.data);
  }

  /** Sign-out or session end: tells a bound host `auth.changed { signedIn: false }`, then forgets it. */
  unbind(): void {
    this.send('auth.changed', { signedIn: false });
    this.reset();
  }

  post<K extends BridgeEventType>(type: K, data: EmbedEventMap[K]): void {
    if (this.target) this.send(type, data);
    else if (this.pending && this.pending.length < 50) this.pending.push({ type, data });
  }

  private reset(): void {
    this.generation++;
    if (this.listener) window.removeEventListener('message', this.listener);
    this.listener = null;
    this.target = null;
    this.allowed = [];
    this.pending = null;
  }

  private send<K extends BridgeEventType>(type: K, data: EmbedEventMap[K]): void {
    if (!this.target) return;
    window.parent.postMessage(embedEvent(type, data), this.target);
  }
}

async function fetchAllowedFrameAncestors(accountId: string): Promise<readonly string[]> {
  let config: { allowedFrameAncestors?: unknown };
  try {
    config = await api.call('GET /api/v1/embed/config', { query: { accountId } });
  } catch {
    return [];
  }
  // Checked all the same: this list decides which origin the bridge talks to.
  return Array.isArray(config.allowedFrameAncestors) ? config.allowedFrameAncestors.filter((o): o is string => typeof o === 'string') : [];
}

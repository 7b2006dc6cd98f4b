/**
 * The host-side SDK: puts the Parley agent workspace in an iframe on any page (a CRM) and speaks
 * the typed postMessage protocol of `@parley/contract` (embed.ts) with it.
 *
 *   const parley = createParleyEmbed({ url: 'https://parley.example.com/?account=ACCOUNT_ID', container });
 *   parley.on('conversation.opened', ({ id, consumer }) => findCustomer(consumer.customVariables));
 *   parley.insertText('Your order ships today.');
 *
 * Served as a classic script at `/embed.js`, which defines `window.ParleyEmbed.create(options)`.
 *
 * Security: events are accepted only from the iframe this SDK created and only from the origin of
 * `url`; commands are posted to that origin only. The workspace, for its part, talks only to a
 * parent whose origin is in the account's `allowedFrameAncestors` (and its CSP `frame-ancestors`
 * refuses to be framed by any other), so both sides check.
 */
import {
  type EmbedAgentStatus,
  EmbedCommandData,
  type EmbedCommandMap,
  type EmbedCommandType,
  type EmbedEventMap,
  type EmbedEventType,
  embedCommand,
  originOf,
  parseEmbedEvent,
} from '@parley/contract';

export type {
  EmbedAgentStatus,
  EmbedCommandMap,
  EmbedCommandType,
  EmbedConsumer,
  EmbedEventMap,
  EmbedEventType,
} from '@parley/contract';

export interface ParleyEmbedOptions {
  /** The workspace's embed URL, with the account: `https://parley.example.com/?account=ACCOUNT_ID`. */
  url: string;
  /** The element the iframe is put in; the iframe fills it. */
  container: HTMLElement;
  /** Accessible name of the iframe (default "Parley agent workspace"). */
  title?: string;
  /** How long `requestTranscript()` waits for the answer, in ms (default 15 000). */
  transcriptTimeoutMs?: number;
}

export type EmbedListener<K extends EmbedEventType> = (data: EmbedEventMap[K]) => void;

export interface ParleyEmbed {
  /** The iframe holding the workspace. */
  readonly iframe: HTMLIFrameElement;
  /** The workspace's origin: the only one messages are exchanged with. */
  readonly origin: string;
  /** True once the workspace said `ready` (commands sent before are queued until then). */
  readonly ready: boolean;
  /** Listen to an event; returns a function that stops listening. */
  on<K extends EmbedEventType>(type: K, fn: EmbedListener<K>): () => void;
  off<K extends EmbedEventType>(type: K, fn: EmbedListener<K>): void;
  /** Open one of the signed-in agent's conversations. */
  openConversation(id: string): void;
  /** Set the agent's status. */
  setStatus(status: EmbedAgentStatus): void;
  /** Insert text into the composer of the open conversation (the agent still sends it). */
  insertText(text: string): void;
  /**
   * Ask for a transcript (default: the open conversation's). The answer also comes as a
   * `transcript` event; the promise resolves with it, or rejects after the timeout.
   */
  requestTranscript(id?: string): Promise<EmbedEventMap['transcript']>;
  /** Remove the iframe and every listener. */
  destroy(): void;
}

const DEFAULT_TITLE = 'Parley agent workspace';

export function createParleyEmbed(options: ParleyEmbedOptions): ParleyEmbed {
  const { container } = options;
  if (!container || typeof (container as Partial<HTMLElement>).appendChild !== 'function') throw new TypeError('ParleyEmbed: `container` must be an element');
  const doc = container.ownerDocument;
  const win = doc.defaultView;
  if (!win) throw new TypeError('ParleyEmbed: `container` is not in a window');
  const url = new URL(String(options.url), doc.baseURI).toString();
  const origin = originOf(url);
  if (!origin) throw new TypeError('ParleyEmbed: `url` must be an http(s) URL');

  const iframe = doc.createElement('iframe');
  iframe.src = url;
  iframe.title = options.title ?? DEFAULT_TITLE;
  // Copying a transcript and the new-conversation chime need these inside a cross-origin frame.
  iframe.setAttribute('allow', 'clipboard-write; autoplay');
  iframe.style.cssText = 'display:block;width:100%;height:100%;border:0;';
  container.appendChild(iframe);

  const listeners = new Map<EmbedEventType, Set<(data: never) => void>>();
  let pending: { type: EmbedCommandType; data: unknown }[] = [];
  let ready = false;
  let destroyed = false;

  const emit = <K extends EmbedEventType>(type: K, data: EmbedEventMap[K]) => {
    for (const fn of [...(listeners.get(type) ?? [])]) {
      try {
        (fn as EmbedListener<K>)(data);
      } catch (err) {
        // One failing listener must not stop the others (nor the SDK).
        setTimeout(() => {
          throw err;
        });
      }
    }
  };

  const post = (type: EmbedCommandType, data: unknown) => {
    iframe.contentWindow?.postMessage(embedCommand(type, data as never), origin);
  };

  const onMessage = (e: MessageEvent) => {
    if (destroyed || e.origin !== origin || e.source !== iframe.contentWindow) return;
    const event = parseEmbedEvent(e.data);
    if (!event) return;
    if (event.type === 'ready') {
      // Also after the workspace reloads: whatever waits goes now.
      ready = true;
      const queued = pending;
      pending = [];
      for (const c of queued) post(c.type, c.data);
    }
    emit(event.type, event.data as never);
  };
  win.addEventListener('message', onMessage);

  const send = <K extends EmbedCommandType>(type: K, data: EmbedCommandMap[K]) => {
    if (destroyed) throw new Error('ParleyEmbed: destroyed');
    const checked = EmbedCommandData[type].safeParse(data);
    if (!checked.success) throw new TypeError(`ParleyEmbed: bad ${type}: ${checked.error.issues.map((i) => i.message).join('; ')}`);
    if (ready) post(type, checked.data);
    else if (pending.length < 100) pending.push({ type, data: checked.data });
  };

  const on = <K extends EmbedEventType>(type: K, fn: EmbedListener<K>) => {
    let set = listeners.get(type);
    if (!set) {
      set = new Set();
      listeners.set(type, set);
    }
    set.add(fn as (data: never) => void);
    return () => off(type, fn);
  };
  const off = <K extends EmbedEventType>(type: K, fn: EmbedListener<K>) => {
    listeners.get(type)?.delete(fn as (data: never) => void);
  };

  return {
    iframe,
    origin,
    get ready() {
      return ready;
    },
    on,
    off,
    openConversation: (id) => send('openConversation', { id }),
    setStatus: (status) => send('setStatus', { status }),
    insertText: (text) => send('insertText', { text }),
    requestTranscript(id) {
      const answer = new Promise<EmbedEventMap['transcript']>((resolve, reject) => {
        const timer = setTimeout(() => {
          stop();
          reject(new Error('ParleyEmbed: no transcript (is an agent signed in, with a conversation open?)'));
        }, options.transcriptTimeoutMs ?? 15_000);
        const stop = on('transcript', (t) => {
          if (id !== undefined && t.id !== id) return;
          clearTimeout(timer);
          stop();
          resolve(t);
        });
      });
      // Callers that only listen to the `transcript` event may drop the promise: no unhandled rejection then.
      answer.catch(() => undefined);
      send('requestTranscript', id === undefined ? {} : { id });
      return answer;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      win.removeEventListener('message', onMessage);
      listeners.clear();
      pending = [];
      iframe.remove();
    },
  };
}

import type { ChannelType, DeliveryStatus, QuickReply, TemplateMessage } from '@parley/contract';
import { invalid } from '../domain/errors.js';

/**
 * A channel adapter turns a provider's webhook into messages and a message into the provider's
 * send request. Adapters are pure (no database, no network): services/channels.service.ts stores
 * what they parse, services/outbound.service.ts sends what they build.
 */

/** What an adapter needs to know about a channel. */
export interface ChannelConfig {
  id: string;
  type: ChannelType;
  /** HMAC key of inbound signatures (and of outbound ones for `webhook`); for SMS the Twilio auth token. */
  secret: string;
  outboundUrl: string | null;
  providerBaseUrl: string | null;
  credentials: Record<string, string>;
  /** Our own address at the provider (the Twilio number, the page id), learned from inbound when not configured. */
  address: string | null;
}

export interface InboundRequest {
  /** The public URL the provider called, query string included (Twilio signs it). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

export interface InboundMessage {
  /** The provider's id of the event (MessageSid, mid, eventId): a repeat is stored once. */
  eventId: string;
  /** The consumer's address at the provider: phone number, page-scoped id, the webhook's `from`. */
  from: string;
  /** Our address at the provider, when the payload says. */
  to?: string | undefined;
  name?: string | undefined;
  /** The consumer's language when the provider says (Telegram's `from.language_code`): automatic messages and surveys come in it. */
  language?: string | undefined;
  /** The text, with media URLs on lines of their own (remote media is not fetched). */
  text: string;
  /** Media the provider keeps for us (WhatsApp media id, Telegram file_id): fetched with `adapter.media`, stored as a file. */
  media?: InboundMedia | undefined;
  /** The consumer chose one of the quick replies of an agent message. */
  quickReply?: { payload: string } | undefined;
  /** The provider wants a call once the event is stored (Telegram's callback query id): see `adapter.acknowledge`. */
  ackRef?: string | undefined;
}

export interface InboundMedia {
  /** The provider's id of the media. */
  ref: string;
  kind: 'image' | 'document' | 'audio' | 'video' | 'sticker';
  /** The consumer's file name, when the provider says (display only: the type comes from the bytes). */
  name?: string | undefined;
}

/** A provider's receipt for a message Parley sent (WhatsApp statuses, Messenger read/delivery). */
export interface InboundReceipt {
  /** The provider's id of the sent message, as its send answer gave it. */
  providerId: string;
  status: Extract<DeliveryStatus, 'sent' | 'delivered' | 'read' | 'failed'>;
  /** `failed`: the provider's error, in one line. */
  error?: string | undefined;
}

export interface InboundResult {
  messageIds: string[];
  duplicates: number;
}

/** The answer the provider expects from a webhook. */
export interface ProviderReply {
  contentType: string;
  body: string;
}

export interface OutboundMessage {
  messageId: string;
  conversationId: string;
  /** The consumer's address at the provider. */
  to: string;
  /** The text (for channels that cannot fetch `file`, a file is named in it). */
  text: string;
  createdAt: number;
  /** A file the provider fetches from Parley: a signed public link (only when PARLEY_PUBLIC_URL is set). */
  file?: { url: string; name: string; contentType: string } | undefined;
  quickReplies?: QuickReply[] | undefined;
  template?: TemplateMessage | undefined;
}

export interface HttpRequest {
  /** POST unless said. */
  method?: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** Empty for a GET. */
  body: string;
}

/** How a provider's refusal of a send is taken. */
export interface SendFailure {
  error: string;
  /** Not worth retrying (expired token, closed window, blocked by the consumer…). */
  permanent?: boolean;
  /** The provider asked to wait (rate limit). */
  retryAfterMs?: number;
}

/** Fetching a consumer's media from the provider: a lookup request, then (if any) the download its answer points at. */
export interface MediaFetch {
  locate(channel: ChannelConfig, ref: string): HttpRequest | { error: string };
  /** From the lookup's answer, the download request (bearer token included where the provider wants it); absent: the lookup's answer is the file. */
  download?(channel: ChannelConfig, located: Buffer): HttpRequest | { error: string };
}

export interface CredentialKey {
  key: string;
  /** Never listed back (masked). */
  secret: boolean;
}

export interface ChannelAdapter {
  type: ChannelType;
  /** Credential keys the type takes. A key named `secret: true` here is masked when channels are listed. */
  credentialKeys: CredentialKey[];
  /** The credential, if any, that *is* the channel secret (the provider signs with it): taken as the secret when given. */
  secretCredential?: string;
  verify(channel: ChannelConfig, req: InboundRequest): boolean;
  /** Parse a verified request; throws a DomainError (invalid_request) when the body is not the provider's format. */
  parse(req: InboundRequest): InboundMessage[];
  reply(result: InboundResult): ProviderReply;
  /** The provider requests for one message, in order, or why they cannot be built (then the message fails without retrying). */
  outbound(channel: ChannelConfig, msg: OutboundMessage): HttpRequest | HttpRequest[] | { error: string };
  /** Receipts in a verified request (status callbacks), if the provider sends any. */
  receipts?(req: InboundRequest): InboundReceipt[];
  /** The provider's id of a message from its answer to the send (receipts name it). */
  sentId?(body: string): string | undefined;
  /** A non-2xx answer to a send, read the provider's way (default: retried, as any failure). */
  sendFailure?(status: number, body: string, headers: Record<string, string | string[] | undefined>): SendFailure;
  media?: MediaFetch;
  /** The call that acknowledges an inbound event carrying `ackRef` (Telegram: answerCallbackQuery). */
  acknowledge?(channel: ChannelConfig, ref: string): HttpRequest;
  /** The `GET` webhook check (Meta's `hub.challenge`): the verify token it must carry. */
  verifyToken?(channel: ChannelConfig): string;
  /** Quick replies are not native: the text lists them numbered and a bare number answers one (SMS). */
  numberedQuickReplies?: boolean;
  /** Fewer quick replies than the API's 13 fit the provider's native ones (WhatsApp lists: 10). */
  maxQuickReplies?: number;
  /** The consumer's address becomes this custom variable (phone, psid, chatId…). */
  addressVariable: string;
  /** A consumer's name when the provider gives none (from the address). */
  defaultName(from: string): string;
}

export const header = (req: InboundRequest, name: string): string | undefined => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** The raw body of a JSON webhook, parsed; anything else is a 400 on `body`. */
export function jsonBody(req: InboundRequest): unknown {
  try {
    return JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    throw invalid('the body is not JSON', 'body');
  }
}

/** The message text: the consumer's words, then each media URL on a line of its own. */
export const withMedia = (text: string | undefined, urls: string[]): string => [text?.trim() ?? '', ...urls].filter(Boolean).join('\n');

export const trimBase = (url: string): string => url.replace(/\/+$/, '');

/** A provider's answer read with `schema`, or undefined when it is not JSON of that shape. */
export function readAnswer<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, body: string | Buffer): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString());
  } catch {
    return undefined;
  }
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}

/** The agent's text followed by the quick replies numbered "1. title" (channels without native buttons). */
export const numberedText = (text: string, quickReplies: readonly QuickReply[] | undefined): string =>
  quickReplies?.length ? [text, ...quickReplies.map((q, i) => `${i + 1}. ${q.title}`)].filter(Boolean).join('\n') : text;

/** A quick reply's payload as the provider carries it: the given one, else the title. */
export const payloadOf = (q: QuickReply): string => q.payload ?? q.title;

/** `v21.0` or `21.0` → `v21.0`; none → the default. */
export const graphVersion = (v: string | undefined, fallback = 'v21.0'): string => {
  if (!v) return fallback;
  return v.startsWith('v') ? v : `v${v}`;
};

/** Seconds of a `Retry-After` header, when it is one. */
export const retryAfterMs = (headers: Record<string, string | string[] | undefined>): number | undefined => {
  const v = headers['retry-after'];
  const s = Number(Array.isArray(v) ? v[0] : v);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : undefined;
};

import type { ChannelType } from '@parley/contract';
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
  /** The text, with media URLs on lines of their own (remote media is not fetched). */
  text: string;
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
  text: string;
  createdAt: number;
}

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
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
  /** The provider request for one message, or why it cannot be built (then the message fails without retrying). */
  outbound(channel: ChannelConfig, msg: OutboundMessage): HttpRequest | { error: string };
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

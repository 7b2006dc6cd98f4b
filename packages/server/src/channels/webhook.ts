import { z } from 'zod';
import { invalid } from '../domain/errors.js';
import { parseInput } from '../domain/validation.js';
import { type ChannelAdapter, header, jsonBody, withMedia } from './adapter.js';
import { sha256Signature, verifySha256 } from './signatures.js';

const Inbound = z.strictObject({
  from: z.string().trim().min(1).max(200),
  text: z.string().max(10_000).optional(),
  mediaUrl: z.string().max(2000).url().optional(),
  name: z.string().trim().min(1).max(120).optional(),
  eventId: z.string().min(1).max(200),
  /** The consumer chose a quick reply of an agent message (its payload). */
  quickReply: z.strictObject({ payload: z.string().min(1).max(1000) }).optional(),
});

/**
 * Parley's generic signed webhook. Inbound `{ from, text?, mediaUrl?, name?, eventId }` with
 * `X-Parley-Signature: sha256=<hex HMAC-SHA256 of the raw body>`; outbound a JSON POST to the
 * channel's `outboundUrl`, signed the same way.
 */
export const webhookAdapter: ChannelAdapter = {
  type: 'webhook',
  credentialKeys: [],
  addressVariable: 'from',
  defaultName: (from) => from,

  verify(channel, req) {
    return verifySha256(channel.secret, req.rawBody, header(req, 'x-parley-signature'));
  },

  parse(req) {
    const { from, text, mediaUrl, name, eventId, quickReply } = parseInput(Inbound, jsonBody(req), 'body');
    const body = withMedia(text, mediaUrl ? [mediaUrl] : []);
    if (!body) throw invalid('a message needs text or mediaUrl', 'body.text');
    return [{ eventId, from, name, text: body, ...(quickReply && { quickReply }) }];
  },

  reply: (result) => ({ contentType: 'application/json; charset=utf-8', body: JSON.stringify(result) }),

  outbound(channel, msg) {
    if (!channel.outboundUrl) return { error: 'the webhook channel has no outboundUrl' };
    const body = JSON.stringify({
      eventId: msg.messageId,
      conversationId: msg.conversationId,
      to: msg.to,
      text: msg.text,
      ...(msg.quickReplies?.length && { quickReplies: msg.quickReplies }),
      ...(msg.file && { file: msg.file }),
      createdAt: new Date(msg.createdAt).toISOString(),
    });
    return {
      url: channel.outboundUrl,
      headers: { 'content-type': 'application/json', 'x-parley-signature': sha256Signature(channel.secret, body), 'x-parley-event-id': msg.messageId },
      body,
    };
  },
};

import type { ChannelType } from '@parley/contract';
import { z } from 'zod';
import { fieldPath, invalid } from '../domain/errors.js';
import {
  type ChannelAdapter,
  type ChannelConfig,
  graphVersion,
  type HttpRequest,
  header,
  type InboundMessage,
  type InboundReceipt,
  type InboundRequest,
  jsonBody,
  type OutboundMessage,
  payloadOf,
  retryAfterMs,
  type SendFailure,
  trimBase,
  withMedia,
} from './adapter.js';
import { secretEqual, verifySha256 } from './signatures.js';

/**
 * The Messenger Platform as Meta runs it for Facebook Pages (`object: "page"`) and for Instagram
 * professional accounts (`object: "instagram"`): one webhook shape (`entry[].messaging[]`), signed
 * with `X-Hub-Signature-256` keyed with the app secret, the `hub.challenge` check, and the Send
 * API. messenger.ts and instagram.ts are this with their own names and limits.
 */

export const GRAPH_API = 'https://graph.facebook.com';

// Meta's payloads carry many more fields (and new ones over time): only what we read is checked.
const Attachment = z.object({ type: z.string().optional(), payload: z.object({ url: z.string().optional() }).nullish() });
const Messaging = z.object({
  sender: z.object({ id: z.string().min(1) }).optional(),
  recipient: z.object({ id: z.string() }).optional(),
  timestamp: z.union([z.number(), z.string()]).optional(),
  message: z
    .object({
      mid: z.string().min(1),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      is_deleted: z.boolean().optional(),
      attachments: z.array(Attachment).optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
    })
    .optional(),
  postback: z.object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string().optional() }).optional(),
  // Messenger: `delivery.mids`; Instagram: `read.mid` (Messenger's read carries a watermark only).
  delivery: z.object({ mids: z.array(z.string()).optional() }).optional(),
  read: z.object({ mid: z.string().optional() }).optional(),
});

/** The Messenger Platform's quick replies: at most 13, titles of at most 20 characters, payloads of at most 1,000. */
export const META_QUICK_REPLIES = 13;
export const META_QUICK_REPLY_TITLE = 20;

const Sent = z.object({ message_id: z.string().min(1) });
const GraphError = z.object({ error: z.object({ message: z.string().optional(), code: z.number().optional(), error_subcode: z.number().optional() }) });

/** A Graph API error answer read the way Meta documents its codes: 190 expired token, 4/613/80006/130429 rate limits, 10/551/2018278 the person cannot be reached. */
export function graphFailure(status: number, body: string, headers: Record<string, string | string[] | undefined>): SendFailure {
  let parsed: z.infer<typeof GraphError> | undefined;
  try {
    const r = GraphError.safeParse(JSON.parse(body));
    parsed = r.success ? r.data : undefined;
  } catch {
    parsed = undefined;
  }
  const code = parsed?.error.code;
  const text = `HTTP ${status}${parsed?.error.message ? `: ${parsed.error.message}` : body ? `: ${body.slice(0, 200)}` : ''}${code !== undefined ? ` (code ${code})` : ''}`;
  const rate = status === 429 || code === 4 || code === 613 || code === 80006 || code === 80007 || code === 130429 || code === 131056;
  if (rate) return { error: text, retryAfterMs: retryAfterMs(headers) ?? 60_000 };
  // An expired or revoked token (190), a missing permission (10, 200), or a person who cannot be
  // messaged (551, 2018278 outside the window): retrying cannot help until a person fixes it.
  if (status === 401 || status === 403 || code === 190 || code === 10 || code === 200 || code === 551 || code === 2018278 || code === 131047)
    return { error: text, permanent: true };
  if (status >= 400 && status < 500 && status !== 408) return { error: text, permanent: true };
  return { error: text };
}

export interface MetaMessagingOptions {
  type: ChannelType;
  object: 'page' | 'instagram';
  /** Human name in errors. */
  title: string;
  /** Attachments of consumers: fetched and stored as files (Instagram), or kept as links in the text (Messenger). */
  fetchAttachments: boolean;
  addressVariable: string;
  defaultName(from: string): string;
}

export function metaMessagingAdapter(o: MetaMessagingOptions): ChannelAdapter {
  const Webhook = z.object({
    object: z.literal(o.object),
    entry: z.array(z.object({ id: z.string().optional(), messaging: z.array(Messaging).optional() })),
  });

  const read = (req: InboundRequest) => {
    const parsed = Webhook.safeParse(jsonBody(req));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw invalid(`not a ${o.title} webhook: ${i ? `${fieldPath('body', i.path)} ${i.message}` : 'invalid'}`, 'body');
    }
    return parsed.data;
  };

  const send = (channel: ChannelConfig, to: string, message: Record<string, unknown>): HttpRequest | { error: string } => {
    const token = channel.credentials.pageAccessToken;
    if (!token) return { error: `the ${o.title} channel has no credentials.pageAccessToken` };
    const base = trimBase(channel.providerBaseUrl ?? GRAPH_API);
    const node = channel.credentials.pageId ? encodeURIComponent(channel.credentials.pageId) : 'me';
    return {
      url: `${base}/${graphVersion(channel.credentials.apiVersion)}/${node}/messages?access_token=${encodeURIComponent(token)}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: { id: to }, messaging_type: 'RESPONSE', message }),
    };
  };

  return {
    type: o.type,
    credentialKeys: [
      { key: 'appSecret', secret: true },
      { key: 'pageAccessToken', secret: true },
      { key: 'verifyToken', secret: true },
      { key: 'apiVersion', secret: false },
      { key: 'pageId', secret: false },
    ],
    secretCredential: 'appSecret',
    addressVariable: o.addressVariable,
    defaultName: o.defaultName,

    verify(channel, req) {
      return verifySha256(channel.secret, req.rawBody, header(req, 'x-hub-signature-256'));
    },

    verifyToken: (channel) => channel.credentials.verifyToken ?? channel.secret,

    parse(req) {
      const out: InboundMessage[] = [];
      for (const entry of read(req).entry) {
        for (const m of entry.messaging ?? []) {
          const from = m.sender?.id;
          if (!from) continue;
          const to = m.recipient?.id;
          if (m.message && !m.message.is_echo && !m.message.is_deleted) {
            const attachments = m.message.attachments ?? [];
            const quickReply = m.message.quick_reply ? { payload: m.message.quick_reply.payload } : undefined;
            const first = attachments[0];
            if (o.fetchAttachments && first?.payload?.url && (first.type === 'image' || first.type === 'file' || first.type === 'audio')) {
              const kind = first.type === 'image' ? 'image' : first.type === 'audio' ? 'audio' : 'document';
              out.push({ eventId: m.message.mid, from, to, text: m.message.text?.trim() ?? '', media: { ref: first.payload.url, kind }, quickReply });
              continue;
            }
            const urls = attachments.flatMap((a) => (a.payload?.url ? [a.payload.url] : []));
            const others = attachments.filter((a) => !a.payload?.url).map((a) => `[${a.type ?? 'attachment'}]`);
            const text = withMedia(m.message.text, [...urls, ...others]);
            out.push({ eventId: m.message.mid, from, to, text: text || '[unsupported message]', quickReply });
          } else if (m.postback) {
            const text = m.postback.title ?? m.postback.payload ?? '[postback]';
            const quickReply = m.postback.payload ? { payload: m.postback.payload } : undefined;
            out.push({ eventId: m.postback.mid ?? `postback:${from}:${m.timestamp ?? ''}`, from, to, text, quickReply });
          }
          // delivery, read, reaction, echo…: receipts() reads what a receipt can tell
        }
      }
      return out;
    },

    receipts(req) {
      const out: InboundReceipt[] = [];
      for (const entry of read(req).entry) {
        for (const m of entry.messaging ?? []) {
          for (const mid of m.delivery?.mids ?? []) out.push({ providerId: mid, status: 'delivered' });
          if (m.read?.mid) out.push({ providerId: m.read.mid, status: 'read' });
        }
      }
      return out;
    },

    reply: () => ({ contentType: 'text/plain; charset=utf-8', body: 'EVENT_RECEIVED' }),

    outbound(channel, msg: OutboundMessage) {
      const requests: HttpRequest[] = [];
      // An attachment is a message of its own; the text (with the quick replies) follows it.
      if (msg.file) {
        const type = msg.file.contentType.startsWith('image/') ? 'image' : msg.file.contentType.startsWith('audio/') ? 'audio' : 'file';
        const r = send(channel, msg.to, { attachment: { type, payload: { url: msg.file.url, is_reusable: false } } });
        if ('error' in r) return r;
        requests.push(r);
      }
      const quick = (msg.quickReplies ?? []).slice(0, META_QUICK_REPLIES).map((q) => ({
        content_type: 'text',
        title: q.title.slice(0, META_QUICK_REPLY_TITLE),
        payload: payloadOf(q).slice(0, 1000),
      }));
      if (msg.text || quick.length || !msg.file) {
        const r = send(channel, msg.to, { text: msg.text || '…', ...(quick.length && { quick_replies: quick }) });
        if ('error' in r) return r;
        requests.push(r);
      }
      return requests;
    },

    sentId(body) {
      try {
        const r = Sent.safeParse(JSON.parse(body));
        return r.success ? r.data.message_id : undefined;
      } catch {
        return undefined;
      }
    },

    sendFailure: graphFailure,

    media: {
      // The attachment URL is a signed CDN link: fetched as it is.
      locate: (_channel, ref) => ({ method: 'GET', url: ref, headers: {}, body: '' }),
    },
  };
}

/** The `hub.challenge` check: the challenge when the mode and token match, else null (403). */
export function hubChallenge(verifyToken: string, query: Record<string, unknown>): string | null {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return null;
  return secretEqual(token, verifyToken) ? challenge : null;
}

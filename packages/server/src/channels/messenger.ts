import { z } from 'zod';
import { fieldPath, invalid } from '../domain/errors.js';
import { readableIssue } from '../domain/validation.js';
import { type ChannelAdapter, header, type InboundMessage, jsonBody, trimBase, withMedia } from './adapter.js';
import { secretEqual, verifySha256 } from './signatures.js';

const GRAPH_API = 'https://graph.facebook.com';
const DEFAULT_VERSION = 'v21.0';

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
      attachments: z.array(Attachment).optional(),
    })
    .optional(),
  postback: z.object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string().optional() }).optional(),
});
const Webhook = z.object({
  object: z.literal('page'),
  entry: z.array(z.object({ id: z.string().optional(), messaging: z.array(Messaging).optional() })),
});

/** Accepts `v21.0` or `21.0`. */
const version = (v: string | undefined): string => {
  if (!v) return DEFAULT_VERSION;
  return v.startsWith('v') ? v : `v${v}`;
};

/**
 * Facebook Messenger in Meta's shapes. Inbound: the Messenger Platform webhook (`object: "page"`,
 * `entry[].messaging[]`) signed with `X-Hub-Signature-256` (the channel secret is the app secret);
 * `GET` answers the `hub.challenge` check with the verify token. Outbound: the Send API,
 * `POST {base}/v{ver}/me/messages?access_token=…`.
 */
export const messengerAdapter: ChannelAdapter = {
  type: 'messenger',
  credentialKeys: [
    { key: 'appSecret', secret: true },
    { key: 'pageAccessToken', secret: true },
    { key: 'verifyToken', secret: true },
    { key: 'apiVersion', secret: false },
  ],
  secretCredential: 'appSecret',

  verify(channel, req) {
    return verifySha256(channel.secret, req.rawBody, header(req, 'x-hub-signature-256'));
  },

  parse(req) {
    const parsed = Webhook.safeParse(jsonBody(req), { error: readableIssue });
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw invalid(`not a Messenger Platform page webhook: ${i ? `${fieldPath('body', i.path)} ${i.message}` : 'invalid'}`, 'body');
    }
    const out: InboundMessage[] = [];
    for (const entry of parsed.data.entry) {
      for (const m of entry.messaging ?? []) {
        const from = m.sender?.id;
        if (!from) continue;
        const to = m.recipient?.id;
        if (m.message && !m.message.is_echo) {
          const attachments = m.message.attachments ?? [];
          const urls = attachments.flatMap((a) => (a.payload?.url ? [a.payload.url] : []));
          const others = attachments.filter((a) => !a.payload?.url).map((a) => `[${a.type ?? 'attachment'}]`);
          const text = withMedia(m.message.text, [...urls, ...others]);
          out.push({ eventId: m.message.mid, from, to, text: text || '[unsupported message]' });
        } else if (m.postback) {
          const text = m.postback.title ?? m.postback.payload ?? '[postback]';
          out.push({ eventId: m.postback.mid ?? `postback:${from}:${m.timestamp ?? ''}`, from, to, text });
        }
        // delivery, read, reaction, echo…: nothing for the agent
      }
    }
    return out;
  },

  reply: () => ({ contentType: 'text/plain; charset=utf-8', body: 'EVENT_RECEIVED' }),

  outbound(channel, msg) {
    const token = channel.credentials.pageAccessToken;
    if (!token) return { error: 'the Messenger channel has no credentials.pageAccessToken' };
    const base = trimBase(channel.providerBaseUrl ?? GRAPH_API);
    return {
      url: `${base}/${version(channel.credentials.apiVersion)}/me/messages?access_token=${encodeURIComponent(token)}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: { id: msg.to }, messaging_type: 'RESPONSE', message: { text: msg.text } }),
    };
  },
};

/** The `hub.challenge` check: the challenge when the mode and token match, else null (403). */
export function messengerChallenge(verifyToken: string, query: Record<string, unknown>): string | null {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return null;
  return secretEqual(token, verifyToken) ? challenge : null;
}

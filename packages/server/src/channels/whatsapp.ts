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
  jsonBody,
  type OutboundMessage,
  payloadOf,
  trimBase,
} from './adapter.js';
import { GRAPH_API, graphFailure } from './meta.js';
import { verifySha256 } from './signatures.js';

/**
 * WhatsApp Business Cloud API. Inbound: the `messages` webhook of a WhatsApp Business Account
 * (`object: "whatsapp_business_account"`, `entry[].changes[].value` with `contacts`, `messages`
 * and `statuses`), signed with `X-Hub-Signature-256` keyed with the app secret (the channel
 * secret); `GET` answers Meta's `hub.challenge` with the verify token. Media arrive as ids: `GET
 * /{version}/{media-id}` gives a short-lived URL, downloaded with the same bearer token. Outbound:
 * `POST {base}/{version}/{phoneNumberId}/messages` with `Authorization: Bearer {accessToken}`.
 */

/** WhatsApp's interactive limits: 3 reply buttons (titles ≤ 20), a list of ≤ 10 rows (titles ≤ 24, ids ≤ 200). */
export const WHATSAPP_BUTTONS = 3;
export const WHATSAPP_LIST_ROWS = 10;

const Media = z.object({ id: z.string().min(1), mime_type: z.string().optional(), caption: z.string().optional(), filename: z.string().optional() });
const Message = z.object({
  from: z.string().min(1),
  id: z.string().min(1),
  timestamp: z.string().optional(),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  image: Media.optional(),
  document: Media.optional(),
  audio: Media.optional(),
  video: Media.optional(),
  sticker: Media.optional(),
  location: z
    .object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional(), url: z.string().optional() })
    .optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  // A quick-reply button of a template message.
  button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
  contacts: z.array(z.object({ name: z.object({ formatted_name: z.string().optional() }).optional() })).optional(),
});
const Status = z.object({
  id: z.string().min(1),
  status: z.string(),
  recipient_id: z.string().optional(),
  errors: z
    .array(
      z.object({
        code: z.number().optional(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});
const Value = z.object({
  messaging_product: z.string().optional(),
  metadata: z.object({ display_phone_number: z.string().optional(), phone_number_id: z.string().optional() }).optional(),
  contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(Message).optional(),
  statuses: z.array(Status).optional(),
});
const Webhook = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: z.string().optional(), changes: z.array(z.object({ field: z.string().optional(), value: Value })).optional() })),
});
const Sent = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });
const Located = z.object({ url: z.string().min(1) });

type Parsed = z.infer<typeof Webhook>;

function read(body: unknown): Parsed {
  const parsed = Webhook.safeParse(body);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw invalid(`not a WhatsApp Business Account webhook: ${i ? `${fieldPath('body', i.path)} ${i.message}` : 'invalid'}`, 'body');
  }
  return parsed.data;
}

const mapLink = (lat: number, lon: number) => `https://www.google.com/maps/search/?api=1&query=${lat},${lon}`;

/** One WhatsApp message as the consumer's words, media and choice. */
function toInbound(m: z.infer<typeof Message>, name: string | undefined, to: string | undefined): InboundMessage {
  const base = { eventId: m.id, from: m.from, to, name };
  switch (m.type) {
    case 'text':
      return { ...base, text: m.text?.body ?? '' };
    case 'image':
    case 'document':
    case 'audio':
    case 'video':
    case 'sticker': {
      const media = m[m.type];
      if (!media) return { ...base, text: `[${m.type}]` };
      return { ...base, text: media.caption?.trim() ?? '', media: { ref: media.id, kind: m.type, name: media.filename } };
    }
    case 'location': {
      const l = m.location;
      if (!l) return { ...base, text: '[location]' };
      const label = [l.name, l.address].filter(Boolean).join(', ');
      return { ...base, text: [`📍 ${label || `${l.latitude}, ${l.longitude}`}`, mapLink(l.latitude, l.longitude)].join('\n') };
    }
    case 'interactive': {
      const r = m.interactive?.button_reply ?? m.interactive?.list_reply;
      if (!r) return { ...base, text: '[interactive]' };
      return { ...base, text: r.title, quickReply: { payload: r.id } };
    }
    case 'button':
      return { ...base, text: m.button?.text ?? '[button]', quickReply: { payload: m.button?.payload ?? m.button?.text ?? '' } };
    case 'contacts':
      return { ...base, text: `[contact: ${(m.contacts ?? []).map((c) => c.name?.formatted_name ?? '?').join(', ')}]` };
    default:
      return { ...base, text: `[${m.type}]` };
  }
}

const bearer = (channel: ChannelConfig) => ({ authorization: `Bearer ${channel.credentials.accessToken ?? ''}` });
const graphBase = (channel: ChannelConfig) => `${trimBase(channel.providerBaseUrl ?? GRAPH_API)}/${graphVersion(channel.credentials.apiVersion)}`;

/** The `interactive` object for an agent message with quick replies: reply buttons up to 3, else a list of up to 10 rows. */
function interactive(text: string, replies: NonNullable<OutboundMessage['quickReplies']>) {
  const body = { text: (text || '…').slice(0, 1024) };
  if (replies.length <= WHATSAPP_BUTTONS) {
    return {
      type: 'button',
      body,
      action: { buttons: replies.map((q) => ({ type: 'reply', reply: { id: payloadOf(q).slice(0, 256), title: q.title.slice(0, 20) } })) },
    };
  }
  return {
    type: 'list',
    body: { text: (text || '…').slice(0, 4096) },
    action: {
      button: 'Choose',
      sections: [{ rows: replies.slice(0, WHATSAPP_LIST_ROWS).map((q) => ({ id: payloadOf(q).slice(0, 200), title: q.title.slice(0, 24) })) }],
    },
  };
}

export const whatsappAdapter: ChannelAdapter = {
  type: 'whatsapp',
  credentialKeys: [
    { key: 'appSecret', secret: true },
    { key: 'accessToken', secret: true },
    { key: 'verifyToken', secret: true },
    { key: 'phoneNumberId', secret: false },
    { key: 'apiVersion', secret: false },
  ],
  secretCredential: 'appSecret',
  addressVariable: 'phone',
  defaultName: (from) => `+${from.replace(/^\+/, '')}`,
  maxQuickReplies: WHATSAPP_LIST_ROWS,

  verify(channel, req) {
    return verifySha256(channel.secret, req.rawBody, header(req, 'x-hub-signature-256'));
  },

  verifyToken: (channel) => channel.credentials.verifyToken ?? channel.secret,

  parse(req) {
    const out: InboundMessage[] = [];
    for (const entry of read(jsonBody(req)).entry) {
      for (const change of entry.changes ?? []) {
        const v = change.value;
        const names = new Map((v.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
        const to = v.metadata?.display_phone_number;
        for (const m of v.messages ?? []) {
          if (m.type === 'reaction' || m.type === 'system' || m.type === 'request_welcome') continue;
          out.push(toInbound(m, names.get(m.from), to));
        }
      }
    }
    return out;
  },

  receipts(req) {
    const out: InboundReceipt[] = [];
    for (const entry of read(jsonBody(req)).entry) {
      for (const change of entry.changes ?? []) {
        for (const s of change.value.statuses ?? []) {
          if (s.status !== 'sent' && s.status !== 'delivered' && s.status !== 'read' && s.status !== 'failed') continue;
          const e = s.errors?.[0];
          const error = e
            ? [e.code !== undefined ? `${e.code}` : '', e.title ?? e.message ?? '', e.error_data?.details ?? ''].filter(Boolean).join(': ')
            : undefined;
          out.push({ providerId: s.id, status: s.status, ...(s.status === 'failed' && { error: error ?? 'failed' }) });
        }
      }
    }
    return out;
  },

  reply: () => ({ contentType: 'text/plain; charset=utf-8', body: 'EVENT_RECEIVED' }),

  outbound(channel, msg) {
    const phoneNumberId = channel.credentials.phoneNumberId;
    if (!phoneNumberId) return { error: 'the WhatsApp channel has no credentials.phoneNumberId' };
    if (!channel.credentials.accessToken) return { error: 'the WhatsApp channel has no credentials.accessToken' };
    const post = (message: Record<string, unknown>): HttpRequest => ({
      url: `${graphBase(channel)}/${encodeURIComponent(phoneNumberId)}/messages`,
      headers: { 'content-type': 'application/json', ...bearer(channel) },
      body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: msg.to, ...message }),
    });
    if (msg.template) {
      const { name, language, params } = msg.template;
      const components = params.length ? [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }] : undefined;
      return [post({ type: 'template', template: { name, language: { code: language }, ...(components && { components }) } })];
    }
    const requests: HttpRequest[] = [];
    const replies = msg.quickReplies ?? [];
    if (msg.file) {
      const kind = msg.file.contentType.startsWith('image/') ? 'image' : msg.file.contentType.startsWith('audio/') ? 'audio' : 'document';
      // The caption carries the text, unless buttons follow (they carry it then).
      const caption = !replies.length && msg.text && kind !== 'audio' ? { caption: msg.text.slice(0, 1024) } : {};
      const media = kind === 'document' ? { link: msg.file.url, filename: msg.file.name, ...caption } : { link: msg.file.url, ...caption };
      requests.push(post({ type: kind, [kind]: media }));
      if (!replies.length && (kind !== 'audio' || !msg.text)) return requests;
    }
    if (replies.length) requests.push(post({ type: 'interactive', interactive: interactive(msg.text, replies) }));
    else requests.push(post({ type: 'text', text: { preview_url: false, body: msg.text.slice(0, 4096) } }));
    return requests;
  },

  sentId(body) {
    try {
      const r = Sent.safeParse(JSON.parse(body));
      return r.success ? r.data.messages[0]?.id : undefined;
    } catch {
      return undefined;
    }
  },

  sendFailure: graphFailure,

  media: {
    locate(channel, ref) {
      if (!channel.credentials.accessToken) return { error: 'the WhatsApp channel has no credentials.accessToken' };
      return { method: 'GET', url: `${graphBase(channel)}/${encodeURIComponent(ref)}`, headers: bearer(channel), body: '' };
    },
    download(channel, located) {
      let url: string;
      try {
        const r = Located.safeParse(JSON.parse(located.toString('utf8')));
        if (!r.success) return { error: 'the media lookup answered no url' };
        url = r.data.url;
      } catch {
        return { error: 'the media lookup answered no JSON' };
      }
      return { method: 'GET', url, headers: bearer(channel), body: '' };
    },
  },
};

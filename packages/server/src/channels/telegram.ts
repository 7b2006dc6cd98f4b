import { z } from 'zod';
import { fieldPath, invalid } from '../domain/errors.js';
import {
  type ChannelAdapter,
  type ChannelConfig,
  type HttpRequest,
  header,
  type InboundMessage,
  jsonBody,
  payloadOf,
  readAnswer,
  retryAfterMs,
  type SendFailure,
  trimBase,
} from './adapter.js';
import { secretEqual } from './signatures.js';

/**
 * Telegram Bot API. Inbound: the `Update` objects Telegram POSTs to the webhook set with
 * `setWebhook(url, secret_token)`; every request carries `X-Telegram-Bot-Api-Secret-Token` equal
 * to that token (the channel secret). Photos and documents arrive as `file_id`s: `getFile` gives a
 * `file_path`, downloaded from `{base}/file/bot{token}/{file_path}`. Outbound: `POST
 * {base}/bot{token}/sendMessage`, `sendPhoto` and `sendDocument` (JSON, a file by its signed
 * URL), quick replies as an inline keyboard whose `callback_query` is answered.
 */

const TELEGRAM_API = 'https://api.telegram.org';
/** Telegram's `callback_data` is 1–64 bytes. */
const CALLBACK_DATA_BYTES = 64;

const User = z.object({
  id: z.number(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  /** The user's Telegram app language (IETF tag): the consumer's language. */
  language_code: z.string().optional(),
});
const Chat = z.object({ id: z.number(), type: z.string().optional() });
const File = z.object({ file_id: z.string().min(1), file_name: z.string().optional(), mime_type: z.string().optional() });
const Button = z.object({ text: z.string(), callback_data: z.string().optional() });
const TgMessage = z.object({
  message_id: z.number(),
  from: User.optional(),
  chat: Chat,
  date: z.number().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z
    .array(z.object({ file_id: z.string().min(1), width: z.number().optional(), height: z.number().optional(), file_size: z.number().optional() }))
    .optional(),
  document: File.optional(),
  audio: File.optional(),
  voice: File.optional(),
  video: File.optional(),
  sticker: z.object({ file_id: z.string(), emoji: z.string().optional() }).optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
  contact: z.object({ phone_number: z.string(), first_name: z.string().optional() }).optional(),
  reply_markup: z.object({ inline_keyboard: z.array(z.array(Button)).optional() }).optional(),
});
const Update = z.object({
  update_id: z.number(),
  message: TgMessage.optional(),
  callback_query: z.object({ id: z.string().min(1), from: User, message: TgMessage.optional(), data: z.string().optional() }).optional(),
});
const Sent = z.object({ ok: z.literal(true), result: z.object({ message_id: z.number() }) });
const Failed = z.object({
  ok: z.literal(false),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional() }).optional(),
});
const GotFile = z.object({ ok: z.literal(true), result: z.object({ file_path: z.string().min(1) }) });

const nameOf = (u: z.infer<typeof User> | undefined) => (u ? [u.first_name, u.last_name].filter(Boolean).join(' ') || u.username : undefined);

const api = (channel: ChannelConfig, method: string) =>
  `${trimBase(channel.providerBaseUrl ?? TELEGRAM_API)}/bot${channel.credentials.botToken ?? ''}/${method}`;

/** Cut to at most `max` UTF-8 bytes without splitting a character. */
function bytesCut(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > max) break;
    out += ch;
  }
  return out;
}

function toInbound(update: z.infer<typeof Update>): InboundMessage | null {
  const eventId = `update:${update.update_id}`;
  const q = update.callback_query;
  if (q) {
    const chatId = q.message?.chat.id ?? q.from.id;
    const data = q.data ?? '';
    // The consumer sees the button's text: take it from the keyboard the update carries.
    const button = q.message?.reply_markup?.inline_keyboard?.flat().find((b) => b.callback_data === data);
    return {
      eventId,
      from: String(chatId),
      name: nameOf(q.from),
      language: q.from.language_code,
      text: button?.text ?? data,
      quickReply: { payload: data },
      ackRef: q.id,
    };
  }
  const m = update.message;
  if (!m) return null; // edited messages, channel posts, inline queries…: nothing for the agent
  const base = { eventId, from: String(m.chat.id), name: nameOf(m.from), language: m.from?.language_code };
  const caption = m.caption?.trim() ?? '';
  // PhotoSize[] lists the sizes of one photo, smallest first: the largest is kept.
  const photo = m.photo?.at(-1);
  if (photo) return { ...base, text: caption, media: { ref: photo.file_id, kind: 'image' } };
  const file = m.document ?? m.audio ?? m.voice;
  if (file) return { ...base, text: caption, media: { ref: file.file_id, kind: m.document ? 'document' : 'audio', name: file.file_name } };
  if (m.location)
    return {
      ...base,
      text: `📍 ${m.location.latitude}, ${m.location.longitude}\nhttps://www.google.com/maps/search/?api=1&query=${m.location.latitude},${m.location.longitude}`,
    };
  if (m.contact) return { ...base, text: `[contact: ${m.contact.first_name ?? ''} ${m.contact.phone_number}]`.replace(/\s+]/, ']') };
  if (m.sticker) return { ...base, text: m.sticker.emoji ?? '[sticker]' };
  if (m.video) return { ...base, text: caption ? `${caption}\n[video]` : '[video]' };
  return { ...base, text: m.text ?? '[unsupported message]' };
}

export const telegramAdapter: ChannelAdapter = {
  type: 'telegram',
  credentialKeys: [{ key: 'botToken', secret: true }],
  addressVariable: 'chatId',
  defaultName: (from) => `Telegram user ${from.slice(-4)}`,

  verify(channel, req) {
    const token = header(req, 'x-telegram-bot-api-secret-token');
    return typeof token === 'string' && secretEqual(token, channel.secret);
  },

  parse(req) {
    const parsed = Update.safeParse(jsonBody(req));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw invalid(`not a Telegram Update: ${i ? `${fieldPath('body', i.path)} ${i.message}` : 'invalid'}`, 'body');
    }
    const m = toInbound(parsed.data);
    return m ? [m] : [];
  },

  reply: () => ({ contentType: 'text/plain; charset=utf-8', body: '' }),

  outbound(channel, msg) {
    if (!channel.credentials.botToken) return { error: 'the Telegram channel has no credentials.botToken' };
    const keyboard = msg.quickReplies?.length
      ? { reply_markup: { inline_keyboard: msg.quickReplies.map((q) => [{ text: q.title, callback_data: bytesCut(payloadOf(q), CALLBACK_DATA_BYTES) }]) } }
      : {};
    const post = (method: string, body: Record<string, unknown>): HttpRequest => ({
      url: api(channel, method),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: msg.to, ...body, ...keyboard }),
    });
    if (msg.file) {
      const caption = msg.text ? { caption: msg.text.slice(0, 1024) } : {};
      return msg.file.contentType.startsWith('image/')
        ? [post('sendPhoto', { photo: msg.file.url, ...caption })]
        : [post('sendDocument', { document: msg.file.url, ...caption })];
    }
    return [post('sendMessage', { text: msg.text.slice(0, 4096) || '…' })];
  },

  sentId: (body) => {
    const id = readAnswer(Sent, body)?.result.message_id;
    return id === undefined ? undefined : String(id);
  },

  sendFailure(status, body, headers): SendFailure {
    const f = readAnswer(Failed, body);
    const error = `HTTP ${status}${f?.description ? `: ${f.description}` : body ? `: ${body.slice(0, 200)}` : ''}`;
    if (status === 429)
      return { error, retryAfterMs: f?.parameters?.retry_after !== undefined ? f.parameters.retry_after * 1000 : (retryAfterMs(headers) ?? 30_000) };
    // 401: the bot token is wrong or revoked; 403: the consumer blocked the bot; 400: the request cannot succeed as it is.
    if (status >= 400 && status < 500) return { error, permanent: true };
    return { error };
  },

  // A button press is answered (it stops the button's spinner on the consumer's screen).
  acknowledge: (channel, ref) => ({
    url: api(channel, 'answerCallbackQuery'),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ callback_query_id: ref }),
  }),

  media: {
    locate(channel, ref) {
      if (!channel.credentials.botToken) return { error: 'the Telegram channel has no credentials.botToken' };
      return { method: 'GET', url: `${api(channel, 'getFile')}?file_id=${encodeURIComponent(ref)}`, headers: {}, body: '' };
    },
    download(channel, located) {
      const path = readAnswer(GotFile, located)?.result.file_path;
      if (!path) return { error: 'getFile answered no file_path' };
      const base = trimBase(channel.providerBaseUrl ?? TELEGRAM_API);
      return {
        method: 'GET',
        url: `${base}/file/bot${channel.credentials.botToken ?? ''}/${path.split('/').map(encodeURIComponent).join('/')}`,
        headers: {},
        body: '',
      };
    },
  },
};

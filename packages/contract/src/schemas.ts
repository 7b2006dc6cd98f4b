import { z } from 'zod';
import { BusinessHours } from './business-hours.js';
import { AnyLanguageTag, LanguageTag } from './localized.js';
import { AutoCloseSettings, SlaTargets } from './settings.js';
import { cleanDisplayName } from './text.js';

/** Wire schemas shared by server, workspace and widget. Request bodies are strict: unknown fields are rejected. */

export { AnyLanguageTag, LanguageTag, LocalizedText, missingDefaultLanguage } from './localized.js';

export const Role = z.enum(['agent', 'manager']);
export type Role = z.infer<typeof Role>;

export const AgentStatus = z.enum(['online', 'back_soon', 'away', 'offline']);
export type AgentStatus = z.infer<typeof AgentStatus>;

export const ConversationState = z.enum(['queued', 'ringing', 'open', 'closed']);
export type ConversationState = z.infer<typeof ConversationState>;

export const ListStatus = z.enum(['ongoing', 'overdue', 'idle', 'closed']);
export type ListStatus = z.infer<typeof ListStatus>;

/** Who wrote a message: the consumer, a user (agent or manager), Parley itself, or a bot (API.md "Bots": its `senderName` names it). */
export const SenderType = z.enum(['consumer', 'agent', 'system', 'bot']);
export type SenderType = z.infer<typeof SenderType>;

export const Channel = z.enum(['web', 'sms', 'messenger', 'webhook', 'whatsapp', 'instagram', 'telegram']);
export type Channel = z.infer<typeof Channel>;
/** How a channel is named to people (transcripts, lists, the console). */
export const CHANNEL_NAMES: Record<Channel, string> = {
  web: 'Web',
  sms: 'SMS',
  messenger: 'Messenger',
  webhook: 'Webhook',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  telegram: 'Telegram',
};

/** Who closed a conversation: the consumer, a user (agent or manager), or the system (auto-close). */
export const ClosedBy = z.enum(['agent', 'consumer', 'system']);
export type ClosedBy = z.infer<typeof ClosedBy>;

const id = z.string().min(1).max(100);
const username = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, underscore and dash only');
const password = z.string().min(8, 'at least 8 characters').max(256);
/** A person's name: one line, bidi control and zero-width characters removed (cleanDisplayName), then 1–120 characters. */
const displayName = z.string().overwrite(cleanDisplayName).min(1).max(120);
const clientMessageId = z.string().min(1).max(128);
const messageText = z.string().trim().min(1, 'text must not be empty').max(10_000);

/**
 * `frameAccountId` (extension): the account named by the embed URL (`/?account=`) of the frame the
 * workspace signs in from; a sign-in to any other account is refused (403), so a page allowed by
 * one account never gets a session of another (docs/embedding.md).
 */
export const LoginRequest = z.strictObject({
  accountId: id,
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  frameAccountId: id.optional(),
});

export const User = z.object({
  id: z.string(),
  accountId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  skills: z.array(z.string()),
  maxConcurrent: z.number().int(),
  status: AgentStatus,
  active: z.boolean(),
  /** The status reason chosen with Away / Back soon (`GET /api/v1/me`, `PUT /api/v1/me/status`); null without one. */
  statusReasonId: z.string().nullable().optional(),
});
export type User = z.infer<typeof User>;

export const LoginResponse = z.object({ token: z.string(), user: User });

/** `GET /api/v1/auth/sso`: the account's single sign-on as the sign-in page shows it (null: none). */
export const SsoInfo = z.object({ oidc: z.object({ label: z.string(), enforced: z.boolean() }).nullable() });
export type SsoInfo = z.infer<typeof SsoInfo>;

/** `POST /api/v1/auth/oidc/exchange`: the one-time code of a single sign-on, traded once for a session. */
export const SsoExchangeRequest = z.strictObject({
  code: z.string().min(1).max(200),
  frameAccountId: z.string().min(1).max(100).optional(),
});
export type SsoExchangeRequest = z.infer<typeof SsoExchangeRequest>;

export const CreateUserRequest = z.strictObject({
  username,
  password,
  displayName,
  role: Role.default('agent'),
  skills: z.array(id).max(100).default([]),
  maxConcurrent: z.number().int().min(1).max(100).default(5),
});

export const UpdateUserRequest = z.strictObject({
  displayName: displayName.optional(),
  password: password.optional(),
  role: Role.optional(),
  skills: z.array(id).max(100).optional(),
  maxConcurrent: z.number().int().min(1).max(100).optional(),
  active: z.boolean().optional(),
});

export const SetStatusRequest = z.strictObject({ status: AgentStatus, handover: z.boolean().optional() });

export const Skill = z.object({ id: z.string(), name: z.string(), description: z.string() });
export type Skill = z.infer<typeof Skill>;
export const CreateSkillRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).default(''),
  sla: SlaTargets.partial().optional(),
  autoClose: AutoCloseSettings.partial().optional(),
  businessHours: BusinessHours.optional(),
  wrapUp: z.strictObject({ required: z.boolean() }).optional(),
});
export const UpdateSkillRequest = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().max(1000).optional(),
  // Override groups are merged into the current ones; `null` (a field or the whole group) removes
  // the override, back to the account's setting.
  sla: z
    .strictObject({
      defaultSec: SlaTargets.shape.defaultSec.nullable().optional(),
      firstTimeSec: SlaTargets.shape.firstTimeSec.nullable().optional(),
      urgentSec: SlaTargets.shape.urgentSec.nullable().optional(),
    })
    .nullable()
    .optional(),
  autoClose: z
    .strictObject({ enabled: AutoCloseSettings.shape.enabled.nullable().optional(), afterSec: AutoCloseSettings.shape.afterSec.nullable().optional() })
    .nullable()
    .optional(),
  /** The skill's own business hours; `null` removes them (back to the account's). */
  businessHours: BusinessHours.nullable().optional(),
  /** `null` removes the setting (no disposition required). */
  wrapUp: z.strictObject({ required: z.boolean() }).nullable().optional(),
});
export type UpdateSkillRequest = z.infer<typeof UpdateSkillRequest>;

export const UserSettings = z.strictObject({
  dateFormat: z.enum(['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY']).optional(),
  timeFormat: z.enum(['12h', '24h']).optional(),
  timeZone: z
    .string()
    .max(64)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'unknown time zone')
    .optional(),
  layout: z.enum(['comfortable', 'compact']).optional(),
  defaultFilters: z.array(ListStatus).optional(),
  notificationsEnabled: z.boolean().optional(),
  soundEnabled: z.boolean().optional(),
  /** The workspace and console language (BCP 47, one of LANGUAGES); unset or `null` follows the browser. */
  language: LanguageTag.nullable().optional(),
});
export type UserSettings = z.infer<typeof UserSettings>;

/** Where a message to a channel's provider stands: it only moves on, queued → sent → delivered → read (or failed), as the provider reports. */
export const DeliveryStatus = z.enum(['queued', 'sent', 'delivered', 'read', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const FileRef = z.object({ id: z.string(), name: z.string(), contentType: z.string(), size: z.number(), url: z.string() });

export const Message = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.number().int(),
  senderType: SenderType,
  senderId: z.string().nullable(),
  text: z.string().nullable(),
  file: FileRef.nullable(),
  clientMessageId: z.string().nullable(),
  createdAt: z.string(),
  /** Agent messages on channel conversations: where the delivery to the provider stands. */
  delivery: DeliveryStatus.optional(),
  /** `delivery: "failed"`: why (the provider's error, or the last attempt's). */
  deliveryError: z.string().optional(),
  /** Agent messages: the answers offered to the consumer as buttons (native quick replies on channels). */
  quickReplies: z.array(z.object({ title: z.string(), payload: z.string().optional() })).optional(),
  /** Consumer messages: the quick reply the consumer chose (its payload, or its title when it had none). */
  quickReply: z.object({ payload: z.string() }).optional(),
  /** Agent messages sent as an approved WhatsApp template. */
  template: z.object({ name: z.string(), language: z.string(), params: z.array(z.string()) }).optional(),
  /**
   * Agent messages in the consumer's views (GET …/consumer/conversations/{id}/messages, the consumer
   * history, the consumer's `message.created`): the display name of the agent who wrote it, which
   * after a transfer is not the conversation's current agent.
   */
  senderName: z.string().optional(),
});
export type Message = z.infer<typeof Message>;
// Bot messages (`senderType: "bot"`, `senderId` the bot's id) carry `senderName`, the bot's name, in every view.

/** At most 13 quick replies (Messenger's and Instagram's limit; other channels adapt them, see docs/channels.md). */
export const MAX_QUICK_REPLIES = 13;
export const QuickReply = z.strictObject({
  title: z.string().trim().min(1, 'title must not be empty').max(100),
  payload: z.string().trim().min(1).max(1000).optional(),
});
export type QuickReply = z.infer<typeof QuickReply>;
/** A WhatsApp template message: an approved template by name and language, with its body parameters in order. */
export const TemplateMessage = z.strictObject({
  name: z.string().trim().min(1).max(512),
  language: z.string().trim().min(2).max(15),
  params: z.array(z.string().trim().min(1).max(1024)).max(20).default([]),
});
export type TemplateMessage = z.infer<typeof TemplateMessage>;
/** `text`, or (agents, WhatsApp) `template` instead; agents may add `quickReplies`. */
export const SendMessageRequest = z.strictObject({
  text: messageText.optional(),
  template: TemplateMessage.optional(),
  quickReplies: z.array(QuickReply).max(MAX_QUICK_REPLIES, `at most ${MAX_QUICK_REPLIES} quick replies`).optional(),
  /** Consumers (the widget): the quick reply chosen, by its payload (or title when it has none). */
  quickReply: z.strictObject({ payload: z.string().min(1).max(1000) }).optional(),
  clientMessageId,
});

export const ActiveItem = z.object({
  id: z.string(),
  state: ConversationState,
  status: ListStatus,
  soonOverdue: z.boolean(),
  awaiting: z.enum(['agent', 'consumer']),
  slaDueAt: z.string().nullable(),
  manualSla: z.boolean(),
  actionable: z.boolean(),
  unread: z.number().int(),
  channel: Channel,
  skillId: z.string().nullable(),
  agentId: z.string().nullable(),
  consumer: z.object({ id: z.string(), name: z.string() }),
  lastMessage: z
    .object({
      text: z.string(),
      senderType: SenderType,
      /** Who wrote it: the consumer's id, the agent's user id; null for system lines. */
      senderId: z.string().nullable(),
      /** Agent messages: the author's display name when they wrote it ("You" is for the reader to decide). */
      senderName: z.string().optional(),
      at: z.string(),
    })
    .nullable(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  /** The consumer marked it urgent (the urgent SLA applies). */
  urgent: z.boolean(),
  /** Who closed it (null while open): the consumer, an agent or manager, or the system (auto-close). */
  closedBy: ClosedBy.nullable(),
  /** `closedBy: "agent"`: the user who closed it, and their display name then; null otherwise. */
  closedById: z.string().nullable(),
  closedByName: z.string().nullable(),
  /** The conversation's labels (ids of `GET /api/v1/labels`): on the lists and the details; absent from a live row push, which leaves them as they were. */
  labels: z.array(z.string()).optional(),
});
export type ActiveItem = z.infer<typeof ActiveItem>;

export const MAX_CUSTOM_VARIABLES = 50;
export const MAX_CUSTOM_VARIABLE_KEY = 64;
export const MAX_CUSTOM_VARIABLE_VALUE = 1000;

const customVariablesRecord = z
  .record(z.string().min(1).max(MAX_CUSTOM_VARIABLE_KEY), z.union([z.string().max(MAX_CUSTOM_VARIABLE_VALUE), z.number(), z.boolean()]))
  .meta({ maxProperties: MAX_CUSTOM_VARIABLES });

/**
 * A consumer's custom variables as the brand sets them (API.md, "Running in production"): at most 50
 * keys of 1–64 characters, values a string of at most 1,000 characters, a number or a boolean. The
 * key count is checked first, so an oversized object is one error, not one per key.
 */
export const CustomVariables = z
  .preprocess((v, ctx) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > MAX_CUSTOM_VARIABLES) {
      ctx.addIssue({
        code: 'too_big',
        origin: 'object',
        maximum: MAX_CUSTOM_VARIABLES,
        inclusive: true,
        input: v,
        message: `at most ${MAX_CUSTOM_VARIABLES} custom variables`,
      });
    }
    return v;
  }, customVariablesRecord)
  .describe(
    `at most ${MAX_CUSTOM_VARIABLES} keys of 1–${MAX_CUSTOM_VARIABLE_KEY} characters; values strings of at most ${MAX_CUSTOM_VARIABLE_VALUE} characters, numbers or booleans`,
  );
export type CustomVariables = z.infer<typeof CustomVariables>;

export const ConsumerSessionRequest = z.strictObject({
  accountId: id,
  channelId: id.optional(),
  name: displayName.optional(),
  identityToken: z.string().max(4096).optional(),
  customVariables: CustomVariables.optional(),
  /** The language the widget speaks (BCP 47); automatic messages and the survey come in it when written in it, else in the account's default. */
  language: AnyLanguageTag.optional(),
});

export const ConsumerOpenConversationRequest = z.strictObject({ skillId: id.optional(), text: messageText.optional() });

export const CreateAccountRequest = z.strictObject({
  name: z.string().trim().min(1).max(120),
  adminUsername: username,
  adminPassword: password,
});

export const ContentCategory = z.object({ id: z.string(), name: z.string(), position: z.number().int() });
export type ContentCategory = z.infer<typeof ContentCategory>;
export const CreateContentCategoryRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
  position: z.number().int().min(0).max(100_000).optional(),
});
export const UpdateContentCategoryRequest = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  position: z.number().int().min(0).max(100_000).optional(),
});
export const ContentItem = z.object({
  id: z.string(),
  categoryId: z.string().nullable(),
  title: z.string(),
  text: z.string(),
  /** Buttons the agent's message offers when this content is used (quick replies). */
  quickReplies: z.array(z.object({ title: z.string(), payload: z.string().optional() })).optional(),
  position: z.number().int(),
  updatedAt: z.string(),
});
export type ContentItem = z.infer<typeof ContentItem>;
export const CreateContentRequest = z.strictObject({
  categoryId: z.string().min(1).max(100).nullable().optional(),
  title: z.string().trim().min(1).max(200),
  text: z.string().trim().min(1).max(5000),
  quickReplies: z.array(QuickReply).max(MAX_QUICK_REPLIES).optional(),
  position: z.number().int().min(0).max(100_000).optional(),
});
export const UpdateContentRequest = z.strictObject({
  categoryId: z.string().min(1).max(100).nullable().optional(),
  title: z.string().trim().min(1).max(200).optional(),
  text: z.string().trim().min(1).max(5000).optional(),
  /** `[]` removes them. */
  quickReplies: z.array(QuickReply).max(MAX_QUICK_REPLIES).optional(),
  position: z.number().int().min(0).max(100_000).optional(),
});

export const Note = z.object({
  id: z.string(),
  conversationId: z.string(),
  authorId: z.string(),
  authorName: z.string(),
  text: z.string(),
  mentions: z.array(z.string()),
  createdAt: z.string(),
  /** `bot`: written by a bot (its hand-over note; `authorId` is the bot's id). Absent for users. */
  authorType: z.enum(['user', 'bot']).optional(),
});
export type Note = z.infer<typeof Note>;
export const CreateNoteRequest = z.strictObject({ text: z.string().trim().min(1).max(5000) });

export const Notification = z.object({
  id: z.string(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  read: z.boolean(),
  createdAt: z.string(),
});
export type Notification = z.infer<typeof Notification>;

// ---------------------------------------------------------------- channels (SMS, Messenger, signed webhook)

export const ChannelType = z.enum(['sms', 'messenger', 'webhook', 'whatsapp', 'instagram', 'telegram']);
export type ChannelType = z.infer<typeof ChannelType>;
const httpUrl = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');
/** Provider credentials; which keys a type takes is checked by the server (see docs/channels.md). */
const channelCredentials = z.record(z.string().min(1).max(64), z.string().min(1).max(2000));

export const CreateChannelRequest = z.strictObject({
  type: ChannelType,
  name: z.string().trim().min(1).max(100),
  skillId: id,
  outboundUrl: httpUrl.optional(),
  providerBaseUrl: httpUrl.optional(),
  credentials: channelCredentials.optional(),
});
export const UpdateChannelRequest = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  skillId: id.optional(),
  outboundUrl: httpUrl.nullable().optional(),
  providerBaseUrl: httpUrl.nullable().optional(),
  /** Merged over the stored credentials; `null` removes a key (the secret-bearing one cannot be removed: rotate it). */
  credentials: z.record(z.string().min(1).max(64), z.string().min(1).max(2000).nullable()).optional(),
});
/** `secret` (min 16 characters) sets the secret, e.g. to a rotated Twilio auth token; omitted, a new random one is made. */
export const RotateChannelSecretRequest = z.strictObject({ secret: z.string().min(16).max(200).optional() });

/** A channel as listed: never its secret; secret-bearing credentials are masked. */
export const MessagingChannel = z.object({
  id: z.string(),
  type: ChannelType,
  name: z.string(),
  skillId: z.string().nullable(),
  inboundUrl: z.string(),
  outboundUrl: z.string().nullable(),
  providerBaseUrl: z.string().nullable(),
  credentials: z.record(z.string(), z.string()),
  createdAt: z.string(),
});
export type MessagingChannel = z.infer<typeof MessagingChannel>;
/** Answer to create and rotate-secret: the only times the secret is shown. */
export const MessagingChannelWithSecret = MessagingChannel.extend({ secret: z.string() });

/** An approved WhatsApp message template the composer may offer: `params` body parameters ({{1}}…{{n}}). */
export const ChannelTemplate = z.object({
  id: z.string(),
  channelId: z.string(),
  name: z.string(),
  language: z.string(),
  params: z.number().int(),
  createdAt: z.string(),
});
export type ChannelTemplate = z.infer<typeof ChannelTemplate>;
export const CreateChannelTemplateRequest = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(512)
    .regex(/^[a-z0-9_]+$/, 'lowercase letters, digits and underscores (as WhatsApp names templates)'),
  language: z
    .string()
    .trim()
    .min(2)
    .max(15)
    .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a WhatsApp language code such as en_US or fr'),
  params: z.number().int().min(0).max(20),
});

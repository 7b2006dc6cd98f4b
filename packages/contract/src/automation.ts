import { z } from 'zod';

/** API.md "Automation and integration": API keys, webhooks. */

/** What an API key may do. A route names the scope it wants (http/access.ts); a key without it gets 403. */
export const API_KEY_SCOPES = ['conversations:read', 'conversations:write', 'reports:read', 'users:manage', 'webhooks:manage', 'bots'] as const;
export const ApiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const CreateApiKeyRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(ApiKeyScope).min(1).max(API_KEY_SCOPES.length),
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(ApiKeyScope),
  /** The first characters of the key, to recognise it (the key itself is shown once). */
  prefix: z.string(),
  createdAt: z.string().describe('ISO time'),
  createdBy: z.string().describe('the manager who created it; the key acts on their behalf'),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const CreatedApiKey = ApiKey.extend({ key: z.string().describe('shown once; only its hash is stored') });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

/** The events a webhook may subscribe to. */
export const WEBHOOK_EVENTS = [
  'conversation.created',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.closed',
  'message.created',
  'survey.answered',
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENTS);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

const WebhookUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const CreateWebhookRequest = z.strictObject({
  url: WebhookUrl,
  events: z.array(WebhookEventType).min(1).max(WEBHOOK_EVENTS.length),
  active: z.boolean().default(true),
});
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>;

export const UpdateWebhookRequest = z.strictObject({
  url: WebhookUrl.optional(),
  events: z.array(WebhookEventType).min(1).max(WEBHOOK_EVENTS.length).optional(),
  active: z.boolean().optional(),
});
export type UpdateWebhookRequest = z.infer<typeof UpdateWebhookRequest>;

export const Webhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventType),
  active: z.boolean(),
  /** Why it is inactive when the server turned it off (`failing`: 3 days of failed deliveries). */
  disabledReason: z.enum(['failing']).nullable(),
  createdAt: z.string(),
  /** Until when the previous secret still signs deliveries too (after a rotation). */
  previousSecretUntil: z.string().nullable(),
});
export type Webhook = z.infer<typeof Webhook>;

export const WebhookWithSecret = Webhook.extend({ secret: z.string().describe('whsec_<base64>: the signing key (shown on creation and rotation)') });
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>;

export const RotateWebhookSecretRequest = z.strictObject({
  /** How long the old secret keeps signing beside the new one (default 24 h, at most 7 days). */
  graceSec: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(24 * 3600),
});

export const WebhookDelivery = z.object({
  id: z.string().describe('the webhook-id header: the same on every attempt'),
  type: WebhookEventType,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastResponseCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  conversationId: z.string().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** Bots (API.md "Bots"): a bot takes the new conversations of its skills first, then answers or hands over. */
export const BOT_TIMEOUT_DEFAULT_SEC = 30;
const BotUrl = WebhookUrl;
const BotSkillIds = z.array(z.string().min(1).max(100)).max(100);
const BotTimeoutSec = z.number().int().min(1).max(3600);

export const CreateBotRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
  url: BotUrl,
  skillIds: BotSkillIds,
  /** How long the bot has to answer a consumer message before the conversation escalates by itself (default 30). */
  timeoutSec: BotTimeoutSec.default(BOT_TIMEOUT_DEFAULT_SEC),
});
export type CreateBotRequest = z.infer<typeof CreateBotRequest>;

export const UpdateBotRequest = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  url: BotUrl.optional(),
  skillIds: BotSkillIds.optional(),
  timeoutSec: BotTimeoutSec.optional(),
});
export type UpdateBotRequest = z.infer<typeof UpdateBotRequest>;

export const Bot = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  skillIds: z.array(z.string()),
  timeoutSec: z.number().int(),
  /** The first characters of its key, to recognise it. */
  keyPrefix: z.string(),
  createdAt: z.string(),
});
export type Bot = z.infer<typeof Bot>;

export const CreatedBot = Bot.extend({
  key: z.string().describe("the bot's API key (Authorization: Bearer …): shown once, only its hash is kept"),
  secret: z.string().describe('whsec_<base64>: verifies the signed bot.message deliveries (shown once)'),
});
export type CreatedBot = z.infer<typeof CreatedBot>;

/** `POST /api/v1/conversations/{id}/escalate`: the bot hands over to a skill's queue (default: the conversation's skill) or an agent, with a note for the agent. */
export const EscalateRequest = z.strictObject({
  skillId: z.string().min(1).max(100).optional(),
  agentId: z.string().min(1).max(100).optional(),
  note: z.string().trim().min(1).max(5000).optional(),
});
export type EscalateRequest = z.infer<typeof EscalateRequest>;

export const EscalateResult = z.object({ id: z.string(), state: z.string(), skillId: z.string().nullable() });
export type EscalateResult = z.infer<typeof EscalateResult>;

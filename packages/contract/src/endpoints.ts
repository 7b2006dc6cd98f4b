import type { z } from 'zod';
import { AuditEntry } from './audit.js';
import {
  ApiKey,
  Bot,
  CreateApiKeyRequest,
  CreateBotRequest,
  CreatedApiKey,
  CreatedBot,
  CreateWebhookRequest,
  RotateWebhookSecretRequest,
  UpdateBotRequest,
  UpdateWebhookRequest,
  Webhook,
  WebhookDelivery,
  WebhookWithSecret,
} from './automation.js';
import { Availability, BusinessHours } from './business-hours.js';
import { ConsumerExport, ConsumerSearchItem, ErasureAccepted } from './consumer-data.js';
import { ConsumerConversation } from './domain-events.js';
import {
  AgentPerformanceRow,
  CloseConversationBody,
  CreateDispositionRequest,
  CreateLabelRequest,
  CreateStatusReasonRequest,
  Disposition,
  Label,
  LabelIds,
  SetLabelsRequest,
  SetMyStatusRequest,
  StatusReason,
  UpdateDispositionRequest,
  UpdateLabelRequest,
  UpdateStatusReasonRequest,
} from './operations.js';
import { SetSlaRequest, SubmitSurveyRequest, TransferRequest } from './requests.js';
import {
  ActiveListPage,
  ConsumerConversationView,
  ConsumerHistory,
  ConsumerSession,
  ConsumerSkill,
  ConversationDetails,
  DailyReport,
  Directory,
  EmbedConfig,
  HandoverResult,
  IdentitySecret,
  Kpis,
  LiveReport,
  NotificationsPage,
  Page,
  SkillWithOverrides,
  SurveyView,
  TransferResult,
} from './responses.js';
import {
  ActiveItem,
  ChannelTemplate,
  ConsumerOpenConversationRequest,
  ConsumerSessionRequest,
  ContentCategory,
  ContentItem,
  CreateChannelRequest,
  CreateChannelTemplateRequest,
  CreateContentCategoryRequest,
  CreateContentRequest,
  CreateNoteRequest,
  CreateSkillRequest,
  CreateUserRequest,
  LoginRequest,
  LoginResponse,
  Message,
  MessagingChannel,
  MessagingChannelWithSecret,
  Note,
  RotateChannelSecretRequest,
  SendMessageRequest,
  SetStatusRequest,
  SsoExchangeRequest,
  SsoInfo,
  UpdateChannelRequest,
  UpdateContentCategoryRequest,
  UpdateContentRequest,
  UpdateSkillRequest,
  UpdateUserRequest,
  User,
  UserSettings,
} from './schemas.js';
import { AccountSettings, AccountSettingsPatch } from './settings.js';
import { SuggestionList } from './suggestions.js';

/**
 * The endpoint table of API v1: `"METHOD /path/{param}"` → the schema of its JSON body (if any)
 * and of its success answer (`null`: 204 No Content; `'text'`: a plain-text answer). The routes
 * attach the same schemas (test/api/endpoints.test.ts checks each entry against the OpenAPI
 * document), and the typed client (api-client.ts) takes its request and response types from here.
 * `multipart`: the body may also be a FormData (a file upload).
 *
 * Add an entry with every route a front end calls.
 */
export const ENDPOINTS = {
  // auth and the signed-in user
  'POST /api/v1/auth/login': { body: LoginRequest, response: LoginResponse },
  'POST /api/v1/auth/logout': { response: null },
  'GET /api/v1/auth/sso': { response: SsoInfo },
  'POST /api/v1/auth/oidc/exchange': { body: SsoExchangeRequest, response: LoginResponse },
  'GET /api/v1/me': { response: User },
  'PUT /api/v1/me/status': { body: SetMyStatusRequest, response: User },
  'GET /api/v1/status-reasons': { response: Page(StatusReason) },
  'GET /api/v1/me/settings': { response: UserSettings },
  'PATCH /api/v1/me/settings': { body: UserSettings, response: UserSettings },
  'GET /api/v1/me/kpis': { response: Kpis },
  'POST /api/v1/me/handover': { response: HandoverResult },
  'GET /api/v1/me/notifications': { response: NotificationsPage },
  'POST /api/v1/me/notifications/{id}/read': { response: null },

  // the workspace
  'GET /api/v1/workspace/active': { response: ActiveListPage },
  'DELETE /api/v1/workspace/active/{id}': { response: null },
  'GET /api/v1/directory': { response: Directory },
  'GET /api/v1/conversations': { response: Page(ActiveItem) },
  'GET /api/v1/conversations/{id}': { response: ConversationDetails },
  'GET /api/v1/conversations/{id}/messages': { response: Page(Message) },
  'POST /api/v1/conversations/{id}/messages': { body: SendMessageRequest, multipart: true, response: Message },
  'POST /api/v1/conversations/{id}/messages/{messageId}/retry': { response: Message },
  'GET /api/v1/conversations/{id}/templates': { response: Page(ChannelTemplate) },
  'GET /api/v1/conversations/{id}/transcript.txt': { response: 'text' },
  'POST /api/v1/conversations/{id}/read': { response: null },
  'POST /api/v1/conversations/{id}/close': { body: CloseConversationBody, response: ActiveItem },
  'GET /api/v1/dispositions': { response: Page(Disposition) },
  'GET /api/v1/labels': { response: Page(Label) },
  'PUT /api/v1/conversations/{id}/labels': { body: SetLabelsRequest, response: LabelIds },
  'POST /api/v1/conversations/{id}/resume': { response: ActiveItem },
  'POST /api/v1/conversations/{id}/accept': { response: ActiveItem },
  'POST /api/v1/conversations/{id}/decline': { response: null },
  'POST /api/v1/conversations/{id}/transfer': { body: TransferRequest, response: TransferResult },
  'POST /api/v1/conversations/{id}/take-over': { response: ActiveItem },
  'PUT /api/v1/conversations/{id}/sla': { body: SetSlaRequest, response: ActiveItem },
  'DELETE /api/v1/conversations/{id}/sla': { response: ActiveItem },
  'GET /api/v1/conversations/{id}/notes': { response: Page(Note) },
  'GET /api/v1/conversations/{id}/suggestions': { response: SuggestionList },
  'POST /api/v1/conversations/{id}/notes': { body: CreateNoteRequest, response: Note },
  'GET /api/v1/embed/config': { response: EmbedConfig },

  // the manager console
  'GET /api/v1/account/settings': { response: AccountSettings },
  'PATCH /api/v1/account/settings': { body: AccountSettingsPatch, response: AccountSettings },
  'GET /api/v1/account/identity-secret': { response: IdentitySecret },
  'POST /api/v1/account/identity-secret/rotate': { response: IdentitySecret },
  'GET /api/v1/users': { response: Page(User) },
  'POST /api/v1/users': { body: CreateUserRequest, response: User },
  'PATCH /api/v1/users/{id}': { body: UpdateUserRequest, response: User },
  'PUT /api/v1/users/{id}/status': { body: SetStatusRequest, response: User },
  'GET /api/v1/api-keys': { response: Page(ApiKey) },
  'POST /api/v1/api-keys': { body: CreateApiKeyRequest, response: CreatedApiKey },
  'DELETE /api/v1/api-keys/{id}': { response: null },
  'GET /api/v1/webhooks': { response: Page(Webhook) },
  'POST /api/v1/webhooks': { body: CreateWebhookRequest, response: WebhookWithSecret },
  'PATCH /api/v1/webhooks/{id}': { body: UpdateWebhookRequest, response: Webhook },
  'DELETE /api/v1/webhooks/{id}': { response: null },
  'POST /api/v1/webhooks/{id}/rotate-secret': { body: RotateWebhookSecretRequest, response: WebhookWithSecret },
  'GET /api/v1/webhooks/{id}/deliveries': { response: Page(WebhookDelivery) },
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': { response: WebhookDelivery },
  'GET /api/v1/bots': { response: Page(Bot) },
  'POST /api/v1/bots': { body: CreateBotRequest, response: CreatedBot },
  'PATCH /api/v1/bots/{id}': { body: UpdateBotRequest, response: Bot },
  'DELETE /api/v1/bots/{id}': { response: null },
  'GET /api/v1/skills': { response: Page(SkillWithOverrides) },
  'POST /api/v1/skills': { body: CreateSkillRequest, response: SkillWithOverrides },
  'PATCH /api/v1/skills/{id}': { body: UpdateSkillRequest, response: SkillWithOverrides },
  'DELETE /api/v1/skills/{id}': { response: null },
  'GET /api/v1/business-hours': { response: BusinessHours },
  'PUT /api/v1/business-hours': { body: BusinessHours, response: BusinessHours },
  'POST /api/v1/status-reasons': { body: CreateStatusReasonRequest, response: StatusReason },
  'PATCH /api/v1/status-reasons/{id}': { body: UpdateStatusReasonRequest, response: StatusReason },
  'DELETE /api/v1/status-reasons/{id}': { response: null },
  'POST /api/v1/dispositions': { body: CreateDispositionRequest, response: Disposition },
  'PATCH /api/v1/dispositions/{id}': { body: UpdateDispositionRequest, response: Disposition },
  'DELETE /api/v1/dispositions/{id}': { response: null },
  'POST /api/v1/labels': { body: CreateLabelRequest, response: Label },
  'PATCH /api/v1/labels/{id}': { body: UpdateLabelRequest, response: Label },
  'DELETE /api/v1/labels/{id}': { response: null },
  'GET /api/v1/content/categories': { response: Page(ContentCategory) },
  'POST /api/v1/content/categories': { body: CreateContentCategoryRequest, response: ContentCategory },
  'PATCH /api/v1/content/categories/{id}': { body: UpdateContentCategoryRequest, response: ContentCategory },
  'DELETE /api/v1/content/categories/{id}': { response: null },
  'GET /api/v1/content': { response: Page(ContentItem) },
  'POST /api/v1/content': { body: CreateContentRequest, response: ContentItem },
  'PATCH /api/v1/content/{id}': { body: UpdateContentRequest, response: ContentItem },
  'DELETE /api/v1/content/{id}': { response: null },
  'GET /api/v1/channels': { response: Page(MessagingChannel) },
  'POST /api/v1/channels': { body: CreateChannelRequest, response: MessagingChannelWithSecret },
  'GET /api/v1/channels/{id}': { response: MessagingChannel },
  'PATCH /api/v1/channels/{id}': { body: UpdateChannelRequest, response: MessagingChannel },
  'POST /api/v1/channels/{id}/rotate-secret': { body: RotateChannelSecretRequest.default({}), response: MessagingChannelWithSecret },
  'GET /api/v1/channels/{id}/templates': { response: Page(ChannelTemplate) },
  'POST /api/v1/channels/{id}/templates': { body: CreateChannelTemplateRequest, response: ChannelTemplate },
  'DELETE /api/v1/channels/{id}/templates/{templateId}': { response: null },
  'GET /api/v1/reports/live': { response: LiveReport },
  'GET /api/v1/reports/daily': { response: DailyReport },
  'GET /api/v1/reports/agents': { response: Page(AgentPerformanceRow) },
  'GET /api/v1/reports/conversations.csv': { response: 'text' },
  'GET /api/v1/audit': { response: Page(AuditEntry) },
  'GET /api/v1/audit.csv': { response: 'text' },
  'GET /api/v1/consumers': { response: Page(ConsumerSearchItem) },
  'GET /api/v1/consumers/{id}/export': { response: ConsumerExport },
  'POST /api/v1/consumers/{id}/erase': { response: ErasureAccepted },

  // the consumer API (the web widget)
  'POST /api/v1/consumer/session': { body: ConsumerSessionRequest, response: ConsumerSession },
  'GET /api/v1/consumer/skills': { response: Page(ConsumerSkill) },
  'GET /api/v1/consumer/availability': { response: Availability },
  'GET /api/v1/consumer/history': { response: ConsumerHistory },
  'POST /api/v1/consumer/conversations': { body: ConsumerOpenConversationRequest.default({}), response: ConsumerConversation },
  'GET /api/v1/consumer/conversations/{id}': { response: ConsumerConversationView },
  'GET /api/v1/consumer/conversations/{id}/messages': { response: Page(Message) },
  'POST /api/v1/consumer/conversations/{id}/messages': { body: SendMessageRequest, multipart: true, response: Message },
  'POST /api/v1/consumer/conversations/{id}/urgent': { response: ConsumerConversation },
  'POST /api/v1/consumer/conversations/{id}/close': { response: ConsumerConversation },
  'GET /api/v1/consumer/conversations/{id}/survey': { response: SurveyView },
  'POST /api/v1/consumer/conversations/{id}/survey': { body: SubmitSurveyRequest, response: SurveyView },
} as const satisfies Record<string, EndpointSpec>;

export interface EndpointSpec {
  body?: z.ZodType;
  multipart?: true;
  response: z.ZodType | null | 'text';
}

type Table = typeof ENDPOINTS;

/** An endpoint of the table: `"METHOD /path/{param}"`. */
export type Endpoint = keyof Table;

/** What an endpoint answers: the parsed JSON, the text, or undefined (204). */
export type ResponseOf<E extends Endpoint> = Table[E]['response'] extends z.ZodType
  ? z.output<Table[E]['response']>
  : Table[E]['response'] extends 'text'
    ? string
    : undefined;

/** The body an endpoint takes (a FormData too for a multipart one), or never. */
export type BodyOf<E extends Endpoint> = Table[E] extends { body: infer B extends z.ZodType }
  ? z.input<B> | (Table[E] extends { multipart: true } ? FormData : never)
  : never;

type ParamNames<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? K | ParamNames<Rest> : never;
/** The path parameters of an endpoint (`{id}` → `{ id: string }`). */
export type ParamsOf<E extends Endpoint> = { [K in ParamNames<E>]: string };

/** Endpoints that answer a list page (`items`, `nextCursor`). */
export type ListEndpoint = { [E in Endpoint]: ResponseOf<E> extends { items: unknown[]; nextCursor: string | null } ? E : never }[Endpoint];

/** The item type of a list endpoint. */
export type ItemOf<E extends ListEndpoint> = ResponseOf<E> extends { items: (infer I)[] } ? I : never;

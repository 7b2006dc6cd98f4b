import { z } from 'zod';
import { BusinessHours } from './business-hours.js';
import { ConsumerConversation } from './domain-events.js';
import { WrapUp, WrapUpSettings } from './operations.js';
import { ActiveItem, AgentStatus, Channel, Message, Notification, Skill } from './schemas.js';
import { SurveyQuestion } from './settings.js';

/**
 * Response schemas of the API that are not one of the shared entities of schemas.ts: each route
 * attaches its schema from here (the OpenAPI document is generated from them), and the typed API
 * client (api-client.ts) takes its response types from the same schemas.
 */

/** The response envelope of every list: the page's items and the cursor of the next page (null at the end). */
export const Page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null when this page is the last'),
  });

/** `GET /api/v1/workspace/active`: the page, and counts by status (they ignore the filter and the page). */
export const ActiveListPage = Page(ActiveItem).extend({
  counts: z.object({ ongoing: z.number(), overdue: z.number(), idle: z.number(), closed: z.number() }),
});

/** An agent routing considered, and why they were (not) eligible. */
export const RoutingCandidate = z.object({
  agentId: z.string(),
  status: z.string(),
  /** Null for an agent who could not take it anyway (not online, or inactive): their open work is not counted. */
  load: z.number().nullable(),
  capacity: z.number(),
  eligible: z.boolean(),
  why: z.string(),
});

/** Why a conversation was assigned, offered or left waiting ("why me"). */
export const RoutingDecision = z.object({
  outcome: z.enum(['assigned', 'offered', 'waiting']),
  rule: z.string(),
  agentId: z.string().nullable(),
  candidates: z.array(RoutingCandidate),
  at: z.string(),
});
export type RoutingDecision = z.infer<typeof RoutingDecision>;

/** `GET /api/v1/conversations/{id}`: the Active-list row, the consumer (channel, custom variables) and the routing reason. */
export const ConversationDetails = ActiveItem.extend({
  firstTime: z.boolean(),
  assignedAt: z.string().nullable(),
  firstResponseAt: z.string().nullable(),
  consumer: z.object({
    id: z.string(),
    name: z.string(),
    channel: Channel,
    customVariables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  }),
  routing: RoutingDecision.nullable(),
  /** What the agent chose when closing (dispositions, note); null without one. */
  wrapUp: WrapUp.nullable(),
  /** The bot that handled it first (API.md "Bots"): `handling` while it still does, `escalated` once it handed over, `contained` when it closed without reaching an agent; null when no bot took it. */
  bot: z
    .object({ id: z.string(), name: z.string(), status: z.enum(['handling', 'escalated', 'contained']) })
    .nullable()
    .optional(),
});
export type ConversationDetails = z.infer<typeof ConversationDetails>;

/** `POST /api/v1/conversations/{id}/transfer`. */
export const TransferResult = z.object({ id: z.string(), state: z.string() });

export const DirectorySkill = z.object({
  kind: z.literal('skill'),
  id: z.string(),
  displayName: z.string(),
  description: z.string(),
  queued: z.number().int(),
});
export type DirectorySkill = z.infer<typeof DirectorySkill>;
export const DirectoryAgent = z.object({
  kind: z.literal('agent'),
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  status: AgentStatus,
  skills: z.array(z.string()),
  load: z.number().int(),
  maxConcurrent: z.number().int(),
});
export type DirectoryAgent = z.infer<typeof DirectoryAgent>;

/** `GET /api/v1/directory`: `items` is the page, skills first; `skills` and `agents` are the same entries split by kind. */
export const Directory = Page(z.discriminatedUnion('kind', [DirectorySkill, DirectoryAgent])).extend({
  skills: z.array(DirectorySkill),
  agents: z.array(DirectoryAgent),
});
export type Directory = z.infer<typeof Directory>;

/** `GET /api/v1/me/kpis`: the KPI bar. */
export const Kpis = z.object({
  csat: z.number().nullable().describe('% of CSAT answers that are 4 or 5, over the last surveyWindowDays days'),
  nps: z.number().nullable().describe('% promoters (9–10) − % detractors (0–6), over the last surveyWindowDays days'),
  csatResponses: z.number(),
  npsResponses: z.number(),
  surveyWindowDays: z.number(),
  closedToday: z.number(),
  avgFirstResponseSec: z.number().nullable(),
  openNow: z.number(),
});
export type Kpis = z.infer<typeof Kpis>;

/** `GET /api/v1/me/notifications`: the page and the count of unread ones. */
export const NotificationsPage = Page(Notification).extend({ unread: z.number() });

/** `POST /api/v1/me/handover`: the conversations handed back to their queues. */
export const HandoverResult = z.object({ returned: z.array(z.string()) });

/** A skill as the manager API answers it: `sla` and `autoClose` only where the skill overrides the account. */
export const SkillWithOverrides = Skill.extend({
  sla: z.object({ defaultSec: z.number().optional(), firstTimeSec: z.number().optional(), urgentSec: z.number().optional() }).optional(),
  autoClose: z.object({ enabled: z.boolean().optional(), afterSec: z.number().optional() }).optional(),
  businessHours: BusinessHours.optional(),
  wrapUp: WrapUpSettings.optional(),
});
export type SkillWithOverrides = z.infer<typeof SkillWithOverrides>;

/** `GET /api/v1/account/identity-secret` and its rotation. */
export const IdentitySecret = z.object({ secret: z.string() }).describe('HS256 key (its UTF-8 bytes) for consumer identity tokens');

/** `GET /api/v1/embed/config`: the origins allowed to frame the workspace of an account. */
export const EmbedConfig = z.object({ allowedFrameAncestors: z.array(z.string()) });

// ---------------------------------------------------------------- consumer API

/** `POST /api/v1/consumer/session`. */
export const ConsumerSession = z.object({ consumerToken: z.string(), consumerId: z.string() });

/** `GET /api/v1/consumer/skills`: a topic a consumer may write to. */
export const ConsumerSkill = z.object({ id: z.string(), name: z.string() });

/** `GET /api/v1/consumer/conversations/{id}`: the consumer's conversation, with its place in the queue while it waits. */
export const ConsumerConversationView = ConsumerConversation.extend({ queuePosition: z.number().nullable(), expectedResponseSec: z.number().nullable() });
export type ConsumerConversationView = z.infer<typeof ConsumerConversationView>;

/** `GET /api/v1/consumer/history`: the consumer's conversations (no queue figures) and their messages. */
export const ConsumerHistory = z.object({ conversations: z.array(ConsumerConversation), messages: z.array(Message) });

/** A post-conversation survey as its consumer reads and answers it. */
export const SurveyView = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** `withdrawn`: the conversation went on (resumed by the agent, or the consumer started a new one); no longer answerable. */
  status: z.enum(['pending', 'answered', 'expired', 'withdrawn']),
  questions: z.array(SurveyQuestion),
  answers: z.record(z.string(), z.union([z.number(), z.string()])),
  requestedAt: z.string(),
  expiresAt: z.string(),
  answeredAt: z.string().nullable(),
});

// ---------------------------------------------------------------- reports (manager)

const Scores = z.object({ csat: z.number().nullable(), nps: z.number().nullable(), responses: z.number().int() });

/** `GET /api/v1/reports/live`: queues, agents, SLA and CSAT now. */
export const LiveReport = z.object({
  at: z.string(),
  skills: z.array(
    z.object({
      id: z.string().nullable().describe('null: the conversations without a skill ("No skill", listed last when there are any)'),
      name: z.string(),
      queue: z.number().int(),
      longestWaitSec: z.number().int(),
      agents: z.object({ online: z.number().int(), away: z.number().int(), backSoon: z.number().int() }),
      open: z.number().int(),
      overdue: z.number().int(),
      soonOverdue: z.number().int(),
      slaToday: z.number().nullable(),
      today: Scores,
      last12h: Scores,
    }),
  ),
  agents: z.array(
    z.object({
      id: z.string(),
      displayName: z.string(),
      role: z.string(),
      status: z.string(),
      /** The status reason (Lunch, Training…) chosen with Away / Back soon, if any, and its name. */
      statusReasonId: z.string().nullable().optional(),
      statusReason: z.string().nullable().optional(),
      /** Since when the agent is in this status (and reason), from the state-change log (null: not logged). */
      statusSince: z.string().nullable().optional(),
      load: z.number().int(),
      capacity: z.number().int(),
      closedToday: z.number().int(),
      avgFirstResponseSec: z.number().nullable(),
      csat: z.number().nullable(),
    }),
  ),
});
export type LiveReport = z.infer<typeof LiveReport>;

const Hour = z.object({ hour: z.number().int(), arrivals: z.number().int(), avgFirstResponseSec: z.number().nullable(), slaAttainment: z.number().nullable() });
/** `GET /api/v1/reports/daily`: a list like every other (`items`, `nextCursor`: the hours of the day); `hours` is the same page, as before pagination. */
const BotFigures = z.object({
  handled: z.number().int().describe('conversations of the day a bot took first'),
  contained: z.number().int().describe('of those, closed without reaching an agent'),
  escalated: z.number().int().describe('of those, handed over to agents (by the bot, or by itself on failure or timeout)'),
});
export const DailyReport = Page(Hour).extend({
  date: z.string(),
  hours: z.array(Hour).describe('the same hours as items'),
  /** Bots: the day's conversations contained by a bot vs escalated, in all and per bot. */
  bots: BotFigures.extend({ byBot: z.array(BotFigures.extend({ id: z.string(), name: z.string() })) }).optional(),
});
export type DailyReport = z.infer<typeof DailyReport>;

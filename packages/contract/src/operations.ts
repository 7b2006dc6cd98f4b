import { z } from 'zod';
import { AgentStatus } from './schemas.js';

/**
 * Contact-center operations (API.md "Contact-center operations"): manager-defined status reasons
 * under Away and Back soon, and the agent-state report built from the state-change log.
 */

export const ReasonStatus = z.enum(['away', 'back_soon']);
export type ReasonStatus = z.infer<typeof ReasonStatus>;

const reasonName = z.string().trim().min(1).max(60);

export const StatusReason = z.object({ id: z.string(), name: z.string(), status: ReasonStatus });
export type StatusReason = z.infer<typeof StatusReason>;
export const CreateStatusReasonRequest = z.strictObject({ name: reasonName, status: ReasonStatus });
export const UpdateStatusReasonRequest = z.strictObject({ name: reasonName.optional(), status: ReasonStatus.optional() });
export type UpdateStatusReasonRequest = z.infer<typeof UpdateStatusReasonRequest>;

/** `PUT /api/v1/me/status`: a reason only with the status it belongs to. */
export const SetMyStatusRequest = z.strictObject({
  status: AgentStatus,
  reasonId: z.string().min(1).max(100).nullable().optional(),
  handover: z.boolean().optional(),
});
export type SetMyStatusRequest = z.infer<typeof SetMyStatusRequest>;

/** Seconds per status in a period. */
export const StatusSeconds = z.object({ online: z.number(), away: z.number(), back_soon: z.number(), offline: z.number() });
export type StatusSeconds = z.infer<typeof StatusSeconds>;

/** One agent's time in `GET /api/v1/reports/agent-states`: per status, and per reason within Away / Back soon. */
export const AgentStatesRow = z.object({
  agentId: z.string(),
  displayName: z.string(),
  seconds: StatusSeconds,
  reasons: z.array(z.object({ reasonId: z.string(), name: z.string(), status: ReasonStatus, seconds: z.number() })),
});
export type AgentStatesRow = z.infer<typeof AgentStatesRow>;

/** Wrap-up codes an agent picks when closing (`POST /api/v1/conversations/{id}/close`). */
export const Disposition = z.object({ id: z.string(), name: z.string() });
export type Disposition = z.infer<typeof Disposition>;
export const CreateDispositionRequest = z.strictObject({ name: z.string().trim().min(1).max(80) });
export const UpdateDispositionRequest = z.strictObject({ name: z.string().trim().min(1).max(80).optional() });
export type UpdateDispositionRequest = z.infer<typeof UpdateDispositionRequest>;

/** The close body: dispositions (required when the conversation's skill says so) and a note. */
export const CloseConversationRequest = z.strictObject({
  dispositionIds: z.array(z.string().min(1).max(100)).max(20).optional(),
  wrapUpNote: z.string().trim().max(2000).optional(),
});
export type CloseConversationRequest = z.infer<typeof CloseConversationRequest>;

/** A closed conversation's wrap-up as its details show it. */
export const WrapUp = z.object({ dispositions: z.array(Disposition), note: z.string().nullable(), at: z.string() });
export type WrapUp = z.infer<typeof WrapUp>;

/** The skill setting: a disposition must be chosen when an agent closes. */
export const WrapUpSettings = z.strictObject({ required: z.boolean() });

/** Manager-defined labels with a colour, put on conversations by agents. */
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour #RRGGBB');
export const Label = z.object({ id: z.string(), name: z.string(), color: z.string() });
export type Label = z.infer<typeof Label>;
export const CreateLabelRequest = z.strictObject({ name: z.string().trim().min(1).max(40), color });
export const UpdateLabelRequest = z.strictObject({ name: z.string().trim().min(1).max(40).optional(), color: color.optional() });
export type UpdateLabelRequest = z.infer<typeof UpdateLabelRequest>;
/** `PUT /api/v1/conversations/{id}/labels`: the whole set (empty removes them all). */
export const SetLabelsRequest = z.strictObject({ labelIds: z.array(z.string().min(1).max(100)).max(20) });
/** Its answer: the conversation's labels as saved (duplicates dropped). */
export const LabelIds = z.object({ labelIds: z.array(z.string()) });

/** An agent's figures over a stretch of time (times in seconds; null without any). */
const AgentFigures = z.object({
  handled: z.number().int(),
  closed: z.number().int(),
  avgHandleSec: z.number().nullable(),
  avgFirstResponseSec: z.number().nullable(),
  csat: z.number().nullable(),
  csatResponses: z.number().int(),
  onlineSec: z.number(),
});
/** One UTC day of an agent's figures (`date`: YYYY-MM-DD; the first and last day are clipped to the period). */
export const AgentPerformanceDay = AgentFigures.extend({ date: z.string() });
export type AgentPerformanceDay = z.infer<typeof AgentPerformanceDay>;

/** One agent in `GET /api/v1/reports/agents` for a period, with every UTC day of the period in `days`. */
export const AgentPerformanceRow = z.object({
  agentId: z.string(),
  displayName: z.string(),
  ...AgentFigures.shape,
  days: z.array(AgentPerformanceDay),
});
export type AgentPerformanceRow = z.infer<typeof AgentPerformanceRow>;
/** The close route's body as declared: optional (a close without a wrap-up sends none). */
export const CloseConversationBody = CloseConversationRequest.nullish();

import { z } from 'zod';
import { Channel, ConversationState, Message } from './schemas.js';

/** Consumer data rights (API.md "Enterprise controls"): find a consumer, export what is held about them, erase them. */

export const ConsumerRecordView = z.object({
  id: z.string(),
  channel: Channel,
  channelId: z.string().nullable(),
  /** The brand's id for the person (web identity token `sub`), the phone number (SMS) or the page-scoped id (Messenger). */
  identity: z.string().nullable(),
  name: z.string(),
  customVariables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  createdAt: z.string(),
  /** When the consumer was erased; null when never. */
  erasedAt: z.string().nullable(),
});
export type ConsumerRecordView = z.infer<typeof ConsumerRecordView>;

export const ConsumerSearchItem = ConsumerRecordView.extend({ conversations: z.number().int() });
export type ConsumerSearchItem = z.infer<typeof ConsumerSearchItem>;

export const ExportedSurveyAnswer = z.object({
  questionId: z.string(),
  type: z.string(),
  value: z.union([z.number(), z.string()]).nullable(),
  answeredAt: z.string(),
});

export const ExportedConversation = z.object({
  id: z.string(),
  channel: Channel,
  skillId: z.string().nullable(),
  state: ConversationState,
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  messages: z.array(Message),
  surveyAnswers: z.array(ExportedSurveyAnswer),
});

export const ConsumerExport = z.object({
  exportedAt: z.string(),
  consumer: ConsumerRecordView,
  conversations: z.array(ExportedConversation),
  /** Each file's `url` is a signed download link, valid for 24 hours. */
  files: z.array(z.object({ id: z.string(), conversationId: z.string(), name: z.string(), contentType: z.string(), size: z.number().int(), url: z.string() })),
});
export type ConsumerExport = z.infer<typeof ConsumerExport>;

export const ErasureAccepted = z.object({ id: z.string(), erasedAt: z.string() });
export type ErasureAccepted = z.infer<typeof ErasureAccepted>;

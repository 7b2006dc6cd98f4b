import type { Conversation } from '../domain/conversation.js';
import { sentThroughChannel } from '../domain/delivery.js';
import { nextQuestion, questionPrompt } from '../domain/surveys.js';
import type { Tx } from '../storage/db.js';
import type { Account } from '../storage/repos/accounts.repo.js';
import type { SurveyRecord } from '../storage/repos/surveys.repo.js';
import type { Deps, Outbox } from './context.js';
import { appendMessageIn } from './conversations.service.js';
import { answerSurveyQuestionIn, surveyLanguageIn } from './surveys.service.js';

/**
 * The post-conversation survey on channels without a form (SMS, Messenger, webhook): one question
 * per message, answered by reply (docs/files-and-surveys.md, docs/channels.md). Questions and
 * replies are kept in the closed conversation's transcript; questions go out like agent messages
 * (queued, in order, retried). Their instructions ("Reply with a number…") and the thank-you are
 * in the consumer's language, else the account's default (domain/consumer-messages.ts).
 */

/** Channels without a form: the survey goes one question per message. */
const byMessages = sentThroughChannel;

/** Called by `closeIn` once a survey was requested: sends its first question on the channel. */
export async function offerSurveyOnChannelIn(deps: Deps, tx: Tx, out: Outbox, c: Conversation, survey: SurveyRecord): Promise<Conversation> {
  if (!byMessages(c) || survey.status !== 'pending') return c;
  const q = nextQuestion(survey.questions, survey.answers);
  if (!q) return c;
  const text = questionPrompt(q, await surveyLanguageIn(deps, tx, survey));
  return (await appendMessageIn(deps, tx, out, c, { senderType: 'system', senderId: null, text })).conversation;
}

/**
 * An inbound text from a consumer with no open conversation, whose last (closed) conversation has
 * a pending survey: if it answers the current question it is stored as the answer and as a reply
 * in that transcript, and the next question (or a thank-you) goes out. Returns the stored reply's
 * id, or null when the text is not an answer (no survey pending, or e.g. "hello" to a 1–5
 * question): then it is an ordinary message and starts a new conversation.
 */
export async function replyToChannelSurveyIn(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  account: Account,
  last: Conversation,
  text: string,
  eventId: string,
): Promise<string | null> {
  if (!byMessages(last) || last.state !== 'closed') return null;
  const r = await answerSurveyQuestionIn(deps, tx, out, account.id, last.id, text);
  if (r.status === 'none' || r.status === 'invalid') return null;
  const reply = await appendMessageIn(deps, tx, out, last, { senderType: 'consumer', senderId: last.consumerId, text, clientMessageId: eventId });
  // The next question, or the thank-you, in the consumer's language (domain/consumer-messages.ts).
  const next = r.status === 'next' ? r.prompt : r.thanks;
  await appendMessageIn(deps, tx, out, reply.conversation, { senderType: 'system', senderId: null, text: next });
  return reply.message.id;
}

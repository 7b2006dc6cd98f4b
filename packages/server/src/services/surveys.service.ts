import type { SurveyWithdrawnEvent } from '@parley/contract';
import { consumerLanguage, consumerText } from '../domain/consumer-messages.js';
import type { ClosedBy, Conversation } from '../domain/conversation.js';
import { conflict, DomainError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  type AnswerValue,
  checkAnswers,
  nextQuestion,
  parseReply,
  questionPrompt,
  questionsIn,
  type SurveyQuestion,
  shouldSendSurvey,
} from '../domain/surveys.js';
import { surveyTimers } from '../domain/timers.js';
import type { Tx } from '../storage/db.js';
import type { Account } from '../storage/repos/accounts.repo.js';
import { findConsumerLanguage } from '../storage/repos/consumers.repo.js';
import { findConversation } from '../storage/repos/conversations.repo.js';
import { findSurvey, findSurveyOfConversation, insertSurvey, type SurveyRecord, saveSurvey, upsertAnswers } from '../storage/repos/surveys.repo.js';
import type { TimerRow } from '../storage/repos/timers.repo.js';
import { assertCanRead } from './access.js';
import { findAccountCached } from './caches.js';
import { type Deps, emit, inTransaction, type Outbox } from './context.js';
import { maskConsumerText } from './masking.service.js';
import { reconcileTimers } from './persist.js';
import type { ConsumerPrincipal } from './principal.js';

/** A survey as the consumer (widget) sees it. */
export interface SurveyView {
  id: string;
  conversationId: string;
  status: SurveyRecord['status'];
  questions: SurveyQuestion[];
  /** Answers given so far (channels answer one question at a time). */
  answers: Record<string, AnswerValue>;
  requestedAt: string;
  expiresAt: string;
  answeredAt: string | null;
}

const iso = (t: number) => new Date(t).toISOString();

export const toSurveyView = (s: SurveyRecord): SurveyView => ({
  id: s.id,
  conversationId: s.conversationId,
  status: s.status,
  questions: s.questions,
  answers: s.answers,
  requestedAt: iso(s.requestedAt),
  expiresAt: iso(s.expiresAt),
  answeredAt: s.answeredAt === null ? null : iso(s.answeredAt),
});

/**
 * Offer the account's survey for a conversation that was just closed (called by `closeIn`, in its
 * transaction). Sent on every close by an agent or the consumer, and on auto-close only when the
 * account says so; not again once answered. The questions are copied as they are now, in the
 * consumer's language (else the account's default: `questionsIn`), the
 * `survey_expiry` timer set, and `survey.requested` pushed to the consumer.
 */
export async function requestSurveyIn(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  account: Account,
  c: Conversation,
  by: ClosedBy,
  now: number,
): Promise<SurveyRecord | null> {
  const settings = account.settings.survey;
  // Nobody served a conversation closed while it waited: there is nothing to rate.
  const agentId = c.lastAgentId ?? c.agentId;
  if (!shouldSendSurvey(settings, by) || !agentId) return null;
  const existing = await findSurveyOfConversation(tx, account.id, c.id, deps.db.dialect);
  if (existing?.status === 'answered') return null;
  const survey: SurveyRecord = {
    id: existing?.id ?? newId(),
    accountId: account.id,
    conversationId: c.id,
    consumerId: c.consumerId,
    agentId,
    skillId: c.skillId,
    channel: c.channel,
    closedBy: by,
    questions: questionsIn(settings.questions, await findConsumerLanguage(tx, account.id, c.consumerId), account.settings.language),
    status: 'pending',
    answers: existing?.answers ?? {},
    requestedAt: now,
    expiresAt: now + settings.timeoutSec * 1000,
    answeredAt: null,
  };
  if (existing) await saveSurvey(tx, survey);
  else await insertSurvey(tx, survey);
  await reconcileTimers(deps, tx, survey, surveyTimers(survey));
  emit(
    out,
    [{ type: 'survey.requested', data: { surveyId: survey.id, conversationId: c.id, questions: survey.questions, expiresAt: iso(survey.expiresAt) } }],
    {
      survey,
    },
  );
  return survey;
}

/** The `survey_expiry` timer: a survey still pending at its expiry becomes `expired` (partial answers are kept). */
export async function expireSurvey(deps: Deps, accountId: string, surveyId: string, firing?: TimerRow): Promise<void> {
  await inTransaction(deps, accountId, async (tx, out) => {
    const s = await findSurvey(tx, accountId, surveyId, deps.db.dialect);
    if (s?.status !== 'pending') return;
    const now = deps.clock.now();
    if (now < s.expiresAt) {
      // moved meanwhile (the conversation was closed again): wait for the new time
      await reconcileTimers(deps, tx, s, surveyTimers(s), { firing });
      return;
    }
    await saveSurvey(tx, { ...s, status: 'expired' }, 'pending');
    emit(out, [{ type: 'survey.expired', data: { surveyId: s.id, conversationId: s.conversationId } }], { survey: s });
  });
}

/** Why a pending survey stopped applying (`survey.withdrawn`'s `reason`). */
export type SurveyWithdrawReason = SurveyWithdrawnEvent['reason'];

/**
 * In the caller's transaction: the conversation went on after its close — the agent resumed it, or
 * the consumer started a new conversation — so its pending survey no longer applies. It becomes
 * `withdrawn` (answers given so far are kept), its expiry timer goes, and the consumer gets
 * `survey.withdrawn` so the widget removes the form; answering it is then 409. An answered or
 * expired survey stays as it is. A later close of the same conversation sends it afresh.
 */
export async function withdrawSurveyIn(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  accountId: string,
  conversationId: string,
  reason: SurveyWithdrawReason,
): Promise<void> {
  const s = await findSurveyOfConversation(tx, accountId, conversationId, deps.db.dialect);
  if (s?.status !== 'pending') return;
  const withdrawn: SurveyRecord = { ...s, status: 'withdrawn' };
  if (!(await saveSurvey(tx, withdrawn, 'pending'))) return;
  await reconcileTimers(deps, tx, s, surveyTimers(withdrawn));
  emit(out, [{ type: 'survey.withdrawn', data: { surveyId: s.id, conversationId: s.conversationId, reason } }], { survey: s });
}

/**
 * The language the server writes a survey's instructions and thank-you in: the consumer's (when
 * Parley ships it), else the account's default language, else English.
 */
export async function surveyLanguageIn(deps: Deps, tx: Tx, s: Pick<SurveyRecord, 'accountId' | 'consumerId'>) {
  const account = await findAccountCached(deps, tx, s.accountId);
  return consumerLanguage(await findConsumerLanguage(tx, s.accountId, s.consumerId), account?.settings.language);
}

/** Which survey of `conversationId` the consumer may see: 404 for other consumers' conversations and when none was sent. */
async function surveyForConsumer(deps: Deps, tx: Tx, p: ConsumerPrincipal, conversationId: string, lock: boolean): Promise<SurveyRecord> {
  const c = assertCanRead(p, await findConversation(tx, p.accountId, conversationId), []);
  const s = await findSurveyOfConversation(tx, p.accountId, c.id, lock ? deps.db.dialect : undefined);
  if (!s) throw new DomainError('not_found', 'no survey was sent for this conversation');
  return s;
}

/** The consumer's survey for a conversation (e.g. after a widget reload); a pending one past its time reads as expired. */
export async function getSurvey(deps: Deps, p: ConsumerPrincipal, conversationId: string): Promise<SurveyView> {
  const s = await surveyForConsumer(deps, deps.db.kysely, p, conversationId, false);
  const view = toSurveyView(s);
  return s.status === 'pending' && deps.clock.now() >= s.expiresAt ? { ...view, status: 'expired' } : view;
}

function assertOpen(s: SurveyRecord, now: number): void {
  if (s.status === 'answered') throw conflict('the survey was already answered');
  if (s.status === 'withdrawn') throw conflict('the survey was withdrawn: the conversation went on');
  if (s.status === 'expired' || now >= s.expiresAt) throw conflict('the survey has expired');
}

/** Record answers and tell the agent whose KPIs they feed; completes the survey when `complete`. */
async function recordAnswers(deps: Deps, tx: Tx, out: Outbox, s: SurveyRecord, given: Record<string, AnswerValue>, complete: boolean, now: number) {
  const types = Object.fromEntries(s.questions.map((q) => [q.id, q.type]));
  // Free-text answers are the consumer's words too: masked as their messages are (settings.masking).
  const masking = (await findAccountCached(deps, tx, s.accountId))?.settings.masking;
  const answers = Object.fromEntries(
    Object.entries(given).map(([id, v]) => [id, masking && types[id] === 'text' && typeof v === 'string' ? maskConsumerText(masking, v) : v]),
  );
  const next: SurveyRecord = {
    ...s,
    answers: { ...s.answers, ...answers },
    status: complete ? 'answered' : 'pending',
    answeredAt: complete ? now : s.answeredAt,
  };
  if (!(await saveSurvey(tx, next, 'pending'))) throw conflict('the survey was already answered');
  await upsertAnswers(tx, s, answers, now, types);
  if (complete) await reconcileTimers(deps, tx, s, surveyTimers(next));
  emit(out, [{ type: 'survey.answered', data: { surveyId: s.id, conversationId: s.conversationId, complete, questionIds: Object.keys(answers) } }], {
    survey: s,
  });
  return next;
}

/**
 * The consumer answers the survey (widget form): `answers` maps question ids to values, checked
 * per question type against the questions the survey was sent with; any bad answer → 400 and
 * nothing stored. 409 when the survey is no longer pending (answered, expired or withdrawn), 404 when there
 * is none or the conversation is not the consumer's. Questions left out stay unanswered.
 */
export async function submitSurvey(deps: Deps, p: ConsumerPrincipal, conversationId: string, answers: Record<string, unknown>): Promise<SurveyView> {
  return inTransaction(deps, p.accountId, async (tx, out) => {
    const s = await surveyForConsumer(deps, tx, p, conversationId, true);
    const now = deps.clock.now();
    assertOpen(s, now);
    const checked = checkAnswers(s.questions, answers);
    if (!checked.ok) throw new DomainError('invalid_request', checked.errors.map((e) => `${e.path}: ${e.message}`).join('; '), checked.errors);
    return toSurveyView(await recordAnswers(deps, tx, out, s, checked.answers, true, now));
  });
}

export type SurveyReplyResult =
  /** No pending survey for this conversation: treat the text as an ordinary message. */
  | { status: 'none' }
  /** The reply does not answer `question`; nothing stored. Send `prompt` again. */
  | { status: 'invalid'; question: SurveyQuestion; prompt: string }
  /** Stored; ask `question` next with `prompt`. */
  | { status: 'next'; question: SurveyQuestion; prompt: string }
  /** Stored; that was the last question: `thanks` is the thank-you in the consumer's language. */
  | { status: 'done'; thanks: string };

/**
 * For channels without forms (SMS, Messenger): the next question to send for the conversation's
 * pending survey, as plain text, or undefined when none is pending.
 */
export async function nextSurveyQuestion(
  deps: Deps,
  accountId: string,
  conversationId: string,
): Promise<{ question: SurveyQuestion; prompt: string } | undefined> {
  const s = await findSurveyOfConversation(deps.db.kysely, accountId, conversationId);
  if (s?.status !== 'pending' || deps.clock.now() >= s.expiresAt) return undefined;
  const q = nextQuestion(s.questions, s.answers);
  return q ? { question: q, prompt: questionPrompt(q, await surveyLanguageIn(deps, deps.db.kysely, s)) } : undefined;
}

/**
 * For channels without forms: `reply` (one inbound text) answers the next unanswered question of
 * the conversation's pending survey. The caller stores nothing else when the status is not 'none'.
 */
export async function answerSurveyQuestion(deps: Deps, accountId: string, conversationId: string, reply: string): Promise<SurveyReplyResult> {
  return inTransaction(deps, accountId, (tx, out) => answerSurveyQuestionIn(deps, tx, out, accountId, conversationId, reply));
}

/** `answerSurveyQuestion` in the caller's transaction (channel inbound stores the provider event with it). */
export async function answerSurveyQuestionIn(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  accountId: string,
  conversationId: string,
  reply: string,
): Promise<SurveyReplyResult> {
  const s = await findSurveyOfConversation(tx, accountId, conversationId, deps.db.dialect);
  const now = deps.clock.now();
  if (s?.status !== 'pending' || now >= s.expiresAt) return { status: 'none' } as const;
  const q = nextQuestion(s.questions, s.answers);
  if (!q) return { status: 'none' } as const;
  const value = parseReply(q, reply);
  const language = await surveyLanguageIn(deps, tx, s);
  if (value === undefined) return { status: 'invalid', question: q, prompt: questionPrompt(q, language) } as const;
  const after = { ...s.answers, [q.id]: value };
  const following = nextQuestion(s.questions, after);
  await recordAnswers(deps, tx, out, s, { [q.id]: value }, !following, now);
  return following
    ? ({ status: 'next', question: following, prompt: questionPrompt(following, language) } as const)
    : ({ status: 'done', thanks: consumerText('survey.thanks', language) } as const);
}

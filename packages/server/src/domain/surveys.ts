/**
 * Post-conversation survey rules, pure: when a survey is sent, what a valid answer is for each
 * question type, how a one-line channel reply is read, and the CSAT / NPS scores.
 */

import { pickText, type TextByLanguage } from '@parley/contract';

export type QuestionType = 'csat' | 'nps' | 'text' | 'choice';

export interface SurveyQuestion {
  id: string;
  type: QuestionType;
  text: string;
  choices?: string[] | undefined;
}

export type AnswerValue = number | string;
export type Answers = Record<string, AnswerValue>;

/** A question as the account writes it: its text may be given per language (`{ en, fr }`). */
export interface SurveyQuestionSetting extends Omit<SurveyQuestion, 'text'> {
  text: TextByLanguage;
}

export interface SurveySettings {
  enabled: boolean;
  onAutoClose: boolean;
  timeoutSec: number;
  questions: SurveyQuestionSetting[];
}

/**
 * The questions as one consumer is asked them: each text in the consumer's language when written
 * in it, else the account's default language's, else any (`pickText`). A sent survey keeps these.
 */
export function questionsIn(qs: readonly SurveyQuestionSetting[], consumerLanguage: string | null, accountLanguage: string): SurveyQuestion[] {
  return qs.map((q) => ({ id: q.id, type: q.type, text: pickText(q.text, consumerLanguage, accountLanguage), ...(q.choices && { choices: [...q.choices] }) }));
}

export const MAX_TEXT_ANSWER = 2000;

/** On close by anyone, if the account has a survey; on auto-close (closedBy system) only if the account says so. */
export function shouldSendSurvey(s: SurveySettings, closedBy: 'agent' | 'consumer' | 'system'): boolean {
  if (!s.enabled || s.questions.length === 0) return false;
  return closedBy !== 'system' || s.onAutoClose;
}

/** The range of a numeric question. */
export const SCALE: Partial<Record<QuestionType, { min: number; max: number }>> = { csat: { min: 1, max: 5 }, nps: { min: 0, max: 10 } };

/** Checks one answer against its question: the accepted value, or why not. */
export function checkAnswer(q: SurveyQuestion, value: unknown): { ok: true; value: AnswerValue } | { ok: false; message: string } {
  const scale = SCALE[q.type];
  if (scale) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < scale.min || value > scale.max)
      return { ok: false, message: `an integer from ${scale.min} to ${scale.max}` };
    return { ok: true, value };
  }
  if (typeof value !== 'string') return { ok: false, message: 'a string' };
  if (q.type === 'text') {
    if (value.length > MAX_TEXT_ANSWER) return { ok: false, message: `at most ${MAX_TEXT_ANSWER} characters` };
    if (value.includes('\u0000')) return { ok: false, message: 'no NUL characters' };
    return { ok: true, value };
  }
  // choice: one of the question's choices (a choice question saved without choices takes a short string)
  if (q.choices?.length) return q.choices.includes(value) ? { ok: true, value } : { ok: false, message: `one of: ${q.choices.join(', ')}` };
  if (!value.trim() || value.length > 200 || value.includes('\u0000')) return { ok: false, message: 'a short non-empty string' };
  return { ok: true, value };
}

/**
 * Validates a whole submission against the questions it was sent with: at least one answer, only
 * known question ids, each answer valid for its question type. Either every answer is accepted or
 * none is (with one error per bad field, paths like `body.answers.csat`).
 */
export function checkAnswers(
  questions: SurveyQuestion[],
  answers: Record<string, unknown>,
): { ok: true; answers: Answers } | { ok: false; errors: { path: string; message: string }[] } {
  const errors: { path: string; message: string }[] = [];
  const accepted: Answers = {};
  const keys = Object.keys(answers);
  if (keys.length === 0) errors.push({ path: 'body.answers', message: 'answer at least one question' });
  for (const k of keys) {
    const q = questions.find((x) => x.id === k);
    if (!q) {
      errors.push({ path: `body.answers.${k}`, message: 'no such question in this survey' });
      continue;
    }
    const r = checkAnswer(q, answers[k]);
    if (r.ok) accepted[k] = r.value;
    else errors.push({ path: `body.answers.${k}`, message: `expected ${r.message}` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, answers: accepted };
}

/**
 * Reads a one-line reply to a question, as channels (SMS, Messenger) receive it: a number for CSAT
 * and NPS ("4", " 4 ", "4/5"), the text as is, a choice by its number (1-based) or its words
 * (case-insensitive). Undefined when the reply does not answer the question.
 */
export function parseReply(q: SurveyQuestion, reply: string): AnswerValue | undefined {
  const s = reply.trim();
  if (SCALE[q.type]) {
    const m = /^(\d{1,2})(?:\s*\/\s*\d{1,2})?\s*[.!]?$/.exec(s);
    if (!m) return undefined;
    const r = checkAnswer(q, Number(m[1]));
    return r.ok ? r.value : undefined;
  }
  if (q.type === 'text') {
    const r = checkAnswer(q, s);
    return r.ok && s ? r.value : undefined;
  }
  if (q.choices?.length) {
    if (/^\d{1,2}$/.test(s)) return q.choices[Number(s) - 1];
    return q.choices.find((c) => c.toLowerCase() === s.toLowerCase());
  }
  const r = checkAnswer(q, s);
  return r.ok ? r.value : undefined;
}

/** The question as one plain-text message, for channels without forms. */
export function questionPrompt(q: SurveyQuestion): string {
  switch (q.type) {
    case 'csat':
      return `${q.text} Reply with a number from 1 (very unsatisfied) to 5 (very satisfied).`;
    case 'nps':
      return `${q.text} Reply with a number from 0 (not at all likely) to 10 (extremely likely).`;
    case 'choice':
      return q.choices?.length ? `${q.text} Reply with a number: ${q.choices.map((c, i) => `${i + 1}) ${c}`).join(' ')}` : q.text;
    default:
      return q.text;
  }
}

/** The first question of `questions` without an answer in `answers`, if any. */
export const nextQuestion = (questions: SurveyQuestion[], answers: Answers): SurveyQuestion | undefined => questions.find((q) => !(q.id in answers));

const pct = (part: number, total: number) => Math.round((part / total) * 1000) / 10;

/** CSAT: the share (in %, one decimal) of answers that are 4 or 5; null without answers. */
export function csatScore(counts: { total: number; satisfied: number }): number | null {
  return counts.total ? pct(counts.satisfied, counts.total) : null;
}

/** NPS: % promoters (9–10) minus % detractors (0–6), from -100 to 100 (one decimal); null without answers. */
export function npsScore(counts: { total: number; promoters: number; detractors: number }): number | null {
  return counts.total ? Math.round((pct(counts.promoters, counts.total) - pct(counts.detractors, counts.total)) * 10) / 10 : null;
}

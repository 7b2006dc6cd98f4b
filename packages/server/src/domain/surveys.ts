/**
 * Post-conversation survey rules, pure: when a survey is sent, what a valid answer is for each
 * question type, how a one-line channel reply is read, and the CSAT / NPS scores.
 */

import { type Language, pickText, type TextByLanguage } from '@parley/contract';
import { consumerText } from './consumer-messages.js';

export type QuestionType = 'csat' | 'nps' | 'text' | 'choice';

export interface SurveyQuestion {
  id: string;
  type: QuestionType;
  text: string;
  /** As the consumer was asked: in their language. */
  choices?: string[] | undefined;
  /**
   * What each choice is stored as when it differs from what was shown: its label in the account's
   * default language (reports count one choice once across languages). Absent: as shown.
   */
  choiceValues?: string[] | undefined;
}

export type AnswerValue = number | string;
export type Answers = Record<string, AnswerValue>;

/** A question as the account writes it: its text and each choice may be given per language (`{ en, fr }`). */
export interface SurveyQuestionSetting {
  id: string;
  type: QuestionType;
  text: TextByLanguage;
  choices?: TextByLanguage[] | undefined;
}

export interface SurveySettings {
  enabled: boolean;
  onAutoClose: boolean;
  timeoutSec: number;
  questions: SurveyQuestionSetting[];
}

/**
 * The questions as one consumer is asked them: each text and choice in the consumer's language
 * when written in it, else the account's default language's, else any (`pickText`). A choice
 * shown in another language than the account's default keeps its default-language label in
 * `choiceValues`: that is what an answer is stored as. A sent survey keeps these.
 */
export function questionsIn(qs: readonly SurveyQuestionSetting[], consumerLanguage: string | null, accountLanguage: string): SurveyQuestion[] {
  return qs.map((q) => {
    const asked: SurveyQuestion = { id: q.id, type: q.type, text: pickText(q.text, consumerLanguage, accountLanguage) };
    if (q.choices) {
      const shown = q.choices.map((c) => pickText(c, consumerLanguage, accountLanguage));
      const stored = q.choices.map((c) => pickText(c, accountLanguage, accountLanguage));
      asked.choices = shown;
      if (stored.some((v, i) => v !== shown[i])) asked.choiceValues = stored;
    }
    return asked;
  });
}

/** The stored value of choice `i` (0-based) of an asked question. */
const storedChoice = (q: SurveyQuestion, i: number): string | undefined => q.choiceValues?.[i] ?? q.choices?.[i];

/** The index of the choice named `value` (as shown, else as stored), or -1; `fold` compares case-insensitively. */
function choiceIndex(q: SurveyQuestion, value: string, fold = false): number {
  const norm = (s: string) => (fold ? s.toLocaleLowerCase() : s);
  const v = norm(value);
  for (const list of [q.choices, q.choiceValues]) {
    const i = list?.findIndex((c) => norm(c) === v) ?? -1;
    if (i >= 0) return i;
  }
  return -1;
}

/** Digits a consumer's keyboard may type (Arabic-Indic, Persian, full-width) as ASCII digits. */
export const asciiDigits = (s: string): string =>
  s.replace(/[\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]/g, (d) => {
    const c = d.charCodeAt(0);
    return String(c - (c >= 0xff10 ? 0xff10 : c >= 0x06f0 ? 0x06f0 : 0x0660));
  });

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
  // choice: one of the question's choices as shown or as stored, kept as stored (a choice question saved without choices takes a short string)
  if (q.choices?.length) {
    const i = choiceIndex(q, value);
    const stored = i >= 0 ? storedChoice(q, i) : undefined;
    return stored === undefined ? { ok: false, message: `one of: ${q.choices.join(', ')}` } : { ok: true, value: stored };
  }
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
  const s = asciiDigits(reply.trim());
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
    if (/^\d{1,2}$/.test(s)) return Number(s) >= 1 ? storedChoice(q, Number(s) - 1) : undefined;
    const i = choiceIndex(q, reply.trim(), true);
    return i >= 0 ? storedChoice(q, i) : undefined;
  }
  const r = checkAnswer(q, s);
  return r.ok ? r.value : undefined;
}

/** The question as one plain-text message, for channels without forms: how to answer in `language` (consumer-messages.ts). */
export function questionPrompt(q: SurveyQuestion, language: Language): string {
  switch (q.type) {
    case 'csat':
      return `${q.text} ${consumerText('survey.csat.reply', language)}`;
    case 'nps':
      return `${q.text} ${consumerText('survey.nps.reply', language)}`;
    case 'choice':
      return q.choices?.length
        ? `${q.text} ${consumerText('survey.choice.reply', language, { choices: q.choices.map((c, i) => `${i + 1}) ${c}`).join(' ') })}`
        : q.text;
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

import { describe, expect, it } from 'vitest';
import { checkAnswer, checkAnswers, csatScore, nextQuestion, npsScore, parseReply, type SurveyQuestion, shouldSendSurvey } from './surveys.js';

const csat: SurveyQuestion = { id: 'csat', type: 'csat', text: 'Satisfied?' };
const nps: SurveyQuestion = { id: 'nps', type: 'nps', text: 'Recommend?' };
const text: SurveyQuestion = { id: 'why', type: 'text', text: 'Why?' };
const choice: SurveyQuestion = { id: 'topic', type: 'choice', text: 'Topic?', choices: ['Billing', 'Delivery'] };
const all = [csat, nps, text, choice];

describe('survey rules', () => {
  it('is sent on close by anyone, on auto-close only when the account says so, never when disabled or empty', () => {
    const s = { enabled: true, onAutoClose: false, timeoutSec: 60, questions: all };
    expect(shouldSendSurvey(s, 'agent')).toBe(true);
    expect(shouldSendSurvey(s, 'consumer')).toBe(true);
    expect(shouldSendSurvey(s, 'system')).toBe(false);
    expect(shouldSendSurvey({ ...s, onAutoClose: true }, 'system')).toBe(true);
    expect(shouldSendSurvey({ ...s, enabled: false }, 'agent')).toBe(false);
    expect(shouldSendSurvey({ ...s, questions: [] }, 'agent')).toBe(false);
  });

  it('checks each answer by question type', () => {
    expect(checkAnswer(csat, 1).ok && checkAnswer(csat, 5).ok).toBe(true);
    for (const v of [0, 6, 4.5, '5', null]) expect(checkAnswer(csat, v).ok).toBe(false);
    expect(checkAnswer(nps, 0).ok && checkAnswer(nps, 10).ok).toBe(true);
    for (const v of [-1, 11, 9.5, '9']) expect(checkAnswer(nps, v).ok).toBe(false);
    expect(checkAnswer(text, 'x'.repeat(2000)).ok).toBe(true);
    expect(checkAnswer(text, 'x'.repeat(2001)).ok).toBe(false);
    expect(checkAnswer(text, 3).ok).toBe(false);
    expect(checkAnswer(choice, 'Billing').ok).toBe(true);
    expect(checkAnswer(choice, 'billing').ok).toBe(false);
  });

  it('accepts a submission whole or not at all', () => {
    expect(checkAnswers(all, { csat: 5, topic: 'Delivery' })).toEqual({ ok: true, answers: { csat: 5, topic: 'Delivery' } });
    const bad = checkAnswers(all, { csat: 5, nps: 12, mood: 'x' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.path)).toEqual(['body.answers.nps', 'body.answers.mood']);
    expect(checkAnswers(all, {}).ok).toBe(false);
  });

  it('reads one-line channel replies', () => {
    expect(parseReply(csat, ' 4 ')).toBe(4);
    expect(parseReply(csat, '4/5')).toBe(4);
    expect(parseReply(csat, '7')).toBeUndefined();
    expect(parseReply(csat, 'great')).toBeUndefined();
    expect(parseReply(nps, '10!')).toBe(10);
    expect(parseReply(choice, '2')).toBe('Delivery');
    expect(parseReply(choice, 'billing')).toBe('Billing');
    expect(parseReply(choice, '3')).toBeUndefined();
    expect(parseReply(text, '  fine  ')).toBe('fine');
    expect(parseReply(text, '   ')).toBeUndefined();
    expect(nextQuestion(all, { csat: 3 })).toBe(nps);
    expect(nextQuestion(all, { csat: 3, nps: 1, why: 'x', topic: 'Billing' })).toBeUndefined();
  });

  it('scores CSAT as the share of 4–5 and NPS as promoters minus detractors', () => {
    expect(csatScore({ total: 0, satisfied: 0 })).toBeNull();
    expect(csatScore({ total: 3, satisfied: 2 })).toBe(66.7);
    expect(npsScore({ total: 0, promoters: 0, detractors: 0 })).toBeNull();
    expect(npsScore({ total: 4, promoters: 2, detractors: 1 })).toBe(25);
    expect(npsScore({ total: 3, promoters: 0, detractors: 3 })).toBe(-100);
  });
});

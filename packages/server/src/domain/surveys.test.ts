import { describe, expect, it } from 'vitest';
import {
  checkAnswer,
  checkAnswers,
  csatScore,
  nextQuestion,
  npsScore,
  parseReply,
  questionPrompt,
  questionsIn,
  type SurveyQuestion,
  type SurveyQuestionSetting,
  shouldSendSurvey,
} from './surveys.js';

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

  describe("in the consumer's language", () => {
    const settings: SurveyQuestionSetting[] = [
      { id: 'csat', type: 'csat', text: { en: 'Satisfied?', fr: 'Satisfait ?' } },
      { id: 'topic', type: 'choice', text: 'Topic?', choices: [{ en: 'Billing', fr: 'Facturation' }, { en: 'Delivery', fr: 'Livraison' }, 'SAV'] },
    ];

    it("shows choices in the consumer's language and keeps the default language's labels as the stored values", () => {
      const [, fr] = questionsIn(settings, 'fr-CA', 'en');
      expect(fr).toEqual({
        id: 'topic',
        type: 'choice',
        text: 'Topic?',
        choices: ['Facturation', 'Livraison', 'SAV'],
        choiceValues: ['Billing', 'Delivery', 'SAV'],
      });
      // shown as stored: no second list
      expect(questionsIn(settings, 'de', 'en')[1]).toEqual({ id: 'topic', type: 'choice', text: 'Topic?', choices: ['Billing', 'Delivery', 'SAV'] });
      // a French account stores the French labels
      expect(questionsIn(settings, 'en', 'fr')[1]?.choiceValues).toEqual(['Facturation', 'Livraison', 'SAV']);
    });

    it('stores a choice picked by its shown label, its stored label or its number as the stored label', () => {
      const q = questionsIn(settings, 'fr', 'en')[1] as SurveyQuestion;
      expect(checkAnswer(q, 'Livraison')).toEqual({ ok: true, value: 'Delivery' });
      expect(checkAnswer(q, 'Delivery')).toEqual({ ok: true, value: 'Delivery' });
      expect(checkAnswer(q, 'Livraisons').ok).toBe(false);
      expect(parseReply(q, ' livraison ')).toBe('Delivery');
      expect(parseReply(q, '1')).toBe('Billing');
      expect(parseReply(q, '٢')).toBe('Delivery');
      expect(parseReply(q, '３')).toBe('SAV');
      expect(parseReply(q, '0')).toBeUndefined();
      expect(parseReply(csat, '٥')).toBe(5);
    });

    it("writes the instructions in the consumer's language", () => {
      const [c, t] = questionsIn(settings, 'fr', 'en') as [SurveyQuestion, SurveyQuestion];
      expect(questionPrompt(c, 'fr')).toBe('Satisfait ? Répondez par un nombre de 1 (très insatisfait) à 5 (très satisfait).');
      expect(questionPrompt(t, 'fr')).toBe('Topic? Répondez par un numéro\u00a0: 1) Facturation 2) Livraison 3) SAV');
      expect(questionPrompt(c, 'en')).toBe('Satisfait ? Reply with a number from 1 (very unsatisfied) to 5 (very satisfied).');
      expect(questionPrompt(nps, 'de')).toBe('Recommend? Antworten Sie mit einer Zahl von 0 (überhaupt nicht wahrscheinlich) bis 10 (äußerst wahrscheinlich).');
    });
  });
});

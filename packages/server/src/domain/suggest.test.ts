import { describe, expect, it } from 'vitest';
import { SuggestionIndex, termProcessor } from './suggest.js';

const CONTENT = [
  { id: 'return', title: 'How to return an item', text: 'Start a return from My orders and print the prepaid label.', category: 'Returns' },
  { id: 'pay', title: 'Payment methods', text: 'We accept Visa, Mastercard and PayPal.', category: 'Payments' },
  { id: 'hours', title: 'Opening hours', text: 'Our shop is open from 9 to 18, Monday to Saturday.', category: 'Shop' },
];

describe('suggestion index', () => {
  it('ranks by the content: typos and prefixes match, stop words alone match nothing', () => {
    const index = new SuggestionIndex(CONTENT, []);
    expect(index.rank('how can I retrun it')[0]?.id).toBe('return');
    expect(index.rank('do you accept mastercard')[0]?.id).toBe('pay');
    expect(index.rank('are you open on satur')[0]?.id).toBe('hours');
    expect(index.rank('how can I do it')).toEqual([]);
    expect(index.rank('')).toEqual([]);
    const all = index.rank('return payment opening', 2);
    expect(all).toHaveLength(2);
  });

  it('lifts an item by what agents sent after similar messages; examples of unknown items are ignored', () => {
    const cold = new SuggestionIndex(CONTENT, []);
    expect(cold.rank('amex?')).toEqual([]);
    const learned = new SuggestionIndex(CONTENT, [
      { contentId: 'pay', text: 'can I pay with amex' },
      { contentId: 'pay', text: 'amex ok?' },
      { contentId: 'gone', text: 'amex amex amex' },
    ]);
    expect(learned.size).toEqual({ content: 3, examples: 2 });
    expect(learned.rank('amex?').map((r) => r.id)).toEqual(['pay']);
  });

  it('folds accents and drops the stop words of the language', () => {
    expect(termProcessor('fr')('Déjà')).toBe('deja');
    expect(termProcessor('fr')('vous')).toBeNull();
    expect(termProcessor('en-GB')('the')).toBeNull();
    expect(termProcessor('xx')('the')).toBeNull();
  });

  it('recognises a content item in an agent message, as sent or lightly edited', () => {
    const match = SuggestionIndex.matchSent(CONTENT);
    expect(match('We accept Visa, Mastercard and PayPal.')).toBe('pay');
    expect(match('Hi! We accept Visa, Mastercard and PayPal.')).toBe('pay');
    expect(match('We accept Visa.')).toBeUndefined();
    expect(match('Let me check that for you')).toBeUndefined();
  });
});

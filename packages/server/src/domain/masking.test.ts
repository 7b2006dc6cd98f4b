import { describe, expect, it } from 'vitest';
import { luhnValid, maskCardNumbers, maskedCard, maskText, type PatternMatcher } from './masking.js';

// Test card numbers of the card networks (all Luhn-valid).
const VISA = '4111111111111111';
const MASTERCARD = '5555555555554444';
const AMEX = '378282246310005'; // 15 digits
const VISA13 = '4222222222222'; // 13 digits
const DISCOVER19 = '6011111111111111110'; // 19 digits, Luhn-valid

/** A plain RegExp as the matcher (the service compiles RE2; the pure function only needs replace). */
const matcher = (re: RegExp): PatternMatcher => ({ replace: (input, fn) => input.replace(re, fn) });

describe('luhnValid', () => {
  it('accepts the networks’ test numbers and refuses a changed digit', () => {
    for (const n of [VISA, MASTERCARD, AMEX, VISA13, DISCOVER19]) expect(luhnValid(n), n).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('1234567812345678')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('41111x1111111111')).toBe(false);
  });
});

describe('maskCardNumbers', () => {
  it('masks a card number written as one run, with spaces or with dashes, keeping the last four digits', () => {
    expect(maskCardNumbers(`my card is ${VISA}`)).toBe('my card is •••• •••• •••• 1111');
    expect(maskCardNumbers('4111 1111 1111 1111 thanks')).toBe('•••• •••• •••• 1111 thanks');
    expect(maskCardNumbers('5555-5555-5555-4444')).toBe('•••• •••• •••• 4444');
    expect(maskCardNumbers('3782 822463 10005')).toBe('•••• •••• •••• 0005');
    expect(maskCardNumbers('4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1')).toBe('•••• •••• •••• 1111');
  });

  it('masks 13- and 19-digit numbers, the bounds of card lengths', () => {
    expect(maskCardNumbers(VISA13)).toBe(maskedCard(VISA13));
    expect(maskCardNumbers(DISCOVER19)).toBe('•••• •••• •••• 1110');
  });

  it('leaves digit runs that are not card numbers alone: Luhn-invalid, too short, too long, or part of a longer run', () => {
    const untouched = [
      'order 4111111111111112 shipped', // fails Luhn
      'call 0612345678 or 06-12-34-56-78', // phone numbers: 10 digits
      '411111111111', // 12 digits, Luhn-valid but too short
      `tracking ${VISA}1111`, // 20 digits: a card number inside a longer run is not one
      `ref ${'9'.repeat(40)}`,
      'on 2026-12-03 at 10:30, 3 items of 25 €',
      '4111  1111 1111 1111', // two spaces: not a card's grouping
      '4111--1111-1111-1111',
    ];
    for (const text of untouched) expect(maskCardNumbers(text), text).toBe(text);
  });

  it('masks every card in a message, each with its own last four digits', () => {
    const text = `first ${VISA}, then 5555 5555 5555 4444 and 3782-822463-10005; not 1234 5678.`;
    expect(maskCardNumbers(text)).toBe('first •••• •••• •••• 1111, then •••• •••• •••• 4444 and •••• •••• •••• 0005; not 1234 5678.');
  });

  it('keeps the text around a card: punctuation, letters, other lines', () => {
    expect(maskCardNumbers(`(${VISA})\nexp 12/29`)).toBe('(•••• •••• •••• 1111)\nexp 12/29');
    expect(maskCardNumbers(`card:${VISA}.`)).toBe('card:•••• •••• •••• 1111.');
  });

  it('answers fast on a long message of digits and separators', () => {
    const text = '1 2-3 '.repeat(20_000);
    const t0 = performance.now();
    maskCardNumbers(text);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('maskText', () => {
  const iban = { name: 'IBAN', matcher: matcher(/\b[A-Z]{2}\d{2}[A-Z0-9]{10,30}\b/g) };

  it('applies card masking and the account rules, each match → [name]', () => {
    const text = `IBAN DE89370400440532013000, card ${VISA}`;
    expect(maskText(text, { creditCards: true, rules: [iban] })).toBe('IBAN [IBAN], card •••• •••• •••• 1111');
  });

  it('without creditCards, card numbers stay; without rules, only cards change', () => {
    expect(maskText(`card ${VISA}`, { creditCards: false, rules: [] })).toBe(`card ${VISA}`);
    expect(maskText('DE89370400440532013000', { creditCards: true, rules: [] })).toBe('DE89370400440532013000');
  });

  it('runs the rules in order, on the text the rules before left', () => {
    const a = { name: 'A', matcher: matcher(/secret-\d+/g) };
    const b = { name: 'B', matcher: matcher(/\[A\]/g) };
    expect(maskText('x secret-42 y secret-7', { creditCards: false, rules: [a, b] })).toBe('x [B] y [B]');
  });
});

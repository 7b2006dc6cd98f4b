/**
 * Masking of sensitive data in consumer messages (settings.masking): what a consumer typed is
 * masked before it is stored, pushed, delivered or synced, so the original exists nowhere.
 *
 * Card numbers: 13–19 digits, optionally grouped with single spaces or dashes, not part of a longer
 * digit run, and Luhn-valid → `•••• •••• •••• 1234` (the last four digits). Account rules: each
 * match of the rule's pattern → `[name]`. Patterns run on a linear-time engine (RE2, compiled by
 * services/masking.service.ts), so a message can never make a pattern backtrack.
 */

/** A compiled account pattern (RE2, global flag): replaces every match. */
export interface PatternMatcher {
  replace(input: string, replacer: (match: string) => string): string;
}

export interface MaskingRules {
  creditCards: boolean;
  rules: readonly { name: string; matcher: PatternMatcher }[];
}

/** Digits with single space/dash separators, 13–19 digits, not inside a longer run of digits. */
const CARD_CANDIDATE = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;

/** The Luhn checksum of a digit string (the check digit included). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

export const maskedCard = (digits: string): string => `•••• •••• •••• ${digits.slice(-4)}`;

/** Every Luhn-valid card number in `text` → `•••• •••• •••• 1234`; other digit runs stay as they are. */
export function maskCardNumbers(text: string): string {
  return text.replace(CARD_CANDIDATE, (m) => {
    const digits = m.replace(/[ -]/g, '');
    return luhnValid(digits) ? maskedCard(digits) : m;
  });
}

/** `text` with the account's masking applied: card numbers first, then each rule in order. */
export function maskText(text: string, rules: MaskingRules): string {
  let out = rules.creditCards ? maskCardNumbers(text) : text;
  for (const r of rules.rules) out = r.matcher.replace(out, () => `[${r.name}]`);
  return out;
}

/** Whether masking changes anything for these settings (nothing to do: the text is kept as it is). */
export const masksAnything = (rules: MaskingRules): boolean => rules.creditCards || rules.rules.length > 0;

import { createRequire } from 'node:module';
import type { MaskingRule, MaskingSettings } from '@parley/contract';
import type { RE2 as RE2Type } from 're2-wasm';
import { DomainError } from '../domain/errors.js';
import { type MaskingRules, masksAnything, maskText, type PatternMatcher } from '../domain/masking.js';

/**
 * The account's masking patterns run on RE2 (re2-wasm: Google's RE2 compiled to WebAssembly), whose
 * matching time is linear in the input: no pattern, however written, can backtrack on a message.
 * What RE2 cannot run in linear time (backreferences, lookaround) it refuses to compile, and so
 * does the settings PATCH (400 `invalid_pattern`), as it does a pattern that matches the empty string.
 */

/**
 * re2-wasm is loaded at the first pattern compiled (a 16 MB WebAssembly memory): an account
 * without masking patterns never loads it. The load is synchronous (`require`), once per process.
 */
let re2: typeof RE2Type | undefined;
function newRe2(pattern: string, flags: string): RE2Type {
  re2 ??= (createRequire(import.meta.url)('re2-wasm') as { RE2: typeof RE2Type }).RE2;
  return new re2(pattern, flags);
}

const compiled = new Map<string, PatternMatcher>();
const CACHE_MAX = 500;

function compile(pattern: string): PatternMatcher {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  const re = newRe2(pattern, 'gu');
  // RE2 keeps lastIndex on a global regex like RegExp does; each replace starts from the beginning.
  const matcher: PatternMatcher = {
    replace: (input, replacer) => {
      re.lastIndex = 0;
      return re.replace(input, replacer);
    },
  };
  if (compiled.size >= CACHE_MAX) compiled.clear();
  compiled.set(pattern, matcher);
  return matcher;
}

/** Refuse (400 `invalid_pattern`) every rule RE2 cannot compile or that matches the empty string; two rules may not share a name. */
export function assertMaskingRules(rules: readonly MaskingRule[]): void {
  const errors: { path: string; message: string }[] = [];
  const names = new Set<string>();
  rules.forEach((r, i) => {
    if (names.has(r.name)) errors.push({ path: `masking.rules.${i}.name`, message: `another rule is named "${r.name}"` });
    names.add(r.name);
    let re: RE2Type;
    try {
      re = newRe2(r.pattern, 'u');
    } catch (err) {
      errors.push({
        path: `masking.rules.${i}.pattern`,
        message: `not a safe pattern (RE2 syntax, no backreferences or lookaround): ${(err as Error).message}`,
      });
      return;
    }
    if (re.test('')) errors.push({ path: `masking.rules.${i}.pattern`, message: 'the pattern matches the empty string' });
  });
  if (errors.length) throw new DomainError('invalid_pattern', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}

/** The settings as the pure masking function takes them (patterns compiled once and cached). */
export function maskingRulesOf(s: MaskingSettings): MaskingRules {
  return { creditCards: s.creditCards, rules: s.rules.map((r) => ({ name: r.name, matcher: compile(r.pattern) })) };
}

/** A consumer's text as it may be kept: masked by the account's settings (domain/masking.ts). */
export function maskConsumerText(s: MaskingSettings, text: string): string {
  const rules = maskingRulesOf(s);
  return masksAnything(rules) ? maskText(text, rules) : text;
}

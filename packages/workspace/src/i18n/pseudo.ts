/**
 * The pseudo-locale `en-XA` for development and the browser test: every English message with its
 * letters accented and about 30 % longer, inside ⟦ ⟧, so an untranslated string (plain ASCII
 * letters) and text clipped by a too-narrow box stand out. Only the literal parts of an ICU
 * message change: arguments, plural and select keywords stay intact.
 */
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { printAST } from '@formatjs/icu-messageformat-parser/printer.js';

export const PSEUDO = 'en-XA' as const;

const ACCENTS: Record<string, string> = {
  a: 'á',
  b: 'ƀ',
  c: 'ç',
  d: 'ð',
  e: 'é',
  f: 'ƒ',
  g: 'ĝ',
  h: 'ĥ',
  i: 'í',
  j: 'ĵ',
  k: 'ķ',
  l: 'ĺ',
  m: 'ɱ',
  n: 'ñ',
  o: 'ö',
  p: 'þ',
  q: 'ǫ',
  r: 'ŕ',
  s: 'š',
  t: 'ţ',
  u: 'ü',
  v: 'ṽ',
  w: 'ŵ',
  x: 'ẋ',
  y: 'ý',
  z: 'ž',
  A: 'Å',
  B: 'Ɓ',
  C: 'Ç',
  D: 'Ð',
  E: 'É',
  F: 'Ƒ',
  G: 'Ĝ',
  H: 'Ĥ',
  I: 'Î',
  J: 'Ĵ',
  K: 'Ķ',
  L: 'Ļ',
  M: 'Ṁ',
  N: 'Ñ',
  O: 'Ö',
  P: 'Þ',
  Q: 'Ǫ',
  R: 'Ŕ',
  S: 'Š',
  T: 'Ţ',
  U: 'Û',
  V: 'Ṽ',
  W: 'Ŵ',
  X: 'Ẋ',
  Y: 'Ý',
  Z: 'Ž',
};

export function accent(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => ACCENTS[c] ?? c);
}

function walk(elements: MessageFormatElement[]): MessageFormatElement[] {
  return elements.map((el) => {
    if (el.type === TYPE.literal) return { ...el, value: /\p{L}/u.test(el.value) ? accent(el.value) + '·'.repeat(Math.ceil(el.value.length * 0.3)) : el.value };
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      const options = Object.fromEntries(Object.entries(el.options).map(([k, o]) => [k, { ...o, value: walk(o.value) }]));
      return { ...el, options } as MessageFormatElement;
    }
    if (el.type === TYPE.tag) return { ...el, children: walk(el.children) };
    return el;
  });
}

/** One message, pseudo-localized: "Sign in" → "⟦Šíĝñ íñ···⟧" (each piece of text 30 % longer). */
export function pseudoMessage(message: string): string {
  return `⟦${printAST(walk(parse(message)))}⟧`;
}

export function pseudoCatalogue<K extends string>(source: Record<K, string>): Record<K, string> {
  return Object.fromEntries(Object.entries<string>(source).map(([k, v]) => [k, pseudoMessage(v)])) as Record<K, string>;
}

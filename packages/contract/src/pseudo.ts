/**
 * The pseudo-locale `en-XA` for development and the browser tests (the workspace and the widget):
 * every English message with its letters accented and about 30 % longer, inside ⟦ ⟧, so an
 * untranslated string (plain ASCII letters) and text clipped by a too-narrow box stand out. Only the
 * literal parts of a message change: arguments, plural and select keywords stay intact.
 *
 * No parser here (the contract has no ICU dependency): `pseudoElements` walks the AST of
 * `@formatjs/icu-messageformat-parser`, whose `TYPE` enum the caller passes in; `pseudoSimple` does
 * the loader's messages, which only have plain `{name}` arguments.
 */
export const PSEUDO = 'en-XA' as const;

// Each letter and its accented twin, at the same place (all in the BMP: one UTF-16 unit each).
const PLAIN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ACCENTED = 'áƀçðéƒĝĥíĵķĺɱñöþǫŕšţüṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ';

export function accent(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => ACCENTED[PLAIN.indexOf(c)] ?? c);
}

/** One piece of text: accented and padded by a third ("Sign in" → "Šíĝñ íñ···"); no letters, no change. */
export function pseudoText(text: string): string {
  return /\p{L}/u.test(text) ? accent(text) + '·'.repeat(Math.ceil(text.length * 0.3)) : text;
}

/** The element kinds of the ICU message AST (`TYPE` of `@formatjs/icu-messageformat-parser`). */
export interface IcuKinds {
  literal: number;
  select: number;
  plural: number;
  tag: number;
}

/** The part of an ICU AST element this walk reads (the parser's `MessageFormatElement` fits it). */
interface IcuElement {
  type: number;
  value?: unknown;
  options?: Record<string, { value: IcuElement[] }>;
  children?: IcuElement[];
}

function walk<E extends IcuElement>(elements: readonly E[], kinds: IcuKinds): E[] {
  return elements.map((el) => {
    if (el.type === kinds.literal && typeof el.value === 'string') return { ...el, value: pseudoText(el.value) };
    if ((el.type === kinds.plural || el.type === kinds.select) && el.options) {
      const options = Object.fromEntries(Object.entries(el.options).map(([k, o]) => [k, { ...o, value: walk(o.value, kinds) }]));
      return { ...el, options };
    }
    if (el.type === kinds.tag && el.children) return { ...el, children: walk(el.children, kinds) };
    return el;
  });
}

/** A parsed message, pseudo-localized and inside ⟦ ⟧ (print it, or hand it to IntlMessageFormat as it is). */
export function pseudoElements<E extends IcuElement>(elements: readonly E[], kinds: IcuKinds): E[] {
  const mark = (value: string) => ({ type: kinds.literal, value }) as E;
  return [mark('⟦'), ...walk(elements, kinds), mark('⟧')];
}

/** A message with only plain `{name}` arguments (the widget loader's), pseudo-localized without a parser. */
export function pseudoSimple(message: string): string {
  return `⟦${message
    .split(/(\{\w+\})/)
    .map((part) => (part.startsWith('{') ? part : pseudoText(part)))
    .join('')}⟧`;
}

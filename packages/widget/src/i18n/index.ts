/**
 * The widget's language (FormatJS `intl-messageformat`, the ICU engine react-intl uses in the
 * workspace). The chat frame's strings are in ./frame/<language>.json, the host-page loader's few in
 * ./loader/<language>.json; English is the source and the `FrameKey` type. The language is the
 * brand's `data-lang` (or `ParleyWidget.init({ lang })`) when Parley ships it, else the browser's.
 * `data-lang="en-XA"` asks for the pseudo-locale (../../../contract/src/pseudo.ts; docs/i18n.md): only
 * when the brand's page names it, never from the browser's languages.
 *
 *   import { t } from '../i18n/index.js';
 *   t('queue.position', { position: 3 })   // "You are number 3 in line."
 */
import { parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { DEFAULT_LANGUAGE, type Language, matchLanguage, PSEUDO, pseudoElements, textDirection } from '@parley/contract';
import { IntlMessageFormat } from 'intl-messageformat';
import en from './frame/en.json';

export type FrameKey = keyof typeof en;
export type Values = Record<string, string | number | Date | null | undefined>;
type Catalogue = Record<FrameKey, string>;
/** A language the widget can show: a shipped one, or the pseudo-locale a page asked for by name. */
export type UiLanguage = Language | typeof PSEUDO;

/** The other languages are fetched when needed (each its own small chunk). */
const loaders: Record<Exclude<Language, 'en'>, () => Promise<{ default: Catalogue }>> = {
  es: () => import('./frame/es.json'),
  fr: () => import('./frame/fr.json'),
  de: () => import('./frame/de.json'),
  'pt-BR': () => import('./frame/pt-BR.json'),
  ja: () => import('./frame/ja.json'),
  ar: () => import('./frame/ar.json'),
};

let language: UiLanguage = DEFAULT_LANGUAGE;
let messages: Catalogue = en;
const compiled = new Map<string, IntlMessageFormat>();

/** The language the widget shows (the pseudo-locale included). */
export const currentLanguage = (): UiLanguage => language;

/** What the widget tells Parley the consumer speaks: the pseudo-locale is English underneath. */
export const consumerLanguage = (): Language => (language === PSEUDO ? DEFAULT_LANGUAGE : language);

/**
 * The locale dates and numbers are formatted in: the browser's own tag when it is of the widget's
 * language ("en-GB" keeps its 24-hour clock, "fr-CA" its date order), else the language itself.
 */
export function formatLocale(): string {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  const tags = nav?.languages?.length ? nav.languages : nav?.language ? [nav.language] : [];
  const base = consumerLanguage();
  return tags.find((tag) => matchLanguage([tag]) === base) ?? base;
}

/**
 * The widget's language for what the brand asked (`data-lang`) and what the browser prefers. The
 * pseudo-locale only when the page names it exactly (a browser may list `en-XA` too: it gets English).
 */
export function pickLanguage(asked: string | null | undefined, browser: readonly string[] = navigator.languages ?? [navigator.language]): UiLanguage {
  if (asked?.trim() === PSEUDO) return PSEUDO;
  return (asked && matchLanguage([asked])) || matchLanguage(browser) || DEFAULT_LANGUAGE;
}

export function t(key: FrameKey, values?: Values): string {
  let f = compiled.get(key);
  if (!f) {
    // The pseudo-locale formats the English message's parsed form with its text pseudo-localized.
    f = new IntlMessageFormat(language === PSEUDO ? pseudoElements(parse(en[key]), TYPE) : (messages[key] ?? en[key]), consumerLanguage());
    compiled.set(key, f);
  }
  return String(f.format(values as Record<string, string | number | Date>));
}

/** Switches the catalogue (fetched once) and the document's lang and dir. A failure keeps English. */
export async function setLanguage(next: UiLanguage): Promise<void> {
  const loaded = next === 'en' || next === PSEUDO ? en : ((await loaders[next]?.())?.default ?? en);
  language = loaded === en && next !== PSEUDO ? 'en' : next;
  messages = loaded;
  compiled.clear();
  if (typeof document === 'undefined') return;
  document.documentElement.lang = consumerLanguage();
  document.documentElement.dir = textDirection(language);
  translateStatic(document);
}

/**
 * The frame page's static elements name their text by key: `data-i18n="key"` for the text,
 * `data-i18n-aria-label`, `data-i18n-title`, `data-i18n-placeholder` for those attributes.
 */
export function translateStatic(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as FrameKey);
  for (const attr of ['aria-label', 'title', 'placeholder'] as const) {
    for (const el of root.querySelectorAll<HTMLElement>(`[data-i18n-${attr}]`)) el.setAttribute(attr, t(el.getAttribute(`data-i18n-${attr}`) as FrameKey));
  }
}

/** Formats a number in the widget's language (`1 234,5` in French). */
export const formatNumber = (n: number, options?: Intl.NumberFormatOptions) => new Intl.NumberFormat(formatLocale(), options).format(n);

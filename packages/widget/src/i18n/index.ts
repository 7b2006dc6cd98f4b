/**
 * The widget's language (FormatJS `intl-messageformat`, the ICU engine react-intl uses in the
 * workspace). The chat frame's strings are in ./frame/<language>.json, the host-page loader's few in
 * ./loader/<language>.json; English is the source and the `FrameKey` type. The language is the
 * brand's `data-lang` (or `ParleyWidget.init({ lang })`) when Parley ships it, else the browser's.
 *
 *   import { t } from '../i18n/index.js';
 *   t('queue.position', { position: 3 })   // "You are number 3 in line."
 */
import { DEFAULT_LANGUAGE, type Language, matchLanguage, textDirection } from '@parley/contract';
import { IntlMessageFormat } from 'intl-messageformat';
import en from './frame/en.json';

export type FrameKey = keyof typeof en;
export type Values = Record<string, string | number | Date | null | undefined>;
type Catalogue = Record<FrameKey, string>;

/** The other languages are fetched when needed (each its own small chunk). */
const loaders: Record<Exclude<Language, 'en'>, () => Promise<{ default: Catalogue }>> = {
  es: () => import('./frame/es.json'),
  fr: () => import('./frame/fr.json'),
  de: () => import('./frame/de.json'),
  'pt-BR': () => import('./frame/pt-BR.json'),
  ja: () => import('./frame/ja.json'),
  ar: () => import('./frame/ar.json'),
};

let language: Language = DEFAULT_LANGUAGE;
let messages: Catalogue = en;
const compiled = new Map<string, IntlMessageFormat>();

/** The language the widget shows; what it tells Parley the consumer speaks. */
export const currentLanguage = (): Language => language;

/**
 * The locale dates and numbers are formatted in: the browser's own tag when it is of the widget's
 * language ("en-GB" keeps its 24-hour clock, "fr-CA" its date order), else the language itself.
 */
export function formatLocale(): string {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  const tags = nav?.languages?.length ? nav.languages : nav?.language ? [nav.language] : [];
  return tags.find((tag) => matchLanguage([tag]) === language) ?? language;
}

/** The widget's language for what the brand asked (`data-lang`) and what the browser prefers. */
export function pickLanguage(asked: string | null | undefined, browser: readonly string[] = navigator.languages ?? [navigator.language]): Language {
  return (asked && matchLanguage([asked])) || matchLanguage(browser) || DEFAULT_LANGUAGE;
}

export function t(key: FrameKey, values?: Values): string {
  const message = messages[key] ?? en[key];
  let f = compiled.get(key);
  if (!f) {
    f = new IntlMessageFormat(message, language);
    compiled.set(key, f);
  }
  return String(f.format(values as Record<string, string | number | Date>));
}

/** Switches the catalogue (fetched once) and the document's lang and dir. A failure keeps English. */
export async function setLanguage(next: Language): Promise<void> {
  const loaded = next === 'en' ? en : ((await loaders[next]?.())?.default ?? en);
  language = loaded === en ? 'en' : next;
  messages = loaded;
  compiled.clear();
  if (typeof document === 'undefined') return;
  document.documentElement.lang = language;
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

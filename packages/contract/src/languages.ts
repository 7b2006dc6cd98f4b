/**
 * Plain functions only (no zod), so the widget and its loader can import them without the schemas:
 * the wire schemas `LanguageTag` and `LocalizedText` are in schemas.ts.
 *
 * The languages Parley's workspace, console and widget ship in (BCP 47 tags). A front end's
 * catalogue has one file per language named by these tags; the account's default consumer
 * language and the consumer's own language are among them too.
 */
export const LANGUAGES = ['en', 'es', 'fr', 'de', 'pt-BR', 'ja', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/** Each language's own name, for a language picker (a person looks for their language in it). */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
  'pt-BR': 'Português (Brasil)',
  ja: '日本語',
  ar: 'العربية',
};

/** Languages written right to left. */
const RTL = new Set(['ar', 'he', 'fa', 'ur']);

export function isRtl(language: string): boolean {
  return RTL.has(language.split('-')[0]?.toLowerCase() ?? '');
}

export function textDirection(language: string): 'ltr' | 'rtl' {
  return isRtl(language) ? 'rtl' : 'ltr';
}

/** The supported language a BCP 47 tag names exactly (case-insensitive), else undefined. */
export function supportedLanguage(tag: string): Language | undefined {
  const lower = tag.trim().toLowerCase();
  return LANGUAGES.find((l) => l.toLowerCase() === lower);
}

/**
 * The best supported language for a list of preferred tags, most preferred first (the browser's
 * `navigator.languages`, an Accept-Language header's order, a `data-lang` attribute): an exact tag
 * wins, then the same base language ("fr-CA" → "fr", "pt-PT" or "pt" → "pt-BR", "ar-EG" → "ar").
 * Undefined when none matches, so the caller picks its own fallback.
 */
export function matchLanguage(preferred: readonly string[]): Language | undefined {
  for (const tag of preferred) {
    if (!tag) continue;
    const exact = supportedLanguage(tag);
    if (exact) return exact;
    const base = tag.trim().split(/[-_]/)[0]?.toLowerCase();
    const same = LANGUAGES.find((l) => l.split('-')[0]?.toLowerCase() === base);
    if (same) return same;
  }
  return undefined;
}

/** A text per language, or one for all: the type of a `LocalizedText` schema's value. */
export type TextByLanguage = string | Partial<Record<Language, string>>;

/**
 * The text to send to a consumer: theirs when written in their language (or its base language),
 * else the account's default language, else English, else the first one given.
 */
export function pickText(text: TextByLanguage, consumerLanguage: string | null | undefined, accountLanguage: string = DEFAULT_LANGUAGE): string {
  if (typeof text === 'string') return text;
  const given = Object.keys(text) as Language[];
  const order = [consumerLanguage, accountLanguage, DEFAULT_LANGUAGE].filter((x): x is string => Boolean(x));
  for (const want of order) {
    const hit = matchLanguage([want]);
    if (hit && text[hit]) return text[hit];
    const base = want.split('-')[0]?.toLowerCase();
    const sameBase = given.find((g) => g.split('-')[0]?.toLowerCase() === base && text[g]);
    if (sameBase) return text[sameBase] as string;
  }
  return text[given[0] as Language] ?? '';
}

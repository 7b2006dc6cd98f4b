import { z } from 'zod';
import { LANGUAGES, supportedLanguage } from './languages.js';

/** A BCP 47 tag of a supported language on the wire; the message lists what is accepted. */
export const LanguageTag = z.string().refine((v) => supportedLanguage(v) === v, {
  message: `unsupported language: one of ${LANGUAGES.join(', ')}`,
});

/** Any well-formed BCP 47 tag (a consumer's browser language: Parley may not ship it, the account's default then applies). */
export const AnyLanguageTag = z
  .string()
  .min(2)
  .max(35)
  .refine(
    (v) => {
      try {
        return Intl.getCanonicalLocales(v).length === 1;
      } catch {
        return false;
      }
    },
    { message: 'must be a BCP 47 language tag such as fr or pt-BR' },
  );

/**
 * A text written per language, or one text for every language: `"Hello"` or
 * `{ "en": "Hello", "fr": "Bonjour" }` (survey questions, the closed-hours reply and other
 * automatic messages to consumers). Each text is trimmed and non-empty. Whether the account's
 * default language is among the languages is checked where the account is known
 * (`missingDefaultLanguage`).
 */
export const LocalizedText = (max: number) =>
  z.union([
    z.string().trim().min(1).max(max),
    z.record(LanguageTag, z.string().trim().min(1).max(max)).refine((m) => Object.keys(m).length > 0, { message: 'give the text in at least one language' }),
  ]);

/** True when a per-language text lacks the account's default language (a plain string never does). */
export function missingDefaultLanguage(text: string | Record<string, string>, defaultLanguage: string): boolean {
  return typeof text !== 'string' && !text[defaultLanguage];
}

/**
 * The texts the server itself writes to consumers (docs/i18n.md, "Automatic consumer messages"):
 * one catalogue, every key in each of the seven languages (`packages/server/test/lint/i18n.test.ts`
 * checks each message is valid ICU with the English one's arguments). Managers' own texts (survey
 * questions and choices, the closed-hours reply) are `LocalizedText` settings, not here.
 */
import { DEFAULT_LANGUAGE, type Language, matchLanguage } from '@parley/contract';
import { IntlMessageFormat } from 'intl-messageformat';

const en = {
  /** After a CSAT question on a channel without forms. */
  'survey.csat.reply': 'Reply with a number from 1 (very unsatisfied) to 5 (very satisfied).',
  /** After an NPS question. */
  'survey.nps.reply': 'Reply with a number from 0 (not at all likely) to 10 (extremely likely).',
  /** After a choice question: `choices` is the numbered list ("1) Yes 2) No"). */
  'survey.choice.reply': 'Reply with a number: {choices}',
  /** After the last answer. */
  'survey.thanks': 'Thank you for your feedback!',
} as const;

export type ConsumerMessageKey = keyof typeof en;

/** Every language has every key (a missing one fails `tsc`, a stray one too). */
export const CONSUMER_MESSAGES: Record<Language, Record<ConsumerMessageKey, string>> = {
  en,
  es: {
    'survey.csat.reply': 'Responda con un número del 1 (muy insatisfecho) al 5 (muy satisfecho).',
    'survey.nps.reply': 'Responda con un número del 0 (nada probable) al 10 (extremadamente probable).',
    'survey.choice.reply': 'Responda con un número: {choices}',
    'survey.thanks': '¡Gracias por su opinión!',
  },
  fr: {
    'survey.csat.reply': 'Répondez par un nombre de 1 (très insatisfait) à 5 (très satisfait).',
    'survey.nps.reply': 'Répondez par un nombre de 0 (pas du tout probable) à 10 (extrêmement probable).',
    'survey.choice.reply': 'Répondez par un numéro\u00a0: {choices}',
    'survey.thanks': 'Merci pour votre avis\u00a0!',
  },
  de: {
    'survey.csat.reply': 'Antworten Sie mit einer Zahl von 1 (sehr unzufrieden) bis 5 (sehr zufrieden).',
    'survey.nps.reply': 'Antworten Sie mit einer Zahl von 0 (überhaupt nicht wahrscheinlich) bis 10 (äußerst wahrscheinlich).',
    'survey.choice.reply': 'Antworten Sie mit einer Zahl: {choices}',
    'survey.thanks': 'Vielen Dank für Ihr Feedback!',
  },
  'pt-BR': {
    'survey.csat.reply': 'Responda com um número de 1 (muito insatisfeito) a 5 (muito satisfeito).',
    'survey.nps.reply': 'Responda com um número de 0 (nada provável) a 10 (extremamente provável).',
    'survey.choice.reply': 'Responda com um número: {choices}',
    'survey.thanks': 'Obrigado pela sua opinião!',
  },
  ja: {
    'survey.csat.reply': '1（とても不満）から5（とても満足）までの数字で返信してください。',
    'survey.nps.reply': '0（まったく可能性がない）から10（非常に可能性が高い）までの数字で返信してください。',
    'survey.choice.reply': '番号で返信してください：{choices}',
    'survey.thanks': 'ご意見をお寄せいただきありがとうございます。',
  },
  ar: {
    'survey.csat.reply': 'ردّ برقم من 1 (غير راضٍ جدًا) إلى 5 (راضٍ جدًا).',
    'survey.nps.reply': 'ردّ برقم من 0 (غير مرجّح إطلاقًا) إلى 10 (مرجّح جدًا).',
    'survey.choice.reply': 'ردّ برقم: {choices}',
    'survey.thanks': 'شكرًا لك على ملاحظاتك!',
  },
};

/**
 * The language the server writes to a consumer in: theirs when Parley ships it (or its base
 * language: `fr-CA` → `fr`), else the account's default language, else English.
 */
export function consumerLanguage(consumer: string | null | undefined, account: string | null | undefined): Language {
  return matchLanguage([consumer ?? '', account ?? '']) ?? DEFAULT_LANGUAGE;
}

const compiled = new Map<string, IntlMessageFormat>();

/** One catalogue message in `language`, its `{arguments}` filled in (numbers and plurals by the language's rules). */
export function consumerText(key: ConsumerMessageKey, language: Language, args?: Record<string, string | number>): string {
  const id = `${language}\u0000${key}`;
  let f = compiled.get(id);
  if (!f) {
    f = new IntlMessageFormat(CONSUMER_MESSAGES[language][key], language);
    compiled.set(id, f);
  }
  return String(f.format(args));
}

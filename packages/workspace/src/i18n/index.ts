/**
 * The workspace's and console's language (react-intl, FormatJS). Every visible string is a key of
 * the catalogue in ./locales/<language>.json, an ICU message:
 *
 *   const t = useT();                                   // in a component (re-renders on a language change)
 *   t('settings.title')                                 // "Settings"
 *   t('app.tab.incoming', { count: 3 })                 // "{count, plural, one {# with new messages} …}"
 *   import { t } from '../../i18n/index.js';            // outside React (toasts, controllers)
 *
 * English (en.json) is the source: its keys are the `MessageKey` type, so a key that does not exist
 * fails `tsc`; every other catalogue must have every key (catalogue.test.ts). Numbers, dates and
 * durations are formatted with Intl in the same locale (./format.ts).
 */
import { DEFAULT_LANGUAGE, LANGUAGES, type Language, matchLanguage, textDirection } from '@parley/contract';
import { useSyncExternalStore } from 'react';
import { createIntl, createIntlCache, type IntlShape } from 'react-intl';
import en from './locales/en.json';
import { PSEUDO, pseudoCatalogue } from './pseudo.js';

export { PSEUDO };

export type MessageKey = keyof typeof en;
export type MessageValues = Record<string, string | number | Date | boolean | null | undefined>;
export type Translate = (key: MessageKey, values?: MessageValues) => string;
/** A language the workspace can show: a shipped one, or the development pseudo-locale. */
export type UiLanguage = Language | typeof PSEUDO;
export type Catalogue = Record<MessageKey, string>;

export const SOURCE: Catalogue = en;

const loaders = import.meta.glob<{ default: Catalogue }>(['./locales/*.json', '!./locales/en.json']);
const loaded = new Map<UiLanguage, Catalogue>([['en', en]]);

async function catalogueOf(language: UiLanguage): Promise<Catalogue> {
  const have = loaded.get(language);
  if (have) return have;
  const messages = language === PSEUDO ? pseudoCatalogue(en) : (await loaders[`./locales/${language}.json`]?.())?.default;
  if (!messages) throw new Error(`no catalogue for ${language}`);
  loaded.set(language, messages);
  return messages;
}

const cache = createIntlCache();

/** The browser's own tag when it is of this language ("en-GB", "fr-CA": their number and date habits), else the language. */
function regional(language: Language): string {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  const tags = nav?.languages?.length ? nav.languages : nav?.language ? [nav.language] : [];
  return tags.find((tag) => matchLanguage([tag]) === language) ?? language;
}

function makeIntl(language: UiLanguage, messages: Catalogue): IntlShape {
  return createIntl(
    {
      // The pseudo-locale formats numbers and dates as English (its words are what it exercises).
      locale: language === PSEUDO ? 'en' : regional(language),
      messages,
      defaultLocale: DEFAULT_LANGUAGE,
      // A missing key shows the English text (and the catalogue test fails); nothing is thrown at people.
      onError: (err) => {
        if (import.meta.env.DEV) console.warn(err.message);
      },
    },
    cache,
  );
}

let language: UiLanguage = DEFAULT_LANGUAGE;
let intl = makeIntl(DEFAULT_LANGUAGE, en);
const listeners = new Set<() => void>();

/** The current react-intl object (for `RawIntlProvider`, and rich text with `intl.formatMessage`). */
export const currentIntl = (): IntlShape => intl;
export const currentLanguage = (): UiLanguage => language;
/** The BCP 47 locale that Intl formats in (English for the pseudo-locale). */
export const currentLocale = (): string => intl.locale;

/** Translate outside React. Inside a component use `useT()` so it re-renders on a language change. */
export const t: Translate = (key, values) => {
  const english = en[key];
  return intl.formatMessage({ id: key, defaultMessage: english }, values as Record<string, string | number | Date | boolean>) as string;
};

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The language, subscribed: the component re-renders when it changes. */
export function useLanguage(): UiLanguage {
  return useSyncExternalStore(subscribe, currentLanguage, currentLanguage);
}

/** `t` for a component: re-renders it when the language changes. */
export function useT(): Translate {
  useLanguage();
  return t;
}

/** What the browser asks for, best first (the sign-in page, and a user who never chose). */
export function browserLanguage(): Language {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  return matchLanguage(nav?.languages?.length ? nav.languages : [nav?.language ?? '']) ?? DEFAULT_LANGUAGE;
}

/** The language to show for a user's setting: theirs, else the browser's; `?lang=en-XA` or the dev build's setting can pick the pseudo-locale. */
export function resolveLanguage(setting: string | null | undefined): UiLanguage {
  if (setting === PSEUDO || pseudoRequested()) return PSEUDO;
  return (setting && matchLanguage([setting])) || browserLanguage();
}

function pseudoRequested(): boolean {
  try {
    return new URLSearchParams(location.search).get('lang') === PSEUDO || localStorage.getItem('parley.lang') === PSEUDO;
  } catch {
    return false;
  }
}

/** Fetches a language's catalogue ahead (a failure is the caller's: setLanguage then shows English). */
export async function loadLanguage(language: UiLanguage): Promise<void> {
  await catalogueOf(language);
}

/**
 * Show the workspace in a language: loads its catalogue, sets <html lang dir>, re-renders. With
 * the catalogue already in (`loadLanguage`), it all happens at once, in the caller's own task, so
 * a screen shown in the same breath renders in it from its first frame.
 */
export async function setLanguage(next: UiLanguage): Promise<void> {
  const messages = loaded.get(next) ?? (await catalogueOf(next));
  language = next;
  intl = makeIntl(next, messages);
  if (typeof document !== 'undefined') {
    document.documentElement.lang = next === PSEUDO ? 'en' : next;
    document.documentElement.dir = textDirection(next);
  }
  for (const fn of listeners) fn();
}

/** The languages an agent can pick in settings (the pseudo-locale only in development). */
export const PICKABLE: readonly UiLanguage[] = import.meta.env.DEV ? [...LANGUAGES, PSEUDO] : LANGUAGES;

const REMEMBERED = 'parley.ui-language';

/**
 * Follow a signed-in user's language setting (unset: the browser's), remembered on this device so
 * a reload shows it before the settings arrive; `undefined` after sign-out goes back to the browser's.
 */
export function applyUserLanguage(setting: string | null | undefined, signedIn = true): Promise<void> {
  try {
    if (signedIn && setting) localStorage.setItem(REMEMBERED, setting);
    else localStorage.removeItem(REMEMBERED);
  } catch {
    // storage refused: only this reload shows the browser's language first
  }
  return setLanguage(resolveLanguage(signedIn ? setting : undefined));
}

/** The language to start in: the one remembered for a signed-in user, else the browser's. */
export function startLanguage(): UiLanguage {
  try {
    return resolveLanguage(localStorage.getItem(REMEMBERED));
  } catch {
    return resolveLanguage(undefined);
  }
}

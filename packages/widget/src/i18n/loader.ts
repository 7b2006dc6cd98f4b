/**
 * The loader's few strings (the launcher button on the brand's page), one small catalogue per
 * language in ./loader/, all bundled into /widget.js so the launcher is named before the frame loads.
 * They use only simple `{name}` arguments (the catalogue test holds them to that), so the loader
 * fills them in without shipping an ICU parser to every page of the brand's site. `data-lang="en-XA"`
 * (named exactly, never from the browser) shows the pseudo-locale, as the frame does.
 */
import { DEFAULT_LANGUAGE, type Language, matchLanguage, PSEUDO, pseudoSimple } from '@parley/contract';
import ar from './loader/ar.json';
import de from './loader/de.json';
import en from './loader/en.json';
import es from './loader/es.json';
import fr from './loader/fr.json';
import ja from './loader/ja.json';
import ptBR from './loader/pt-BR.json';

export type LoaderKey = keyof typeof en;
const CATALOGUES: Record<Language, Record<LoaderKey, string>> = { en, es, fr, de, 'pt-BR': ptBR, ja, ar };

export function loaderLanguage(asked: string | undefined): Language | typeof PSEUDO {
  if (asked?.trim() === PSEUDO) return PSEUDO;
  return (asked && matchLanguage([asked])) || matchLanguage(navigator.languages ?? [navigator.language]) || DEFAULT_LANGUAGE;
}

export function loaderText(language: Language | typeof PSEUDO, key: LoaderKey, values?: Record<string, string | number>): string {
  const message = language === PSEUDO ? pseudoSimple(en[key]) : (CATALOGUES[language][key] ?? en[key]);
  return message.replace(/\{(\w+)\}/g, (all, name: string) => (values && name in values ? String(values[name]) : all));
}

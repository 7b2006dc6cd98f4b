import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { LANGUAGES } from '@parley/contract';
import { describe, expect, it } from 'vitest';
import { CONSUMER_MESSAGES, type ConsumerMessageKey, consumerText } from '../../src/domain/consumer-messages.js';
import { findLiterals } from './i18n-literals.js';

/**
 * The translation checks (docs/i18n.md): every catalogue of every front end has every key of its
 * English source and no other, each message is valid ICU with the same arguments as the English
 * one; every key the code names exists; and no visible text is written as a literal in a
 * converted file.
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));

interface FrontEnd {
  name: string;
  locales: string;
  src: string;
  /** How the code names a key: the first group is the key (a template prefix when it ends before `${`). */
  keyCall: string;
  /** Other files that name keys (the frame page's `data-i18n` attributes). */
  pages?: string[];
  /** Only `{name}` arguments: the loader fills them in without an ICU parser. */
  simpleOnly?: boolean;
}

const FRONT_ENDS: FrontEnd[] = [
  { name: 'workspace', locales: 'packages/workspace/src/i18n/locales', src: 'packages/workspace/src', keyCall: String.raw`\bt\(\s*` },
  {
    name: 'widget',
    locales: 'packages/widget/src/i18n/frame',
    src: 'packages/widget/src/frame',
    keyCall: String.raw`\bt\(\s*`,
    pages: ['packages/widget/src/frame/frame.html'],
  },
  {
    name: 'widget-loader',
    locales: 'packages/widget/src/i18n/loader',
    src: 'packages/widget/src/loader',
    keyCall: String.raw`loaderText\(\s*\w+,\s*`,
    simpleOnly: true,
  },
];

/**
 * Files whose visible text is not converted yet. The list only shrinks: a file on it that has no
 * literal left fails the test (take it off), and a file not on it fails on its first literal.
 */
const NOT_CONVERTED = new Set<string>([]);

const read = (p: string) => readFileSync(join(root, p), 'utf8');
const catalogue = (dir: string, lang: string): Record<string, string> => JSON.parse(read(`${dir}/${lang}.json`));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(p));
    // (zz-boundary-probe-*: import-boundaries.test.ts writes and removes those while this runs)
    else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.startsWith('zz-boundary-probe')) out.push(p);
  }
  return out;
}

/** Argument names of an ICU message, and whether every plural/select has its `other` case. */
function shape(elements: MessageFormatElement[], args = new Set<string>()): { args: Set<string>; missingOther: boolean } {
  let missingOther = false;
  for (const el of elements) {
    if ('value' in el && el.type !== TYPE.literal && typeof el.value === 'string') args.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      if (!el.options.other) missingOther = true;
      for (const o of Object.values(el.options)) missingOther = shape(o.value, args).missingOther || missingOther;
    }
    if (el.type === TYPE.tag) {
      args.add(`<${el.value}>`);
      missingOther = shape(el.children, args).missingOther || missingOther;
    }
  }
  return { args, missingOther };
}

/** What is wrong with the messages of one language, against the English source. */
function messageProblems(messages: Record<string, string>, en: Record<string, string>, simpleOnly?: boolean): string[] {
  const problems: string[] = [];
  for (const [key, message] of Object.entries(messages)) {
    if (!message.trim()) {
      problems.push(`${key}: empty`);
      continue;
    }
    try {
      const mine = shape(parse(message));
      const source = shape(parse(en[key] ?? ''));
      if (mine.missingOther) problems.push(`${key}: a plural or select without "other"`);
      if (simpleOnly && /[{}']/.test(message.replace(/\{\w+\}/g, ''))) problems.push(`${key}: only simple {name} arguments here`);
      const a = [...mine.args].sort().join(',');
      const b = [...source.args].sort().join(',');
      if (a !== b) problems.push(`${key}: arguments {${a}} but English has {${b}}`);
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message}`);
    }
  }
  return problems;
}

describe.each(FRONT_ENDS)('the $name catalogues', (fe) => {
  const en = catalogue(fe.locales, 'en');

  it('exist for exactly the shipped languages', () => {
    const files = readdirSync(join(root, fe.locales)).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(LANGUAGES.map((l) => `${l}.json`).sort());
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has every English key and no other', (lang) => {
    const other = catalogue(fe.locales, lang);
    expect({ missing: Object.keys(en).filter((k) => !(k in other)), extra: Object.keys(other).filter((k) => !(k in en)) }).toEqual({ missing: [], extra: [] });
  });

  it.each(LANGUAGES)('%s: every message is valid ICU, not empty, with the English arguments and an `other` case', (lang) => {
    expect(messageProblems(catalogue(fe.locales, lang), en, fe.simpleOnly)).toEqual([]);
  });

  it('names only keys that exist, and every key is used', () => {
    const files = sourceFiles(fe.src);
    const code = files.map(read).join('\n');
    const named = new Set<string>();
    const prefixes: string[] = [];
    for (const m of code.matchAll(new RegExp(`${fe.keyCall}'([^']+)'`, 'g'))) named.add(m[1] as string);
    for (const m of code.matchAll(new RegExp(`${fe.keyCall}\`([^\`$]+)\\$\\{`, 'g'))) prefixes.push(m[1] as string);
    for (const page of fe.pages ?? []) for (const m of read(page).matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)) named.add(m[1] as string);
    expect([...named].filter((k) => !(k in en))).toEqual([]);
    const unused = Object.keys(en).filter((k) => !named.has(k) && !prefixes.some((p) => k.startsWith(p)) && !code.includes(`'${k}'`));
    expect(unused).toEqual([]);
  });

  it('has no visible text written as a literal outside the files not converted yet', () => {
    const offenders: string[] = [];
    const clean: string[] = [];
    for (const file of sourceFiles(fe.src)) {
      const found = findLiterals(file, read(file));
      const rel = relative(fe.src, file);
      if (NOT_CONVERTED.has(`${fe.name}:${rel}`)) {
        if (found.length === 0) clean.push(`${fe.name}:${rel}`);
      } else for (const f of found) offenders.push(`${file}:${f.line} "${f.text}"`);
    }
    expect(offenders, 'visible text must come from the catalogue: t(key)').toEqual([]);
    expect(clean, 'converted: take these off NOT_CONVERTED').toEqual([]);
  });
});

/** The server's own texts to consumers (survey instructions, thank-you): one catalogue in code. */
describe('the server consumer-message catalogue', () => {
  const en = CONSUMER_MESSAGES.en;

  it('has exactly the shipped languages', () => {
    expect(Object.keys(CONSUMER_MESSAGES).sort()).toEqual([...LANGUAGES].sort());
  });

  it.each(LANGUAGES)('%s has every English key and no other, each valid ICU with the English arguments', (lang) => {
    const mine: Record<string, string> = CONSUMER_MESSAGES[lang];
    expect({ missing: Object.keys(en).filter((k) => !(k in mine)), extra: Object.keys(mine).filter((k) => !(k in en)) }).toEqual({ missing: [], extra: [] });
    expect(messageProblems(mine, en)).toEqual([]);
    // a translation, not the English left in place (the language's own text)
    if (lang !== 'en') expect(Object.keys(en).filter((k) => mine[k] === en[k as keyof typeof en])).toEqual([]);
  });

  it('every key is used by the server, and each formats in every language', () => {
    const code = sourceFiles('packages/server/src').map(read).join('\n');
    expect(Object.keys(en).filter((k) => !code.includes(`'${k}'`))).toEqual([]);
    for (const lang of LANGUAGES)
      for (const k of Object.keys(en) as ConsumerMessageKey[]) expect(consumerText(k, lang, { choices: '1) A 2) B' })).not.toMatch(/[{}]/);
  });
});

describe('the literal finder', () => {
  it('finds visible literals in JSX and DOM code, and ignores keys, punctuation and class names', () => {
    const tsx = [
      'const a = <p className="muted">Hello there</p>;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a probe
      'const b = <button aria-label="Close" title={`Close ${name}`}>{t(\'x.close\')}</button>;',
      "const c = <span>{busy ? 'Saving…' : t('x.save')}</span>;",
      'const d = <Field label="Name" emptyText={\'None yet\'} />;',
      'const e = <b aria-hidden="true">{\'—\'} · {count}</b>;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a probe
      "toast('Saved'); failed(`Could not ${x}`, err); toast(t('x.saved'));",
    ].join('\n');
    expect(findLiterals('probe.tsx', tsx).map((l) => [l.line, l.text])).toEqual([
      [1, 'Hello there'],
      [2, 'Close'],
      [2, 'Close'],
      [3, 'Saving…'],
      [4, 'Name'],
      [4, 'None yet'],
      [6, 'Saved'],
      [6, 'Could not'],
    ]);
    const dom = "el.textContent = 'Send'; el.setAttribute('aria-label', 'Attach a photo'); el.className = 'msg'; el.title = label;";
    expect(findLiterals('probe.ts', dom).map((l) => l.text)).toEqual(['Send', 'Attach a photo']);
  });
});

import MiniSearch, { type SearchOptions } from 'minisearch';

/**
 * Suggested answers (API.md "Automation and integration"): rank an account's predefined content
 * for what the consumer just wrote. Two local full-text indexes (MiniSearch: BM25+, prefix and
 * typo-tolerant matching), both over the same terms (lower-cased, accents folded, the language's stop words dropped):
 *
 * - the content itself: title, text and category name;
 * - what this account's agents actually did: each consumer message an agent answered with a
 *   content item is an example for that item. A query close to earlier examples of an item lifts
 *   it (`learnedWeight`).
 *
 * Pure: the caller gives one account's content and examples (services/suggestions.service.ts),
 * so nothing learnt for one account ever reaches another.
 */

export interface SuggestContent {
  id: string;
  title: string;
  text: string;
  category: string;
}

/** A consumer's message(s) followed by an agent sending `contentId`. */
export interface SuggestExample {
  contentId: string;
  text: string;
}

export interface Ranked {
  id: string;
  score: number;
}

/**
 * The tuning knobs, chosen on the tuning part of bench/fixtures/suggestions.json only
 * (bench/suggestions.mjs reports the held-out part separately).
 */
export const SUGGEST_TUNING = {
  boost: { title: 2, text: 1, category: 0.5 },
  /** Edit distance allowed, as a fraction of the term's length (0.25: one typo in 4–7 letters, two from 8). */
  fuzzy: 0.25,
  /** Terms shorter than this are matched exactly. */
  fuzzyMinLength: 4,
  /** The last term of a message may be a prefix (a word being typed or cut off). */
  prefixMinLength: 3,
  /** How much the examples of an item count against its own text. */
  learnedWeight: 1,
  /** Examples summed per item: a few similar past exchanges, not the item's popularity. */
  examplesPerItem: 3,
};

/** Words that say nothing about which answer fits (per language; others get none). */
const STOPWORDS: Record<string, ReadonlySet<string>> = {
  en: new Set(
    `a about am an and any are as at be been but by can could did do does doing for from had has have having he her here hers him his
    how i i'm if in into is it it's its just me might my myself no nor not of off on once only or other our ours out own please same
    she should so some such than that the their them then there these they this those to too very was we were what when where which
    while who whom why will with would you your yours yourself hey there im ive id pls plz`
      .split(/\s+/)
      .filter(Boolean),
  ),
  fr: new Set(
    `au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me mes moi mon ne nos notre nous on ou par pas
    pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y est suis`
      .split(/\s+/)
      .filter(Boolean),
  ),
};

const primary = (language: string) => language.toLowerCase().split(/[-_]/)[0] ?? 'en';

/**
 * Lower-cased, accents folded, stop words dropped: the same for content, examples and queries.
 * Not stemmed: Snowball's English stemmer (snowball-stemmers 0.6.0) was tried and lowered the
 * tuning part's MRR@5 (0.666 → 0.639 cold), and indexing word and stem together lowered it more;
 * prefix and typo-tolerant matching already join most word forms ("return"/"returns").
 */
export function termProcessor(language: string): (term: string) => string | null {
  const stop = STOPWORDS[primary(language)] ?? STOPWORDS.en ?? new Set<string>();
  return (term) => {
    const t = term
      .toLowerCase()
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/^'+|'+$/g, '');
    if (!t || stop.has(t) || /^\d{1,2}$/.test(t)) return null;
    return t;
  };
}

/** Words: letters, digits and inner apostrophes (so "don't" stays one stop word). */
const tokenize = (text: string): string[] => text.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu)?.map((w) => w.replace(/’/g, "'")) ?? [];

export class SuggestionIndex {
  private readonly content: MiniSearch<SuggestContent>;
  private readonly examples: MiniSearch<SuggestExample & { id: number }>;
  private readonly searchOptions: SearchOptions;
  private readonly tuning: typeof SUGGEST_TUNING;
  readonly size: { content: number; examples: number };

  constructor(items: readonly SuggestContent[], examples: readonly SuggestExample[], language = 'en', tuning = SUGGEST_TUNING) {
    const processTerm = termProcessor(language);
    const known = new Set(items.map((i) => i.id));
    this.searchOptions = {
      combineWith: 'OR',
      fuzzy: (term) => (term.length >= tuning.fuzzyMinLength ? tuning.fuzzy : false),
      prefix: (term, i, terms) => i === terms.length - 1 && term.length >= tuning.prefixMinLength,
    };
    this.content = new MiniSearch<SuggestContent>({
      fields: ['title', 'text', 'category'],
      tokenize,
      processTerm,
      searchOptions: { ...this.searchOptions, boost: tuning.boost },
    });
    this.content.addAll(items);
    this.examples = new MiniSearch<SuggestExample & { id: number }>({
      fields: ['text'],
      storeFields: ['contentId'],
      tokenize,
      processTerm,
      searchOptions: this.searchOptions,
    });
    this.examples.addAll(examples.filter((e) => known.has(e.contentId)).map((e, i) => ({ ...e, id: i })));
    this.size = { content: this.content.documentCount, examples: this.examples.documentCount };
    this.tuning = tuning;
  }

  /** The best `limit` items for `query`, best first (ties by id, so the order is stable). */
  rank(query: string, limit = 5): Ranked[] {
    const scores = new Map<string, number>();
    for (const r of this.content.search(query)) scores.set(r.id as string, r.score);
    if (this.examples.documentCount) {
      const perItem = new Map<string, number[]>();
      for (const r of this.examples.search(query)) {
        const id = r.contentId as string;
        const got = perItem.get(id) ?? [];
        if (got.length < this.tuning.examplesPerItem) got.push(r.score);
        perItem.set(id, got);
      }
      for (const [id, s] of perItem) {
        const learned = s.reduce((a, b) => a + b, 0) / this.tuning.examplesPerItem;
        scores.set(id, (scores.get(id) ?? 0) + this.tuning.learnedWeight * learned);
      }
    }
    return [...scores]
      .map(([id, score]) => ({ id, score: Math.round(score * 1000) / 1000 }))
      .filter((r) => r.score > 0)
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  /** Which item an agent's message sent, if it is one of the content texts (as inserted, maybe lightly edited). */
  static matchSent(items: readonly { id: string; text: string }[]): (sent: string) => string | undefined {
    const words = (s: string) => new Set(tokenize(s.toLowerCase()));
    const sets = items.map((i) => ({ id: i.id, size: words(i.text).size }));
    const byWord = new Map<string, number[]>();
    items.forEach((item, n) => {
      for (const w of words(item.text)) byWord.set(w, [...(byWord.get(w) ?? []), n]);
    });
    return (sent) => {
      const w = words(sent);
      const shared = new Map<number, number>();
      for (const x of w) for (const n of byWord.get(x) ?? []) shared.set(n, (shared.get(n) ?? 0) + 1);
      let best: { id: string; j: number } | undefined;
      for (const [n, both] of shared) {
        const item = sets[n] as { id: string; size: number };
        // Jaccard similarity: the item's words make up most of the message and vice versa.
        const j = both / (item.size + w.size - both);
        if (j >= 0.6 && (!best || j > best.j)) best = { id: item.id, j };
      }
      return best?.id;
    };
  }
}

/** The workspace's pseudo-locale `en-XA` (the transform is shared with the widget: contract/src/pseudo.ts). */

import { parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { printAST } from '@formatjs/icu-messageformat-parser/printer.js';
import { pseudoElements } from '@parley/contract';

export { accent, PSEUDO } from '@parley/contract';

/** One message, pseudo-localized: "Sign in" → "⟦Šíĝñ íñ···⟧" (each piece of text 30 % longer). */
export function pseudoMessage(message: string): string {
  return printAST(pseudoElements(parse(message), TYPE));
}

export function pseudoCatalogue<K extends string>(source: Record<K, string>): Record<K, string> {
  return Object.fromEntries(Object.entries<string>(source).map(([k, v]) => [k, pseudoMessage(v)])) as Record<K, string>;
}

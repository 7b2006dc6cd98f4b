/**
 * Consumer erasure (GDPR / CCPA, issue 14), the pure part: what an erased consumer's words, name
 * and variables become wherever a copy of them sits (stored events, notes, notifications).
 */

export const ERASED_TEXT = '[erased]';
export const ERASED_NAME = 'Erased consumer';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` with every whole-word occurrence of the consumer's name (case-insensitive) replaced by
 * "Erased consumer". A blank name changes nothing.
 */
export function dropName(text: string, name: string): string {
  const n = name.trim();
  if (!n) return text;
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(n)}(?![\\p{L}\\p{N}])`, 'giu');
  return text.replace(re, ERASED_NAME);
}

/**
 * A stored event's payload (or any JSON) with the consumer erased: the text of every message
 * object the consumer wrote (`senderType: "consumer"`, also a row's `lastMessage`) reads
 * "[erased]" and loses its file, `customVariables` are emptied, and the consumer's name is dropped
 * from every string (but ids, times and URLs).
 */
export function eraseInJson(value: unknown, name: string, depth = 0): unknown {
  if (depth > 20) return value;
  if (typeof value === 'string') return dropName(value, name);
  if (Array.isArray(value)) return value.map((v) => eraseInJson(v, name, depth + 1));
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const byConsumer = o.senderType === 'consumer';
  for (const [k, v] of Object.entries(o)) {
    if (byConsumer && k === 'text') out[k] = v === null ? v : ERASED_TEXT;
    else if (byConsumer && k === 'file') out[k] = null;
    else if (k === 'customVariables') out[k] = {};
    // Ids, times and URLs are never a name (a short name could otherwise match a piece of one).
    else if (/(^id|Id|Ids|At|url)$/.test(k)) out[k] = v;
    else out[k] = eraseInJson(v, name, depth + 1);
  }
  return out;
}

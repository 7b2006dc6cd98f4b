/**
 * Text that people type and other people read: names and message bodies. Pure string rules shared
 * by the server (what it stores and exports) and the clients.
 */

/**
 * Invisible characters that reorder or disguise the text around them: the zero-width space,
 * joiners and direction marks (U+200B–U+200F), the bidi embeddings and overrides (U+202A–U+202E)
 * and isolates (U+2066–U+2069), the byte-order mark (U+FEFF), the Arabic letter mark (U+061C) and
 * the Mongolian vowel separator (U+180E). A name holding them can pass for someone else's.
 */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\u061C\u180E]/g;

/** C0 and C1 control characters and DEL. */
const isControl = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f);

/** U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: line breaks to most viewers. */
const isUnicodeBreak = (code: number) => code === 0x2028 || code === 0x2029;

/** Drops the bidi control and zero-width characters listed above; nothing else changes. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/**
 * A person's name as stored and shown (consumer names from the widget, identity tokens and
 * channels; users' display names): bidi control and zero-width characters removed, control
 * characters and line breaks turned into spaces, runs of white space collapsed, trimmed. The
 * result is one line; it may be empty (the caller decides whether that is allowed).
 */
export function cleanDisplayName(name: string): string {
  let out = '';
  for (const ch of stripInvisible(name)) {
    const code = ch.codePointAt(0) ?? 0;
    out += isControl(code) || isUnicodeBreak(code) ? ' ' : ch;
  }
  return out.replace(/\s+/g, ' ').trim();
}

/**
 * The lines of a message body: line breaks normalised (CRLF, lone CR, LF, NEL U+0085, vertical tab,
 * form feed, U+2028, U+2029 all end a line) and every other control character dropped (a tab stays).
 */
export function textLines(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) continue; // CRLF: the LF ends the line
    if (code === 0x0a || code === 0x0d || code === 0x0b || code === 0x0c || code === 0x85 || isUnicodeBreak(code)) {
      lines.push(line);
      line = '';
    } else if (code === 0x09 || !isControl(code)) {
      line += text[i];
    }
  }
  lines.push(line);
  return lines;
}

/// <reference lib="dom" />
// (evaluate callbacks run in the browser)
/**
 * The pseudo-locale checks (docs/i18n.md "The pseudo-locale"), for the workspace and the widget:
 * our text shows as "⟦Šíĝñ íñ···⟧", so visible text with plain Latin letters outside ⟦ ⟧ was not
 * translated, and a box too narrow for the longer text shows it clipped.
 */
import type { Frame, Page } from 'playwright-core';

type Where = Page | Frame;

/** Visible text (and names: aria-label, title, placeholder) with Latin letters that are not in the pseudo-locale. */
export function untranslated(where: Where, allowed: string[]): Promise<string[]> {
  return where.evaluate((allow) => {
    const strip = (s: string) => {
      let out = s;
      for (const a of allow) out = out.split(a).join(' ');
      // Inside ⟦ ⟧ is our text; Intl's English weekdays, months and AM/PM in the pseudo-locale are fine.
      out = out
        .replace(/⟦[^⟧]*⟧/g, ' ')
        .replace(
          /\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(day|sday|nesday|rsday|urday)?\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|\b(AM|PM|B|KB|MB)\b/g,
          ' ',
        );
      return out;
    };
    const bad = new Set<string>();
    const visible = (el: Element) => {
      const r = (el as HTMLElement).getClientRects?.();
      return !!r && r.length > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent ?? '';
      if (!el || el.closest('script,style,[hidden]') || !text.trim()) continue;
      if (!visible(el) && !el.closest('.sr-only')) continue;
      if (/[A-Za-z]/.test(strip(text))) bad.add(text.trim());
    }
    for (const el of Array.from(document.querySelectorAll('[aria-label],[title],[placeholder]'))) {
      for (const attr of ['aria-label', 'title', 'placeholder']) {
        const v = el.getAttribute(attr);
        if (v && /[A-Za-z]/.test(strip(v))) bad.add(`${attr}="${v}"`);
      }
    }
    if (/[A-Za-z]/.test(strip(document.title))) bad.add(`<title>${document.title}`);
    return [...bad];
  }, allowed);
}

/**
 * Text cut off: an element whose text overflows it while its overflow is hidden and it does not
 * say so with an ellipsis. With `containers` (the widget), stricter: an ellipsis counts as cut too
 * (except inside `mayTruncate`: a file name, whose full name is in the button's label), text
 * reaching out of an ancestor that hides its overflow (a label cut by its row) counts, an empty
 * text box's placeholder taller than the box counts, and every element with a text node of its own
 * is measured (the widget's `div.meta`).
 */
export function clipped(where: Where, opts: { containers?: boolean; mayTruncate?: string } = {}): Promise<string[]> {
  return where.evaluate(
    ({ containers, mayTruncate }) => {
      const out: string[] = [];
      const hides = (s: CSSStyleDeclaration) => s.overflowX === 'hidden' || s.overflowX === 'clip' || s.overflowY === 'hidden' || s.overflowY === 'clip';
      const candidates = new Set(Array.from(document.querySelectorAll<HTMLElement>('button, label, legend, h1, h2, h3, p, span, dt, dd, th, td, a')));
      if (containers) {
        for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
          if (Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim())) candidates.add(el);
        }
      }
      for (const el of candidates) {
        // Screen-reader-only text is clipped on purpose.
        if (!el.textContent?.trim() || el.getClientRects().length === 0 || el.closest('.sr-only,script,style,option,select,title')) continue;
        const s = getComputedStyle(el);
        if (s.textOverflow === 'ellipsis' && (!containers || (mayTruncate && el.closest(mayTruncate)))) continue;
        const what = el.textContent.trim().slice(0, 60);
        if (hides(s) && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
          out.push(what);
          continue;
        }
        if (!containers) continue;
        // The text's own box (a range over the element's contents) against every ancestor that hides its overflow.
        const range = document.createRange();
        range.selectNodeContents(el);
        const text = range.getBoundingClientRect();
        if (text.width === 0 && text.height === 0) continue;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
          const us = getComputedStyle(up);
          // Inside a scroller the text is reachable by scrolling.
          if ([us.overflowX, us.overflowY].some((o) => o === 'auto' || o === 'scroll')) break;
          if (!hides(us)) continue;
          const box = up.getBoundingClientRect();
          if (text.left < box.left - 1 || text.right > box.right + 1 || text.top < box.top - 1 || text.bottom > box.bottom + 1) {
            out.push(`${what} (cut by ${up.tagName.toLowerCase()}.${up.className})`);
            break;
          }
        }
      }
      if (containers) {
        // Chromium counts an empty text box's placeholder in its scrollHeight.
        for (const box of Array.from(document.querySelectorAll<HTMLTextAreaElement>('textarea[placeholder]'))) {
          if (!box.value && box.getClientRects().length > 0 && box.scrollHeight > box.clientHeight + 1) out.push(`placeholder="${box.placeholder}"`);
        }
      }
      return out;
    },
    { containers: Boolean(opts.containers), mayTruncate: opts.mayTruncate ?? '' },
  );
}

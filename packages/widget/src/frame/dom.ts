/** A few DOM helpers: element creation and keyed reconciliation of a list (no framework). */

type Attrs = Record<string, string | number | boolean | undefined | null | EventListener>;
type Child = Node | string | null | undefined | false;

/** `h('button', { type: 'button', onclick: fn }, 'Send')`. Text children are text nodes, never HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** An inline SVG icon from a path (decorative: hidden from assistive technology). */
export function icon(path: string, size = 20): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('fill', 'currentColor');
  p.setAttribute('d', path);
  svg.append(p);
  return svg;
}

export interface Keyed {
  key: string;
  /** When the signature changes, the element is made again. */
  sig: string;
  make(): HTMLElement;
}

/** Make `container`'s children match `items` in order, reusing elements whose key and signature are unchanged. */
export function reconcile(container: HTMLElement, items: readonly Keyed[]): void {
  const existing = new Map<string, HTMLElement>();
  for (const c of Array.from(container.children)) if (c instanceof HTMLElement && c.dataset.key) existing.set(c.dataset.key, c);
  let prev: Element | null = null;
  for (const item of items) {
    let el = existing.get(item.key);
    existing.delete(item.key);
    if (!el || el.dataset.sig !== item.sig) {
      const made = item.make();
      made.dataset.key = item.key;
      made.dataset.sig = item.sig;
      if (el) el.replaceWith(made);
      el = made;
    }
    const want: ChildNode | null = prev ? prev.nextSibling : container.firstChild;
    if (el !== want) container.insertBefore(el, want);
    prev = el;
  }
  for (const el of existing.values()) el.remove();
}

export const ICONS = {
  chat: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
  send: 'M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z',
  attach: 'M16.5 6.5v10.1a4.5 4.5 0 0 1-9 0V5.8a3 3 0 0 1 6 0v9.8a1.5 1.5 0 0 1-3 0V6.5H9v9.1a3 3 0 0 0 6 0V5.8a4.5 4.5 0 0 0-9 0v10.8a6 6 0 0 0 12 0V6.5z',
  close: 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z',
  file: 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm-1 7V3.5L18.5 9z',
  urgent: 'M12 2 1 21h22zm1 15h-2v-2h2zm0-4h-2V9h2z',
  download: 'M5 20h14v-2H5zm7-3 6-6h-4V4h-4v7H6z',
};

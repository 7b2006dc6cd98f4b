import { defaultRangeExtractor, type Range, useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';

/** Rows rendered beyond each edge of the visible part of a list. */
const OVERSCAN = 6;
/** Frames during which a row reached by the keyboard is kept in view while the rows around it measure. */
const REVEAL_FRAMES = 8;
/** Rows rendered while the list has no size (hidden, as at 400 px while a conversation is open). */
const UNSIZED = 20;

export interface VirtualRowsOptions {
  /** The ids of the rows, in list order. */
  ids: readonly string[];
  /** A row's height before it is measured (the default layout's row). */
  estimate: number;
  /** The selected row: kept rendered, scrolled into view when the selection changes. */
  selectedId: string | null;
}

/**
 * A virtualized `ul.rows` (the scroller itself): only the rows in view plus a few on each side are
 * in the DOM, absolutely placed at their measured offsets (rows may differ in height). The row
 * that holds the list's one tab stop (roving tabindex) and the selected row are always rendered,
 * wherever the sort moves them, so focus stays on a row that moves and Tab always reaches the
 * list. ↑/↓, Home/End move the focus through every row, rendered or not (the list scrolls to it).
 */
export function useVirtualRows<E extends HTMLElement>({ ids, estimate, selectedId }: VirtualRowsOptions) {
  const scrollRef = useRef<E>(null);
  /** The row that has (or last had) the focus: the list's tab stop while it is in the list. */
  const [cursorId, setCursorId] = useState<string | null>(null);
  const index = useMemo(() => new Map(ids.map((id, i) => [id, i])), [ids]);
  const focusId = (cursorId !== null && index.has(cursorId) ? cursorId : selectedId !== null && index.has(selectedId) ? selectedId : ids[0]) ?? null;
  const keepKey = [focusId, selectedId].map((id) => (id === null ? -1 : (index.get(id) ?? -1))).join(' ');
  // A new function when the rows to keep change: the virtualizer recomputes its indexes then.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const base = defaultRangeExtractor(range);
      const extra = keepKey
        .split(' ')
        .map(Number)
        .filter((i) => i >= 0 && i < range.count && !base.includes(i));
      return extra.length ? [...new Set([...base, ...extra])].sort((a, b) => a - b) : base;
    },
    [keepKey],
  );
  const getItemKey = useCallback((i: number) => ids[i] ?? i, [ids]);
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimate,
    overscan: OVERSCAN,
    getItemKey,
    rangeExtractor,
  });

  // The selected row comes into view when the selection changes (opened from a notification, an
  // offer, the keyboard), not when the sort moves it later.
  const shown = selectedId !== null && index.has(selectedId);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new selection (or its first appearance) scrolls
  useEffect(() => {
    const i = selectedId === null ? undefined : index.get(selectedId);
    if (i !== undefined) virtualizer.scrollToIndex(i, { align: 'auto' });
  }, [selectedId, shown]);

  /** A row to focus once it is rendered (after the scroll that brings it in). */
  const pending = useRef<string | null>(null);
  useLayoutEffect(() => {
    const id = pending.current;
    const button = id === null ? null : scrollRef.current?.querySelector<HTMLElement>(`[data-row="${CSS.escape(id)}"]`);
    if (!button) return;
    pending.current = null;
    button.focus({ preventScroll: true });
    // Rows measure as they mount, and those above may push it down: for a few frames, until it
    // has stayed in view for two, the whole row is brought back into view (a live re-sort later
    // may move it away: the focus stays on it, the list does not chase it).
    let frames = 0;
    let still = 0;
    const reveal = () => {
      const li = button.closest('li');
      const box = scrollRef.current?.getBoundingClientRect();
      if (!li?.isConnected || !box) return;
      const r = li.getBoundingClientRect();
      if (r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        still = 0;
        li.scrollIntoView({ block: 'nearest' });
      } else still++;
      if (still < 2 && ++frames < REVEAL_FRAMES) requestAnimationFrame(reveal);
    };
    reveal();
  });

  function onKeyDown(e: React.KeyboardEvent) {
    const from = (e.target as HTMLElement).closest<HTMLElement>('[data-row]')?.dataset.row;
    const i = from === undefined ? -1 : (index.get(from) ?? -1);
    if (i < 0) return;
    let n = i;
    if (e.key === 'ArrowDown') n = Math.min(ids.length - 1, i + 1);
    else if (e.key === 'ArrowUp') n = Math.max(0, i - 1);
    else if (e.key === 'Home') n = 0;
    else if (e.key === 'End') n = ids.length - 1;
    else return;
    e.preventDefault();
    const target = ids[n];
    if (target === undefined) return;
    pending.current = target;
    setCursorId(target);
    virtualizer.scrollToIndex(n, { align: 'auto' });
  }

  function onFocus(e: React.FocusEvent) {
    const id = (e.target as HTMLElement).closest<HTMLElement>('[data-row]')?.dataset.row;
    if (id !== undefined) setCursorId(id);
  }

  const virtual = virtualizer.getVirtualItems();
  // Without a size (display: none) the virtualizer has no range: the first rows and the kept ones
  // stay rendered, where they will be, so the list comes back as it was.
  const rows =
    virtual.length > 0 || ids.length === 0
      ? virtual.map(({ index, start }) => ({ index, start }))
      : rangeExtractor({ startIndex: 0, endIndex: Math.min(ids.length, UNSIZED) - 1, overscan: 0, count: ids.length }).map((i) => ({
          index: i,
          start: virtualizer.measurementsCache[i]?.start ?? i * estimate,
        }));

  return {
    scrollRef,
    virtualizer,
    /** The rows to render: their index in the list and their offset. */
    rows,
    /** The id of the row whose button is the list's tab stop. */
    focusId,
    /** Props for the `ul`: keyboard, focus tracking, and the height of every row (`--rows-size`). */
    listProps: {
      ref: scrollRef,
      onKeyDown,
      onFocus,
      style: { '--rows-size': `${virtualizer.getTotalSize()}px` } as React.CSSProperties,
    },
    /** How many rows the list has (each row's `aria-setsize`). */
    setSize: ids.length,
    /** The `li` ref of a rendered row: measures it (a stable function). */
    measure: virtualizer.measureElement as (el: HTMLLIElement | null) => void,
  };
}

/** Props for the `li` of a rendered row: measured, placed at its offset, numbered for screen readers ("3 of 200"). */
export function rowPlace(index: number, start: number, setSize: number, measure: (el: HTMLLIElement | null) => void) {
  return {
    ref: measure,
    'data-index': index,
    'aria-posinset': index + 1,
    'aria-setsize': setSize,
    style: { transform: `translateY(${start}px)` },
  };
}

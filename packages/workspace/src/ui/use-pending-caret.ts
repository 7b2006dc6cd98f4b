import { type RefObject, useLayoutEffect, useRef } from 'react';

/**
 * After the app rewrites a text box's value (a completed @mention, inserted predefined content),
 * `placeCaret(at)` puts the caret at `at` as soon as the new text is in the DOM, before the next
 * key is handled: a later frame would move it behind keys typed meanwhile.
 */
export function usePendingCaret(area: RefObject<HTMLTextAreaElement | null>): (at: number) => void {
  const pending = useRef<number | null>(null);
  useLayoutEffect(() => {
    const at = pending.current;
    if (at === null || !area.current) return;
    pending.current = null;
    area.current.focus();
    area.current.setSelectionRange(at, at);
  });
  return (at) => {
    pending.current = at;
  };
}

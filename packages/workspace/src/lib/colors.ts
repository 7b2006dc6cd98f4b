/**
 * Label colours: the swatches a manager picks from, and the text colour that stays readable on any
 * of them (WCAG 2 contrast: black or white, whichever contrasts more with the background).
 */

export const SWATCH_KEYS = ['red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'pink', 'brown', 'grey'] as const;
export type SwatchKey = (typeof SWATCH_KEYS)[number];

/** The console's swatches; each is named for a screen reader by its key (`console.labels.swatch.<key>`). */
export const SWATCHES: readonly { key: SwatchKey; color: string }[] = [
  { key: 'red', color: '#d93f3f' },
  { key: 'orange', color: '#f08c2e' },
  { key: 'yellow', color: '#f5d142' },
  { key: 'green', color: '#2e9e5b' },
  { key: 'teal', color: '#1f9aa6' },
  { key: 'blue', color: '#2f6fdb' },
  { key: 'purple', color: '#7e57c2' },
  { key: 'pink', color: '#d6589c' },
  { key: 'brown', color: '#8d6748' },
  { key: 'grey', color: '#7a8290' },
];

/** The swatch a colour is, or null for a custom colour. */
export function swatchOf(color: string): SwatchKey | null {
  return SWATCHES.find((s) => s.color === color.toLowerCase())?.key ?? null;
}

/** WCAG 2 relative luminance of `#rrggbb`. */
export function luminance(color: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(color.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The chip text for a label colour: black or white, whichever contrasts more (at least 4.5:1 on any colour but a few mid-greys). */
export function chipText(background: string): '#000000' | '#ffffff' {
  return contrast(background, '#000000') >= contrast(background, '#ffffff') ? '#000000' : '#ffffff';
}

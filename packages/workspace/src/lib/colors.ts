/**
 * Label colours: the swatches a manager picks from, and the text colour that stays readable on any
 * of them (WCAG 2 contrast: black or white, whichever contrasts more with the background).
 */
import { t } from '../i18n/index.js';

/** The console's swatches, each with the name a screen reader reads. */
const swatch = (key: 'red' | 'orange' | 'yellow' | 'green' | 'teal' | 'blue' | 'purple' | 'pink' | 'brown' | 'grey', color: string) => ({
  color,
  /** In the current language, on each read. */
  get name() {
    return t(`color.${key}`);
  },
});
export const SWATCHES: readonly { readonly name: string; color: string }[] = [
  swatch('red', '#d93f3f'),
  swatch('orange', '#f08c2e'),
  swatch('yellow', '#f5d142'),
  swatch('green', '#2e9e5b'),
  swatch('teal', '#1f9aa6'),
  swatch('blue', '#2f6fdb'),
  swatch('purple', '#7e57c2'),
  swatch('pink', '#d6589c'),
  swatch('brown', '#8d6748'),
  swatch('grey', '#7a8290'),
];

/** The swatch's name for a colour, or its hex code for a custom one. */
export function colorName(color: string): string {
  return SWATCHES.find((s) => s.color === color.toLowerCase())?.name ?? color.toLowerCase();
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

import { describe, expect, it } from 'vitest';
import { chipText, contrast, SWATCHES, swatchOf } from './colors.js';

describe('label colours', () => {
  it('contrast ratio follows WCAG 2: 21 for black on white, 1 for a colour on itself', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#2f6fdb', '#2f6fdb')).toBe(1);
  });

  it('chip text is white on dark colours and black on light ones', () => {
    expect(chipText('#000000')).toBe('#ffffff');
    expect(chipText('#ffffff')).toBe('#000000');
    expect(chipText('#f5d142')).toBe('#000000');
    expect(chipText('#1a237e')).toBe('#ffffff');
  });

  it('every swatch has its chip text at AA contrast (4.5:1) at least', () => {
    for (const s of SWATCHES) expect(contrast(s.color, chipText(s.color)), s.key).toBeGreaterThanOrEqual(4.5);
  });

  it('any colour gets the better of black and white: never below 4.5:1 (the worst case, a mid-grey, is about 4.58)', () => {
    for (let v = 0; v < 256; v += 5) {
      for (const hex of [
        `#${v.toString(16).padStart(2, '0').repeat(3)}`,
        `#${v.toString(16).padStart(2, '0')}8040`,
        `#40${v.toString(16).padStart(2, '0')}c0`,
      ]) {
        expect(contrast(hex, chipText(hex)), hex).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it('knows a swatch colour whatever its case, and none for a custom one', () => {
    expect(swatchOf('#2E9E5B')).toBe('green');
    expect(swatchOf('#123456')).toBeNull();
  });
});

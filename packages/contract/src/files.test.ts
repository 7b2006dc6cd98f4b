import { describe, expect, it } from 'vitest';
import { formatFileSize } from './files.js';

describe('formatFileSize', () => {
  it('says bytes below 1 KB as they are: the 193-byte PDF is "193 B" for agent and consumer alike', () => {
    expect(formatFileSize(193)).toBe('193 B');
    expect(formatFileSize(0)).toBe('0 B');
    expect(formatFileSize(1)).toBe('1 B');
    expect(formatFileSize(1023)).toBe('1023 B');
  });

  it('uses binary units, one decimal below 10, whole numbers from 10 on', () => {
    expect(formatFileSize(1024)).toBe('1.0 KB');
    expect(formatFileSize(1536)).toBe('1.5 KB');
    expect(formatFileSize(10 * 1024 - 1)).toBe('10 KB');
    expect(formatFileSize(12_345)).toBe('12 KB');
    expect(formatFileSize(1024 * 1024)).toBe('1.0 MB');
    expect(formatFileSize(3.25 * 1024 * 1024)).toBe('3.3 MB');
    expect(formatFileSize(25 * 1024 * 1024)).toBe('25 MB');
    expect(formatFileSize(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(formatFileSize(4096 * 1024 ** 3)).toBe('4096 GB');
  });

  it('never says 1024 of a unit: what rounds up moves to the next one', () => {
    expect(formatFileSize(1024 * 1024 - 1)).toBe('1.0 MB');
    expect(formatFileSize(1023.6 * 1024)).toBe('1.0 MB');
    expect(formatFileSize(1023.4 * 1024)).toBe('1023 KB');
    expect(formatFileSize(9.96 * 1024)).toBe('10 KB');
  });

  it('reads nonsense as 0 B and rounds fractions of a byte', () => {
    expect(formatFileSize(-5)).toBe('0 B');
    expect(formatFileSize(Number.NaN)).toBe('0 B');
    expect(formatFileSize(Number.POSITIVE_INFINITY)).toBe('0 B');
    expect(formatFileSize(192.6)).toBe('193 B');
  });
});

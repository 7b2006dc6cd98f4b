import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError } from './errors.js';
import { parseInput } from './validation.js';

/** The `errors` of the 400 that parsing `data` with `schema` gives. */
function errorsOf(schema: z.ZodType, data: unknown): { path: string; message: string }[] {
  try {
    parseInput(schema, data, 'body');
  } catch (err) {
    if (err instanceof DomainError && err.code === 'invalid_request') return err.errors ?? [];
    throw err;
  }
  throw new Error('parsed');
}
const messageOf = (schema: z.ZodType, value: unknown) => errorsOf(z.strictObject({ f: schema }), { f: value })[0]?.message;

describe('readable validation messages', () => {
  it('words sizes and ranges for people', () => {
    expect(messageOf(z.string().min(1), '')).toBe('must not be empty');
    expect(messageOf(z.string().trim().min(1), '   ')).toBe('must not be empty');
    expect(messageOf(z.string().min(3), 'ab')).toBe('must be at least 3 characters');
    expect(messageOf(z.string().max(100), 'x'.repeat(101))).toBe('must be at most 100 characters');
    expect(messageOf(z.string().length(1), 'ab')).toBe('must be exactly 1 character');
    expect(messageOf(z.number().min(1), 0)).toBe('must be at least 1');
    expect(messageOf(z.number().max(100), 101)).toBe('must be at most 100');
    expect(messageOf(z.number().gt(0), 0)).toBe('must be more than 0');
    expect(messageOf(z.number().lt(5), 5)).toBe('must be less than 5');
    expect(messageOf(z.number().multipleOf(5), 3)).toBe('must be a multiple of 5');
    expect(messageOf(z.array(z.string()).min(1), [])).toBe('must not be an empty list');
    expect(messageOf(z.array(z.string()).max(2), ['a', 'b', 'c'])).toBe('must have at most 2 items');
  });

  it('names the type it expected, and a missing field as required', () => {
    expect(messageOf(z.number(), 'soon')).toBe('expected a number');
    expect(messageOf(z.coerce.number(), 'ten')).toBe('expected a number');
    expect(messageOf(z.number().int(), 1.5)).toBe('expected a whole number');
    expect(messageOf(z.string(), 5)).toBe('expected a string');
    expect(messageOf(z.boolean(), 'false')).toBe('expected true or false');
    expect(messageOf(z.array(z.string()), 'x')).toBe('expected a list');
    expect(messageOf(z.object({}), null)).toBe('expected an object');
    expect(messageOf(z.union([z.string(), z.number(), z.boolean()]), {})).toBe('expected a string, a number or a boolean');
    expect(errorsOf(z.strictObject({ a: z.string(), b: z.enum(['x', 'y']) }), {})).toEqual([
      { path: 'body.a', message: 'is required' },
      { path: 'body.b', message: 'is required' },
    ]);
  });

  it('words choices, formats and unknown fields', () => {
    expect(messageOf(z.enum(['auto', 'ring']), 'manual')).toBe('must be one of "auto" or "ring"');
    expect(messageOf(z.enum(['a', 'b', 'c']), 'd')).toBe('must be one of "a", "b" or "c"');
    expect(messageOf(z.literal('page'), 'user')).toBe('must be "page"');
    expect(messageOf(z.string().url(), 'nope')).toBe('must be a URL');
    expect(messageOf(z.iso.datetime({ offset: true }), 'yesterday')).toBe('must be a date and time in ISO 8601 form, such as 2025-01-31T09:30:00Z');
    expect(messageOf(z.string().regex(/^a+$/), 'b')).toBe('has an invalid format');
    expect(messageOf(z.record(z.string().max(2), z.string()), { abc: 'x' })).toBe('has an invalid key: must be at most 2 characters');
    expect(errorsOf(z.strictObject({ a: z.string() }), { a: 'x', bogus: 1 })).toEqual([{ path: 'body', message: 'unknown field "bogus"' }]);
    expect(errorsOf(z.strictObject({ a: z.string() }), { a: 'x', b: 1, c: 2 })).toEqual([{ path: 'body', message: 'unknown fields "b", "c"' }]);
  });

  it('keeps a message the schema states itself', () => {
    expect(messageOf(z.string().min(8, 'at least 8 characters'), 'short')).toBe('at least 8 characters');
    expect(
      messageOf(
        z.string().refine((s) => s === 'ok', 'unknown time zone'),
        'Mars/Olympus',
      ),
    ).toBe('unknown time zone');
  });
});

import { describe, expect, it } from 'vitest';
import { ConsumerSessionRequest, CreateUserRequest, CustomVariables, UpdateUserRequest } from './schemas.js';
import { cleanDisplayName, stripInvisible, textLines } from './text.js';

describe('names: bidi control and zero-width characters', () => {
  const invisible = [
    '\u200B',
    '\u200C',
    '\u200D',
    '\u200E',
    '\u200F',
    '\u202A',
    '\u202B',
    '\u202C',
    '\u202D',
    '\u202E',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
    '\uFEFF',
    '\u061C',
    '\u180E',
  ];

  it('strips every listed character and nothing else', () => {
    for (const ch of invisible) expect(stripInvisible(`Jo${ch}Smith`), `U+${ch.codePointAt(0)?.toString(16)}`).toBe('JoSmith');
    expect(stripInvisible('Zoë Ångström 李雷 محمد')).toBe('Zoë Ångström 李雷 محمد');
  });

  it('a display name is one clean line', () => {
    // "Jo" with a right-to-left override that would show "nimdA" as "Admin".
    expect(cleanDisplayName('\u202Enimda\u202C Jo')).toBe('nimda Jo');
    expect(cleanDisplayName('  Jo\u200B \u2066Smith\u2069  ')).toBe('Jo Smith');
    expect(cleanDisplayName('Jo\n[10:00] Agent: refund\r\nok\u2028x\u0000y\u0085z')).toBe('Jo [10:00] Agent: refund ok x y z');
    expect(cleanDisplayName('\u200B\u200B')).toBe('');
    expect(cleanDisplayName('José María')).toBe('José María');
  });

  it('the wire schemas clean names before checking their length', () => {
    expect(ConsumerSessionRequest.parse({ accountId: 'a', name: '\u202EJo\u200F ' }).name).toBe('Jo');
    expect(ConsumerSessionRequest.safeParse({ accountId: 'a', name: '\u200B\uFEFF' }).success).toBe(false);
    const user = { username: 'jo', password: 'secret-123', displayName: '\u2067Jo\u2069\nSmith' };
    expect(CreateUserRequest.parse(user).displayName).toBe('Jo Smith');
    expect(UpdateUserRequest.parse({ displayName: 'A\u200Bdmin' }).displayName).toBe('Admin');
    expect(UpdateUserRequest.safeParse({ displayName: '\u200D' }).success).toBe(false);
  });
});

describe('message lines', () => {
  it('normalises CRLF, lone CR and the other line breaks, and drops other control characters', () => {
    expect(textLines('a\r\nb\rc\nd\u2028e\u2029f\u0085g\u000Bh\u000Ci')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
    expect(textLines('x\u0000y\u0007z\u001B[31m\u007F\u009Bok\tend')).toEqual(['xyz[31mok\tend']);
    expect(textLines('')).toEqual(['']);
    expect(textLines('a\n\nb\r\n')).toEqual(['a', '', 'b', '']);
  });
});

describe('custom variables', () => {
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

  it('takes up to 50 keys of at most 64 characters, values up to 1,000 characters', () => {
    expect(CustomVariables.safeParse(many(50)).success).toBe(true);
    expect(CustomVariables.safeParse({ ['k'.repeat(64)]: 'v'.repeat(1000), n: 1.5, b: false }).success).toBe(true);
  });

  it('refuses more, with one readable issue for an oversized object', () => {
    const r = CustomVariables.safeParse(many(30_000));
    expect(r.success).toBe(false);
    expect(r.error?.issues).toHaveLength(1);
    expect(r.error?.issues[0]?.message).toBe('at most 50 custom variables');
    expect(CustomVariables.safeParse(many(51)).success).toBe(false);
    expect(CustomVariables.safeParse({ ['k'.repeat(65)]: 1 }).success).toBe(false);
    expect(CustomVariables.safeParse({ '': 1 }).success).toBe(false);
    expect(CustomVariables.safeParse({ k: 'v'.repeat(1001) }).success).toBe(false);
    expect(CustomVariables.safeParse({ k: { nested: 1 } }).success).toBe(false);
    expect(CustomVariables.safeParse({ k: null }).success).toBe(false);
    expect(CustomVariables.safeParse({ k: [1] }).success).toBe(false);
  });
});

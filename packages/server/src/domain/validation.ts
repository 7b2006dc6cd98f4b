import type { ZodType, z } from 'zod';
import { invalidFields } from './errors.js';

/**
 * Input validation with messages for people, for every edge that parses input (route schemas,
 * channel webhooks, upload forms): the console shows them next to the fields ("must not be
 * empty", "must be at least 1", "unknown field \"bogus\""), so zod's own wording ("Too small:
 * expected string to have >=1 characters") never reaches the API. A message a schema
 * states itself (`.min(8, 'at least 8 characters')`, a refine's text) wins over these.
 */

type Issue = z.core.$ZodRawIssue;

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  tuple: 'a list',
  null: 'null',
  date: 'a date',
};

const FORMAT_NAMES: Record<string, string> = {
  url: 'a URL',
  email: 'an email address',
  datetime: 'a date and time in ISO 8601 form, such as 2025-01-31T09:30:00Z',
  date: 'a date in ISO 8601 form, such as 2025-01-31',
  time: 'a time in ISO 8601 form, such as 09:30:00',
  uuid: 'a UUID',
};

const typeName = (t: string) => TYPE_NAMES[t] ?? `a ${t}`;
const quoted = (v: unknown) => (typeof v === 'string' ? `"${v}"` : String(v));
const list = (xs: readonly string[]) => (xs.length < 2 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`);
const UNITS: Record<string, [one: string, many: string]> = {
  string: ['character', 'characters'],
  array: ['item', 'items'],
  set: ['item', 'items'],
  map: ['entry', 'entries'],
  file: ['byte', 'bytes'],
};
/** "must be at least 1", "must be at most 100 characters", "must have at least 2 items". */
const bound = (origin: string, n: number | bigint, how: string) => {
  const unit = UNITS[origin];
  if (!unit) return `must be ${how} ${n}`;
  return `must ${origin === 'string' ? 'be' : 'have'} ${how} ${n} ${Number(n) === 1 ? unit[0] : unit[1]}`;
};

/** zod's error map: a readable message for every issue kind zod raises. */
export function readableIssue(issue: Issue): string {
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${typeName(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      if (issue.origin === 'array' && Number(issue.minimum) === 1) return 'must not be an empty list';
      return bound(issue.origin, issue.minimum, issue.exact ? 'exactly' : issue.inclusive === false ? 'more than' : 'at least');
    case 'too_big':
      return bound(issue.origin, issue.maximum, issue.exact ? 'exactly' : issue.inclusive === false ? 'less than' : 'at most');
    case 'invalid_format':
      if (issue.format === 'regex') return 'has an invalid format';
      if (issue.format === 'starts_with') return `must start with "${(issue as { prefix?: string }).prefix}"`;
      if (issue.format === 'ends_with') return `must end with "${(issue as { suffix?: string }).suffix}"`;
      if (issue.format === 'includes') return `must contain "${(issue as { includes?: string }).includes}"`;
      return `must be ${FORMAT_NAMES[issue.format] ?? `a valid ${issue.format}`}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(quoted).join(', ')}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${quoted(issue.values[0])}` : `must be one of ${list(issue.values.map(quoted))}`;
    case 'invalid_union': {
      // A union of plain types (a custom variable is a string, a number or a boolean): name them.
      const expected = issue.errors.map((alt) =>
        alt.length === 1 && alt[0]?.code === 'invalid_type' && alt[0].path.length === 0 ? alt[0].expected : undefined,
      );
      const name = (t: string) => (t === 'boolean' ? 'a boolean' : typeName(t));
      if (expected.length > 0 && expected.every((e) => e !== undefined)) return `expected ${list([...new Set(expected)].map(name))}`;
      return 'does not match any of the accepted forms';
    }
    case 'invalid_key':
      return `has an invalid key: ${issue.issues.map((i) => i.message).join('; ')}`;
    case 'invalid_element':
      return 'has an invalid value';
    default:
      return 'is invalid';
  }
}

/** Parses with the readable messages; a failure is a 400 naming each field under `where` (`body`, `querystring`, `params`). */
export function parseInput<T extends ZodType>(schema: T, data: unknown, where: string): z.output<T> {
  const r = schema.safeParse(data, { error: readableIssue });
  if (!r.success) throw invalidFields(where, r.error.issues);
  return r.data;
}

import { z } from 'zod';

/**
 * The one pagination helper of the API (API.md: every list takes `?limit=` (1–200) and an opaque
 * `cursor`, and answers `{ items, nextCursor }`, `nextCursor` null at the end).
 *
 * - `pageQuery(position)` — the querystring fragment: `limit` and `cursor`, the cursor decoded and
 *   checked against the list's position shape, so a forged or foreign cursor is a 400 validation
 *   problem at `querystring.cursor` before the handler runs (and never reaches SQL).
 * - `Page(item)` — the response envelope schema.
 * - `keysetPage(rows, limit, keyOf)` — the answer of a keyset-paginated list: fetch `limit + 1` rows
 *   after the cursor's position; the extra row only says that there is more.
 * - `offsetPage(all, limit, offset)` — for small lists computed in memory (the Active list, sorted by
 *   SLA; the hours of a day): the cursor is the offset into the sorted list.
 *
 * A cursor is base64url of the JSON of the keyset position (the sort key of the last item sent).
 */

export const MAX_PAGE_LIMIT = 200;

/** Parts a position is made of: bounded strings (no NUL: PostgreSQL text refuses it) and safe integers. */
export const cursorPart = {
  string: z
    .string()
    .max(500)
    .refine((s) => !s.includes('\u0000')),
  int: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
};

/** The position of an offset-paginated list: how many items came before. */
export const OffsetPosition = z.tuple([z.number().int().min(0).max(1_000_000)]);
export type OffsetPosition = z.infer<typeof OffsetPosition>;

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The position a cursor holds, or undefined when it is not one of this list's cursors. */
export function decodeCursor<P>(cursor: string, position: z.ZodType<P>): P | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(cursor)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const r = position.safeParse(json);
  return r.success ? r.data : undefined;
}

export interface PageQueryOptions {
  /** The limit when none is given; lists that used to be answered whole default to the maximum. */
  defaultLimit?: number;
}

/** The `limit` and `cursor` querystring fields of a list whose cursor holds a `position`; spread into the route's querystring object. */
export function pageQuery<P>(position: z.ZodType<P>, opts: PageQueryOptions = {}) {
  const defaultLimit = opts.defaultLimit ?? MAX_PAGE_LIMIT;
  return {
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(defaultLimit).describe(`items per page, 1–${MAX_PAGE_LIMIT} (default ${defaultLimit})`),
    cursor: z
      .string()
      .max(2000)
      .transform((s, ctx): P => {
        const p = decodeCursor(s, position);
        if (p === undefined) {
          ctx.addIssue({ code: 'custom', message: 'is not a cursor of this list (pass nextCursor as it was given)' });
          return z.NEVER;
        }
        return p;
      })
      .optional()
      .describe('nextCursor of the previous page; omit for the first page'),
  };
}

/** The response envelope of every list (the contract's, shared with the typed client). */
export { Page } from '@parley/contract';

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

/** A keyset page from up to `limit + 1` rows read after the cursor's position; `map` turns a row into the item sent. */
export function keysetPage<R, P, T = R>(rows: readonly R[], limit: number, keyOf: (row: R) => P, map?: (row: R) => T): PageOf<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: map ? page.map(map) : (page as unknown as T[]),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}

/** A page of a list computed whole and sorted in memory; the cursor is the offset of the next item. */
export function offsetPage<T>(all: readonly T[], limit: number, after: OffsetPosition | undefined): PageOf<T> {
  const start = after?.[0] ?? 0;
  const end = start + limit;
  return { items: all.slice(start, end), nextCursor: end < all.length ? encodeCursor([end] satisfies OffsetPosition) : null };
}

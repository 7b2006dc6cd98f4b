import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';

/**
 * Case-insensitive "contains" over some columns, the one text search of the lists (content, skills,
 * users, the All tab). The query's own `%`, `_` and `\` are escaped, so they match themselves
 * (searching for `50%` or `__init` finds those), on SQLite and PostgreSQL alike (`LIKE … ESCAPE`).
 * Returns undefined for a blank query: no filter.
 */
export function containsText<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  columns: readonly string[],
  query: string | undefined,
): Expression<SqlBool> | undefined {
  const needle = query?.trim().toLowerCase();
  if (!needle) return undefined;
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return eb.or(columns.map((c) => sql<SqlBool>`lower(${sql.ref(c)}) like ${pattern} escape '\\'`));
}

/**
 * JSON text (an event's or a notification's `data`) that names one of these ids: `column LIKE
 * '%<id>%'` for each. Ids are made by the server; `%`, `_` and `\` are dropped from them, so an id
 * never widens the match.
 */
export function mentionsAnyId<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, column: string, ids: readonly string[]): Expression<SqlBool> {
  return eb.or(ids.map((id) => sql<SqlBool>`${sql.ref(column)} like ${`%${id.replace(/[\\%_]/g, '')}%`}`));
}

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

import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';

/** One column of a sort key: the column (`table.column` or `column`), its direction, and the value of the last row sent. */
export interface KeyPart {
  column: string;
  direction: 'asc' | 'desc';
  value: string | number;
}

/**
 * Keyset pagination in SQL: the rows that come after a position in the order of `parts`
 * (`ORDER BY a, b, c` with the same directions), as
 * `a ⋛ va OR (a = va AND (b ⋛ vb OR (b = vb AND c ⋛ vc)))` — portable (no row-value comparison,
 * which SQLite and PostgreSQL order alike only when every direction is the same), and index-friendly
 * on the leading column. The last part must make the order total (an id).
 */
export function afterPosition<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, parts: readonly KeyPart[]): Expression<SqlBool> {
  const [head, ...rest] = parts;
  if (!head) throw new Error('afterPosition: an empty sort key');
  const beyond = sql<SqlBool>`${sql.ref(head.column)} ${sql.raw(head.direction === 'asc' ? '>' : '<')} ${head.value}`;
  if (rest.length === 0) return beyond;
  return eb.or([beyond, eb.and([sql<SqlBool>`${sql.ref(head.column)} = ${head.value}`, afterPosition(eb, rest)])]);
}

import type { Tx } from '../db.js';
import { afterPosition } from '../keyset.js';

/**
 * The storage of a manager-defined named list (dispositions, labels, status reasons): rows of an
 * account with a unique name among those not deleted, deleted softly (past wrap-ups, logs and
 * reports keep naming what was chosen then), listed by name then id. Each list adds its own
 * columns (a label's colour, a reason's status) through `extra`.
 */
export interface NamedRecord {
  id: string;
  accountId: string;
  name: string;
  deleted: boolean;
  createdAt: number;
}

/** The tables of named lists: every one has the columns of `NamedRow`. */
export type NamedTable = 'dispositions' | 'labels' | 'status_reasons';

interface NamedRow {
  id: string;
  account_id: string;
  name: string;
  deleted: number;
  created_at: number;
}

export interface NamedListRepo<R extends NamedRecord> {
  insert(tx: Tx, r: R): Promise<void>;
  /** A row that is not deleted. */
  find(tx: Tx, accountId: string, id: string): Promise<R | undefined>;
  /** The row not deleted with this name. */
  findByName(tx: Tx, accountId: string, name: string): Promise<R | undefined>;
  /** The account's rows by name (then id), up to `limit` after the position `[name, id]`. */
  list(tx: Tx, accountId: string, page: { after?: readonly [string, string] | undefined; limit: number }): Promise<R[]>;
  /** Rows by id, deleted ones too. */
  findByIds(tx: Tx, accountId: string, ids: readonly string[]): Promise<R[]>;
  /** Every row of the account, deleted ones too. */
  listAll(tx: Tx, accountId: string): Promise<R[]>;
  /** Saves the name, the extra columns and the deleted flag. */
  update(tx: Tx, r: R): Promise<void>;
}

/**
 * The repository of one named list. `extra` maps the list's own columns: `fromRow` reads them
 * (the record's other fields), `toRow` writes them.
 */
export function namedListRepo<R extends NamedRecord>(
  table: NamedTable,
  extra: { fromRow: (row: Record<string, unknown>) => Omit<R, keyof NamedRecord>; toRow: (r: R) => Record<string, unknown> },
): NamedListRepo<R> {
  // The query builder is typed for the columns every named list has (the dispositions table has
  // exactly those); a list's extra columns go through `extra`.
  const t = table as 'dispositions';
  const toRecord = (row: NamedRow): R =>
    ({
      id: row.id,
      accountId: row.account_id,
      name: row.name,
      deleted: row.deleted === 1,
      createdAt: row.created_at,
      ...extra.fromRow(row as unknown as Record<string, unknown>),
    }) as R;
  const select = (tx: Tx, accountId: string) => tx.selectFrom(t).selectAll().where('account_id', '=', accountId);
  return {
    async insert(tx, r) {
      await tx
        .insertInto(t)
        .values({ id: r.id, account_id: r.accountId, name: r.name, deleted: r.deleted ? 1 : 0, created_at: r.createdAt, ...extra.toRow(r) })
        .execute();
    },
    async find(tx, accountId, id) {
      const r = await select(tx, accountId).where('id', '=', id).where('deleted', '=', 0).executeTakeFirst();
      return r ? toRecord(r) : undefined;
    },
    async findByName(tx, accountId, name) {
      const r = await select(tx, accountId).where('name', '=', name).where('deleted', '=', 0).executeTakeFirst();
      return r ? toRecord(r) : undefined;
    },
    async list(tx, accountId, page) {
      let q = select(tx, accountId).where('deleted', '=', 0);
      const after = page.after;
      if (after) {
        q = q.where((eb) =>
          afterPosition(eb, [
            { column: 'name', direction: 'asc', value: after[0] },
            { column: 'id', direction: 'asc', value: after[1] },
          ]),
        );
      }
      return (await q.orderBy('name').orderBy('id').limit(page.limit).execute()).map(toRecord);
    },
    async findByIds(tx, accountId, ids) {
      if (ids.length === 0) return [];
      return (
        await select(tx, accountId)
          .where('id', 'in', [...ids])
          .execute()
      ).map(toRecord);
    },
    async listAll(tx, accountId) {
      return (await select(tx, accountId).execute()).map(toRecord);
    },
    async update(tx, r) {
      await tx
        .updateTable(t)
        .set({ name: r.name, deleted: r.deleted ? 1 : 0, ...extra.toRow(r) })
        .where('account_id', '=', r.accountId)
        .where('id', '=', r.id)
        .execute();
    },
  };
}

import type { QuickReply } from '@parley/contract';
import type { Tx } from '../db.js';
import { afterPosition } from '../keyset.js';
import { containsText } from '../text-search.js';
import { parseJson } from './json.js';

/** A category of predefined content. */
export interface CategoryRecord {
  id: string;
  name: string;
  position: number;
}

/** One piece of predefined content (a canned answer). */
export interface ContentRecord {
  id: string;
  categoryId: string | null;
  title: string;
  text: string;
  quickReplies: QuickReply[] | null;
  position: number;
  updatedAt: number;
}

type ContentRow = {
  id: string;
  category_id: string | null;
  title: string;
  text: string;
  quick_replies: string | null;
  position: number;
  updated_at: number;
};
const CONTENT_COLUMNS = ['id', 'category_id', 'title', 'text', 'quick_replies', 'position', 'updated_at'] as const;
const toContent = (r: ContentRow): ContentRecord => ({
  id: r.id,
  categoryId: r.category_id,
  title: r.title,
  text: r.text,
  quickReplies: parseJson(r.quick_replies, null),
  position: r.position,
  updatedAt: r.updated_at,
});

export async function categoryExists(tx: Tx, accountId: string, id: string): Promise<boolean> {
  const c = await tx.selectFrom('content_categories').select('id').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return c !== undefined;
}

/** Categories by position, name and id; up to `page.limit` after the position `[position, name, id]`. */
export async function listCategories(tx: Tx, accountId: string, page: { after?: readonly [number, string, string] | undefined; limit: number }) {
  let q = tx.selectFrom('content_categories').select(['id', 'name', 'position']).where('account_id', '=', accountId);
  const after = page.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'position', direction: 'asc', value: after[0] },
        { column: 'name', direction: 'asc', value: after[1] },
        { column: 'id', direction: 'asc', value: after[2] },
      ]),
    );
  }
  return q.orderBy('position').orderBy('name').orderBy('id').limit(page.limit).execute();
}

/** The position after the account's last category (0 for the first). */
export async function nextCategoryPosition(tx: Tx, accountId: string): Promise<number> {
  const max = await tx
    .selectFrom('content_categories')
    .select((eb) => eb.fn.max('position').as('p'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(max?.p ?? -1) + 1;
}

export async function insertCategory(tx: Tx, accountId: string, c: CategoryRecord, createdAt: number): Promise<void> {
  await tx.insertInto('content_categories').values({ id: c.id, account_id: accountId, name: c.name, position: c.position, created_at: createdAt }).execute();
}

export async function findCategory(tx: Tx, accountId: string, id: string): Promise<CategoryRecord | undefined> {
  return tx.selectFrom('content_categories').select(['id', 'name', 'position']).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function updateCategory(tx: Tx, accountId: string, c: CategoryRecord): Promise<void> {
  await tx.updateTable('content_categories').set({ name: c.name, position: c.position }).where('account_id', '=', accountId).where('id', '=', c.id).execute();
}

/** Deletes a category; its content stays, without a category. False when there was no such category. */
export async function deleteCategory(tx: Tx, accountId: string, id: string): Promise<boolean> {
  const r = await tx.deleteFrom('content_categories').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (Number(r.numDeletedRows) !== 1) return false;
  await tx.updateTable('content').set({ category_id: null }).where('account_id', '=', accountId).where('category_id', '=', id).execute();
  return true;
}

/** Predefined content by position, title and id, `q` matching title or text (never category names); up to `page.limit` after `[position, title, id]`. */
export async function listContent(
  tx: Tx,
  accountId: string,
  q: string | undefined,
  page: { after?: readonly [number, string, string] | undefined; limit: number },
): Promise<ContentRecord[]> {
  let query = tx.selectFrom('content').select(CONTENT_COLUMNS).where('account_id', '=', accountId);
  if (q?.trim()) query = query.where((eb) => containsText(eb, ['title', 'text'], q) ?? eb.val(true));
  const after = page.after;
  if (after) {
    query = query.where((eb) =>
      afterPosition(eb, [
        { column: 'position', direction: 'asc', value: after[0] },
        { column: 'title', direction: 'asc', value: after[1] },
        { column: 'id', direction: 'asc', value: after[2] },
      ]),
    );
  }
  const rows = await query.orderBy('position').orderBy('title').orderBy('id').limit(page.limit).execute();
  return rows.map(toContent);
}

/** The position after the account's last piece of content (0 for the first). */
export async function nextContentPosition(tx: Tx, accountId: string): Promise<number> {
  const max = await tx
    .selectFrom('content')
    .select((eb) => eb.fn.max('position').as('p'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(max?.p ?? -1) + 1;
}

export async function insertContent(tx: Tx, accountId: string, c: ContentRecord, createdAt: number): Promise<void> {
  await tx
    .insertInto('content')
    .values({
      id: c.id,
      account_id: accountId,
      category_id: c.categoryId,
      title: c.title,
      text: c.text,
      quick_replies: c.quickReplies?.length ? JSON.stringify(c.quickReplies) : null,
      position: c.position,
      created_at: createdAt,
      updated_at: c.updatedAt,
    })
    .execute();
}

export async function findContent(tx: Tx, accountId: string, id: string): Promise<ContentRecord | undefined> {
  const r = await tx.selectFrom('content').select(CONTENT_COLUMNS).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return r && toContent(r);
}

export async function updateContent(tx: Tx, accountId: string, c: ContentRecord): Promise<void> {
  await tx
    .updateTable('content')
    .set({
      category_id: c.categoryId,
      title: c.title,
      text: c.text,
      quick_replies: c.quickReplies?.length ? JSON.stringify(c.quickReplies) : null,
      position: c.position,
      updated_at: c.updatedAt,
    })
    .where('account_id', '=', accountId)
    .where('id', '=', c.id)
    .execute();
}

/** False when there was no such content. */
export async function deleteContent(tx: Tx, accountId: string, id: string): Promise<boolean> {
  const r = await tx.deleteFrom('content').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** All of an account's content (up to `limit`) with its category's name: what suggestions rank. */
export async function listAllContentWithCategory(tx: Tx, accountId: string, limit: number): Promise<(ContentRecord & { categoryName: string | null })[]> {
  const rows = await tx
    .selectFrom('content')
    .leftJoin('content_categories', (j) => j.onRef('content_categories.id', '=', 'content.category_id').on('content_categories.account_id', '=', accountId))
    .select(CONTENT_COLUMNS.map((c) => `content.${c}` as const))
    .select('content_categories.name as category_name')
    .where('content.account_id', '=', accountId)
    .orderBy('content.position')
    .orderBy('content.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...toContent(r), categoryName: r.category_name }));
}

import type { ContentItem } from '@parley/contract';
import { invalid, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Tx } from '../storage/db.js';
import { afterPosition } from '../storage/keyset.js';
import { containsText } from '../storage/text-search.js';
import { type Actor, changes, recordAudit, SYSTEM_ACTOR } from './audit.service.js';
import type { Deps } from './context.js';

type ContentRow = { id: string; category_id: string | null; title: string; text: string; position: number; updated_at: number };
const toItem = (r: ContentRow): ContentItem => ({
  id: r.id,
  categoryId: r.category_id,
  title: r.title,
  text: r.text,
  position: r.position,
  updatedAt: new Date(r.updated_at).toISOString(),
});

async function assertCategory(tx: Tx, accountId: string, categoryId: string | null | undefined): Promise<void> {
  if (!categoryId) return;
  const c = await tx.selectFrom('content_categories').select('id').where('account_id', '=', accountId).where('id', '=', categoryId).executeTakeFirst();
  if (!c) throw invalid('unknown category', 'categoryId');
}

/** Categories by position, name and id; up to `page.limit` after the position `[position, name, id]`. */
export async function listCategories(deps: Deps, accountId: string, page: { after?: readonly [number, string, string] | undefined; limit: number }) {
  let q = deps.db.kysely.selectFrom('content_categories').select(['id', 'name', 'position']).where('account_id', '=', accountId);
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

export async function createCategory(deps: Deps, accountId: string, input: { name: string; position?: number | undefined }, actor: Actor = SYSTEM_ACTOR) {
  return deps.db.transaction(async (tx) => {
    const max = await tx
      .selectFrom('content_categories')
      .select((eb) => eb.fn.max('position').as('p'))
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    const row = { id: newId(), account_id: accountId, name: input.name, position: input.position ?? Number(max?.p ?? -1) + 1, created_at: deps.clock.now() };
    await tx.insertInto('content_categories').values(row).execute();
    const category = { id: row.id, name: row.name, position: row.position };
    await recordAudit(tx, row.created_at, {
      accountId,
      ...actor,
      action: 'content_category.created',
      targetType: 'content_category',
      targetId: row.id,
      details: { name: row.name, position: row.position },
    });
    return category;
  });
}

export async function updateCategory(
  deps: Deps,
  accountId: string,
  id: string,
  patch: { name?: string | undefined; position?: number | undefined },
  actor: Actor = SYSTEM_ACTOR,
) {
  return deps.db.transaction(async (tx) => {
    const r = await tx
      .selectFrom('content_categories')
      .select(['id', 'name', 'position'])
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) throw notFound('category');
    const next = { ...r, ...(patch.name !== undefined && { name: patch.name }), ...(patch.position !== undefined && { position: patch.position }) };
    await tx
      .updateTable('content_categories')
      .set({ name: next.name, position: next.position })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'content_category.updated',
      targetType: 'content_category',
      targetId: id,
      details: changes(r, next),
    });
    return next;
  });
}

export async function deleteCategory(deps: Deps, accountId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const r = await tx.deleteFrom('content_categories').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) throw notFound('category');
    await recordAudit(tx, deps.clock.now(), { accountId, ...actor, action: 'content_category.deleted', targetType: 'content_category', targetId: id });
    await tx.updateTable('content').set({ category_id: null }).where('account_id', '=', accountId).where('category_id', '=', id).execute();
  });
}

/** Predefined content, in the manager's order; `q` matches title and text (never category names). */
/** Predefined content by position, title and id, `q` matching title or text; up to `page.limit` after the position `[position, title, id]`. */
export async function listContent(
  deps: Deps,
  accountId: string,
  q: string | undefined,
  page: { after?: readonly [number, string, string] | undefined; limit: number },
): Promise<ContentItem[]> {
  let query = deps.db.kysely.selectFrom('content').select(['id', 'category_id', 'title', 'text', 'position', 'updated_at']).where('account_id', '=', accountId);
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
  return rows.map(toItem);
}

export async function createContent(
  deps: Deps,
  accountId: string,
  input: { categoryId?: string | null | undefined; title: string; text: string; position?: number | undefined },
  actor: Actor = SYSTEM_ACTOR,
) {
  return deps.db.transaction(async (tx) => {
    await assertCategory(tx, accountId, input.categoryId);
    const max = await tx
      .selectFrom('content')
      .select((eb) => eb.fn.max('position').as('p'))
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    const now = deps.clock.now();
    const row = {
      id: newId(),
      account_id: accountId,
      category_id: input.categoryId ?? null,
      title: input.title,
      text: input.text,
      position: input.position ?? Number(max?.p ?? -1) + 1,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('content').values(row).execute();
    const item = toItem(row);
    await recordAudit(tx, now, {
      accountId,
      ...actor,
      action: 'content.created',
      targetType: 'content',
      targetId: row.id,
      details: { ...item, id: undefined, updatedAt: undefined },
    });
    return item;
  });
}

export async function updateContent(
  deps: Deps,
  accountId: string,
  id: string,
  patch: { categoryId?: string | null | undefined; title?: string | undefined; text?: string | undefined; position?: number | undefined },
  actor: Actor = SYSTEM_ACTOR,
) {
  return deps.db.transaction(async (tx) => {
    const r = await tx
      .selectFrom('content')
      .select(['id', 'category_id', 'title', 'text', 'position', 'updated_at'])
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) throw notFound('content');
    if (patch.categoryId !== undefined) await assertCategory(tx, accountId, patch.categoryId);
    const next: ContentRow = {
      ...r,
      ...(patch.categoryId !== undefined && { category_id: patch.categoryId }),
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.text !== undefined && { text: patch.text }),
      ...(patch.position !== undefined && { position: patch.position }),
      updated_at: deps.clock.now(),
    };
    await tx
      .updateTable('content')
      .set({ category_id: next.category_id, title: next.title, text: next.text, position: next.position, updated_at: next.updated_at })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
    const { updatedAt: _u, ...diff } = changes(toItem(r), toItem(next));
    await recordAudit(tx, next.updated_at, { accountId, ...actor, action: 'content.updated', targetType: 'content', targetId: id, details: diff });
    return toItem(next);
  });
}

export async function deleteContent(deps: Deps, accountId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const r = await tx.deleteFrom('content').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) throw notFound('content');
    await recordAudit(tx, deps.clock.now(), { accountId, ...actor, action: 'content.deleted', targetType: 'content', targetId: id });
  });
}

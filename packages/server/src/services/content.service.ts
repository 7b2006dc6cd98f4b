import type { ContentItem, QuickReply } from '@parley/contract';
import { invalid, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Tx } from '../storage/db.js';
import type { ContentRecord } from '../storage/repos/content.repo.js';
import * as repo from '../storage/repos/content.repo.js';
import { type Actor, changes, recordAudit, SYSTEM_ACTOR } from './audit.service.js';
import type { Deps } from './context.js';
import { forgetSuggestions } from './suggestions.service.js';

/** After a committed change of the content: suggestions rank the account's content afresh. */
async function contentChanged<T>(deps: Deps, accountId: string, change: Promise<T>): Promise<T> {
  const done = await change;
  forgetSuggestions(deps, accountId);
  return done;
}

/** A stored content item as the API shows it. */
export const toContentItem = (r: ContentRecord): ContentItem => ({
  id: r.id,
  categoryId: r.categoryId,
  title: r.title,
  text: r.text,
  ...(r.quickReplies?.length && { quickReplies: r.quickReplies.map((q) => ({ title: q.title, ...(q.payload !== undefined && { payload: q.payload }) })) }),
  position: r.position,
  updatedAt: new Date(r.updatedAt).toISOString(),
});

async function assertCategory(tx: Tx, accountId: string, categoryId: string | null | undefined): Promise<void> {
  if (!categoryId) return;
  if (!(await repo.categoryExists(tx, accountId, categoryId))) throw invalid('unknown category', 'categoryId');
}

/** Categories by position, name and id; up to `page.limit` after the position `[position, name, id]`. */
export async function listCategories(deps: Deps, accountId: string, page: { after?: readonly [number, string, string] | undefined; limit: number }) {
  return repo.listCategories(deps.db.kysely, accountId, page);
}

export async function createCategory(deps: Deps, accountId: string, input: { name: string; position?: number | undefined }, actor: Actor = SYSTEM_ACTOR) {
  return deps.db.transaction(async (tx) => {
    const category = { id: newId(), name: input.name, position: input.position ?? (await repo.nextCategoryPosition(tx, accountId)) };
    const now = deps.clock.now();
    await repo.insertCategory(tx, accountId, category, now);
    await recordAudit(tx, now, {
      accountId,
      ...actor,
      action: 'content_category.created',
      targetType: 'content_category',
      targetId: category.id,
      details: { name: category.name, position: category.position },
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
  return contentChanged(
    deps,
    accountId,
    deps.db.transaction(async (tx) => {
      const r = await repo.findCategory(tx, accountId, id);
      if (!r) throw notFound('category');
      const next = { ...r, ...(patch.name !== undefined && { name: patch.name }), ...(patch.position !== undefined && { position: patch.position }) };
      await repo.updateCategory(tx, accountId, next);
      await recordAudit(tx, deps.clock.now(), {
        accountId,
        ...actor,
        action: 'content_category.updated',
        targetType: 'content_category',
        targetId: id,
        details: changes(r, next),
      });
      return next;
    }),
  );
}

export async function deleteCategory(deps: Deps, accountId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
  await contentChanged(
    deps,
    accountId,
    deps.db.transaction(async (tx) => {
      if (!(await repo.deleteCategory(tx, accountId, id))) throw notFound('category');
      await recordAudit(tx, deps.clock.now(), { accountId, ...actor, action: 'content_category.deleted', targetType: 'content_category', targetId: id });
    }),
  );
}

/** Predefined content by position, title and id, `q` matching title or text (never category names); up to `page.limit` after the position `[position, title, id]`. */
export async function listContent(
  deps: Deps,
  accountId: string,
  q: string | undefined,
  page: { after?: readonly [number, string, string] | undefined; limit: number },
): Promise<ContentItem[]> {
  return (await repo.listContent(deps.db.kysely, accountId, q, page)).map(toContentItem);
}

export async function createContent(
  deps: Deps,
  accountId: string,
  input: { categoryId?: string | null | undefined; title: string; text: string; quickReplies?: QuickReply[] | undefined; position?: number | undefined },
  actor: Actor = SYSTEM_ACTOR,
) {
  return contentChanged(
    deps,
    accountId,
    deps.db.transaction(async (tx) => {
      await assertCategory(tx, accountId, input.categoryId);
      const now = deps.clock.now();
      const item: ContentRecord = {
        id: newId(),
        categoryId: input.categoryId ?? null,
        title: input.title,
        text: input.text,
        quickReplies: input.quickReplies?.length ? input.quickReplies : null,
        position: input.position ?? (await repo.nextContentPosition(tx, accountId)),
        updatedAt: now,
      };
      await repo.insertContent(tx, accountId, item, now);
      const wire = toContentItem(item);
      await recordAudit(tx, now, {
        accountId,
        ...actor,
        action: 'content.created',
        targetType: 'content',
        targetId: item.id,
        details: { ...wire, id: undefined, updatedAt: undefined },
      });
      return wire;
    }),
  );
}

export async function updateContent(
  deps: Deps,
  accountId: string,
  id: string,
  patch: {
    categoryId?: string | null | undefined;
    title?: string | undefined;
    text?: string | undefined;
    quickReplies?: QuickReply[] | undefined;
    position?: number | undefined;
  },
  actor: Actor = SYSTEM_ACTOR,
) {
  return contentChanged(
    deps,
    accountId,
    deps.db.transaction(async (tx) => {
      const r = await repo.findContent(tx, accountId, id);
      if (!r) throw notFound('content');
      if (patch.categoryId !== undefined) await assertCategory(tx, accountId, patch.categoryId);
      const next: ContentRecord = {
        ...r,
        ...(patch.categoryId !== undefined && { categoryId: patch.categoryId }),
        ...(patch.title !== undefined && { title: patch.title }),
        ...(patch.text !== undefined && { text: patch.text }),
        ...(patch.quickReplies !== undefined && { quickReplies: patch.quickReplies.length ? patch.quickReplies : null }),
        ...(patch.position !== undefined && { position: patch.position }),
        updatedAt: deps.clock.now(),
      };
      await repo.updateContent(tx, accountId, next);
      const { updatedAt: _u, ...diff } = changes(toContentItem(r), toContentItem(next));
      await recordAudit(tx, next.updatedAt, { accountId, ...actor, action: 'content.updated', targetType: 'content', targetId: id, details: diff });
      return toContentItem(next);
    }),
  );
}

export async function deleteContent(deps: Deps, accountId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
  await contentChanged(
    deps,
    accountId,
    deps.db.transaction(async (tx) => {
      if (!(await repo.deleteContent(tx, accountId, id))) throw notFound('content');
      await recordAudit(tx, deps.clock.now(), { accountId, ...actor, action: 'content.deleted', targetType: 'content', targetId: id });
    }),
  );
}

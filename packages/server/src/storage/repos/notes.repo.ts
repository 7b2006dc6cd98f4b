import type { Tx } from '../db.js';
import { afterPosition } from '../keyset.js';

/** An internal note on a conversation, as stored (the author's name is looked up when read). */
export interface NoteRecord {
  id: string;
  conversationId: string;
  authorId: string;
  text: string;
  mentions: string[];
  createdAt: number;
}

/** A notification of one user. */
export interface NotificationRecord {
  id: string;
  userId: string;
  type: string;
  data: unknown;
  readAt: number | null;
  createdAt: number;
}

export async function insertNote(tx: Tx, accountId: string, n: NoteRecord): Promise<void> {
  await tx
    .insertInto('notes')
    .values({
      id: n.id,
      account_id: accountId,
      conversation_id: n.conversationId,
      author_id: n.authorId,
      text: n.text,
      mentions: JSON.stringify(n.mentions),
      created_at: n.createdAt,
    })
    .execute();
}

/** A conversation's notes, oldest first; up to `page.limit` after the position `[createdAt, id]`. */
export async function listNotes(
  tx: Tx,
  accountId: string,
  conversationId: string,
  page: { after?: readonly [number, string] | undefined; limit: number },
): Promise<NoteRecord[]> {
  let q = tx.selectFrom('notes').selectAll().where('account_id', '=', accountId).where('conversation_id', '=', conversationId);
  const after = page.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'created_at', direction: 'asc', value: after[0] },
        { column: 'id', direction: 'asc', value: after[1] },
      ]),
    );
  }
  const rows = await q.orderBy('created_at').orderBy('id').limit(page.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    authorId: r.author_id,
    text: r.text,
    mentions: JSON.parse(r.mentions) as string[],
    createdAt: r.created_at,
  }));
}

export async function insertNotification(tx: Tx, accountId: string, n: NotificationRecord): Promise<void> {
  await tx
    .insertInto('notifications')
    .values({ id: n.id, account_id: accountId, user_id: n.userId, type: n.type, data: JSON.stringify(n.data), read_at: n.readAt, created_at: n.createdAt })
    .execute();
}

/** A user's notifications, newest first, up to `page.limit` after the position `[createdAt, id]`. */
export async function listNotifications(
  tx: Tx,
  accountId: string,
  userId: string,
  page: { after?: readonly [number, string] | undefined; limit: number },
): Promise<NotificationRecord[]> {
  let q = tx.selectFrom('notifications').selectAll().where('account_id', '=', accountId).where('user_id', '=', userId);
  const after = page.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'created_at', direction: 'desc', value: after[0] },
        { column: 'id', direction: 'desc', value: after[1] },
      ]),
    );
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
  return rows.map((r) => ({ id: r.id, userId: r.user_id, type: r.type, data: JSON.parse(r.data), readAt: r.read_at, createdAt: r.created_at }));
}

export async function countUnreadNotifications(tx: Tx, accountId: string, userId: string): Promise<number> {
  const r = await tx
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** False when the user has no such notification. */
export async function markNotificationRead(tx: Tx, accountId: string, userId: string, id: string, at: number): Promise<boolean> {
  const r = await tx
    .updateTable('notifications')
    .set({ read_at: at })
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

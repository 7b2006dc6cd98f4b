import type { Note, Notification } from '@parley/contract';
import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { afterPosition } from '../storage/keyset.js';
import { findConversation } from '../storage/repos/conversations.repo.js';
import { displayNames, findUser, listUsers } from '../storage/repos/users.repo.js';
import { assertCanRead } from './access.js';
import { type Deps, emit, inTransaction } from './context.js';
import type { UserPrincipal } from './principal.js';

const MENTION = /(^|[^\w@])@([A-Za-z0-9._-]+)/g;

/** The usernames mentioned in a note, as written (`@alice`). */
export function mentionedUsernames(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((m) => (m[2] ?? '').replace(/[.]+$/, '')))].filter(Boolean);
}

/**
 * An internal note on a conversation: never sent to the consumer. Mentioned users of the account
 * get a notification (pushed live); the conversation's agent sees the note appear.
 */
export async function addNote(deps: Deps, p: UserPrincipal, conversationId: string, text: string): Promise<Note> {
  return inTransaction(deps, p.accountId, async (tx, out) => {
    const me = await findUser(tx, p.accountId, p.userId);
    const c = assertCanRead(p, await findConversation(tx, p.accountId, conversationId), p.role === 'manager' ? [] : (me?.skills ?? []));
    const users = await listUsers(tx, p.accountId);
    const names = new Set(mentionedUsernames(text).map((n) => n.toLowerCase()));
    const mentioned = users.filter((u) => u.active && names.has(u.username.toLowerCase()));
    const now = deps.clock.now();
    const note: Note = {
      id: newId(),
      conversationId: c.id,
      authorId: p.userId,
      authorName: me?.displayName ?? 'Agent',
      text,
      mentions: mentioned.map((u) => u.id),
      createdAt: new Date(now).toISOString(),
    };
    await tx
      .insertInto('notes')
      .values({
        id: note.id,
        account_id: p.accountId,
        conversation_id: c.id,
        author_id: p.userId,
        text,
        mentions: JSON.stringify(note.mentions),
        created_at: now,
      })
      .execute();
    emit(out, [{ type: 'note.created', data: note }], { conversation: c });
    for (const u of mentioned) {
      if (u.id === p.userId) continue;
      const n: Notification = {
        id: newId(),
        type: 'mention',
        data: { conversationId: c.id, noteId: note.id, text, by: note.authorName, byId: p.userId },
        read: false,
        createdAt: note.createdAt,
      };
      await tx
        .insertInto('notifications')
        .values({ id: n.id, account_id: p.accountId, user_id: u.id, type: n.type, data: JSON.stringify(n.data), read_at: null, created_at: now })
        .execute();
      emit(out, [{ type: 'notification.created', data: n }], { user: u.id });
    }
    return note;
  });
}

/** A conversation's notes, oldest first; up to `page.limit` after the position `[createdAt, id]`. */
export async function listNotes(
  deps: Deps,
  p: UserPrincipal,
  conversationId: string,
  page: { after?: readonly [number, string] | undefined; limit: number },
): Promise<Note[]> {
  const tx = deps.db.kysely;
  const me = await findUser(tx, p.accountId, p.userId);
  const c = assertCanRead(p, await findConversation(tx, p.accountId, conversationId), p.role === 'manager' ? [] : (me?.skills ?? []));
  let q = tx.selectFrom('notes').selectAll().where('account_id', '=', p.accountId).where('conversation_id', '=', c.id);
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
  const users = await displayNames(
    tx,
    p.accountId,
    rows.map((r) => r.author_id),
  );
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    authorId: r.author_id,
    authorName: users.get(r.author_id) ?? 'Agent',
    text: r.text,
    mentions: JSON.parse(r.mentions) as string[],
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** The user's notifications, newest first, up to `page.limit` after the position `[createdAt, id]`; `unread` counts them all. */
export async function listNotifications(
  deps: Deps,
  p: UserPrincipal,
  page: { after?: readonly [number, string] | undefined; limit: number },
): Promise<{ items: Notification[]; unread: number }> {
  const tx = deps.db.kysely;
  let q = tx.selectFrom('notifications').selectAll().where('account_id', '=', p.accountId).where('user_id', '=', p.userId);
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
  const unread = await tx
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', p.accountId)
    .where('user_id', '=', p.userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({ id: r.id, type: r.type, data: JSON.parse(r.data), read: r.read_at !== null, createdAt: new Date(r.created_at).toISOString() })),
    unread: Number(unread.n),
  };
}

export async function markNotificationRead(deps: Deps, p: UserPrincipal, id: string): Promise<void> {
  const r = await deps.db.kysely
    .updateTable('notifications')
    .set({ read_at: deps.clock.now() })
    .where('account_id', '=', p.accountId)
    .where('user_id', '=', p.userId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw notFound('notification');
}

import type { Note, Notification } from '@parley/contract';
import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { botNames } from '../storage/repos/bots.repo.js';
import { findConversation } from '../storage/repos/conversations.repo.js';
import * as repo from '../storage/repos/notes.repo.js';
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
    await repo.insertNote(tx, p.accountId, { id: note.id, conversationId: c.id, authorId: p.userId, text, mentions: note.mentions, createdAt: now });
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
      await repo.insertNotification(tx, p.accountId, { id: n.id, userId: u.id, type: n.type, data: n.data, readAt: null, createdAt: now });
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
  const rows = await repo.listNotes(tx, p.accountId, c.id, page);
  const users = await displayNames(
    tx,
    p.accountId,
    rows.map((r) => r.authorId),
  );
  // A bot's hand-over note is the bot's (services/bots.service.ts).
  const bots = await botNames(
    tx,
    p.accountId,
    rows.flatMap((r) => (users.has(r.authorId) ? [] : [r.authorId])),
  );
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversationId,
    authorId: r.authorId,
    authorName: users.get(r.authorId) ?? bots.get(r.authorId) ?? 'Agent',
    ...(bots.has(r.authorId) && { authorType: 'bot' as const }),
    text: r.text,
    mentions: r.mentions,
    createdAt: new Date(r.createdAt).toISOString(),
  }));
}

/** The user's notifications, newest first, up to `page.limit` after the position `[createdAt, id]`; `unread` counts them all. */
export async function listNotifications(
  deps: Deps,
  p: UserPrincipal,
  page: { after?: readonly [number, string] | undefined; limit: number },
): Promise<{ items: Notification[]; unread: number }> {
  const tx = deps.db.kysely;
  const rows = await repo.listNotifications(tx, p.accountId, p.userId, page);
  const unread = await repo.countUnreadNotifications(tx, p.accountId, p.userId);
  return {
    items: rows.map((r) => ({
      id: r.id,
      type: r.type,
      data: r.data as Notification['data'],
      read: r.readAt !== null,
      createdAt: new Date(r.createdAt).toISOString(),
    })),
    unread,
  };
}

export async function markNotificationRead(deps: Deps, p: UserPrincipal, id: string): Promise<void> {
  if (!(await repo.markNotificationRead(deps.db.kysely, p.accountId, p.userId, id, deps.clock.now()))) throw notFound('notification');
}

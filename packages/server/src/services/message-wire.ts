import type { Message } from '@parley/contract';
import { filePath } from '../files/links.js';
import type { Tx } from '../storage/db.js';
import { botNames } from '../storage/repos/bots.repo.js';
import { displayNames } from '../storage/repos/users.repo.js';
import type { Deps } from './context.js';

type FileRefLike = { id: string; url: string };
type WithFile = { file: FileRefLike };

const hasUnsignedFile = (v: unknown): v is WithFile => {
  const f = (v as { file?: unknown } | null)?.file as Partial<FileRefLike> | null | undefined;
  return !!f && typeof f === 'object' && typeof f.id === 'string' && f.url === filePath(f.id);
};

/**
 * Messages as the consumer sees them: an agent message also carries `senderName`, the display name
 * of the agent who wrote it, so the widget labels each message with its own author and not with
 * whoever has the conversation now (after a transfer, the earlier messages are another agent's).
 */
export async function withSenderNames(tx: Tx, accountId: string, messages: Message[]): Promise<Message[]> {
  const withBots = await withBotNames(tx, accountId, messages);
  const ids = [...new Set(messages.flatMap((m) => (m.senderType === 'agent' && m.senderId ? [m.senderId] : [])))];
  if (!ids.length) return withBots;
  const names = await displayNames(tx, accountId, ids);
  return withBots.map((m) => {
    const name = m.senderType === 'agent' && m.senderId ? names.get(m.senderId) : undefined;
    return name === undefined ? m : { ...m, senderName: name };
  });
}

/** Bot messages in every view (agents' too: a bot is in no directory) carry the bot's name as `senderName`. */
export async function withBotNames<T extends Message | Message[]>(tx: Tx, accountId: string, messages: T): Promise<T> {
  const list: Message[] = Array.isArray(messages) ? messages : [messages];
  const ids = [...new Set(list.flatMap((m) => (m.senderType === 'bot' && m.senderId ? [m.senderId] : [])))];
  if (!ids.length) return messages;
  const names = await botNames(tx, accountId, ids);
  const named = list.map((m) => (m.senderType === 'bot' && m.senderId ? { ...m, senderName: names.get(m.senderId) ?? 'Bot' } : m));
  return (Array.isArray(messages) ? named : named[0]) as T;
}

/**
 * Message.file.url as stored is the plain `/api/v1/files/{id}`; every message that leaves the
 * server (HTTP responses, realtime events) carries it signed for 1–2 h instead, so an <img src>
 * works without a token (files/links.ts, docs/adr/0005). Applied at the two exits — the HTTP
 * preSerialization hook and the event outbox — to a message, an array of messages, or the
 * `items` / `messages` array of a response; anything else passes unchanged.
 */
export function signFileRefs<T>(deps: Deps, value: T): T {
  const links = deps.files?.links;
  if (!links || value === null || typeof value !== 'object') return value;
  const now = deps.clock.now();
  const one = (v: unknown): unknown => (hasUnsignedFile(v) ? { ...v, file: { ...v.file, url: links.url(v.file.id, now) } } : v);
  if (Array.isArray(value)) return value.map(one) as T;
  let out = one(value) as Record<string, unknown>;
  for (const key of ['items', 'messages']) {
    const list = out[key];
    if (Array.isArray(list) && list.some(hasUnsignedFile)) out = { ...out, [key]: list.map(one) };
  }
  return out as T;
}

import type { Tx } from '../db.js';
import { openSecret, SERVER_SCOPE } from '../secrets.js';

export interface FileRecord {
  id: string;
  accountId: string;
  conversationId: string;
  name: string;
  contentType: string;
  size: number;
  storageKey: string;
  uploadedBy: { kind: 'consumer' | 'user'; id: string };
  createdAt: number;
}

export async function insertFile(tx: Tx, f: FileRecord): Promise<void> {
  await tx
    .insertInto('files')
    .values({
      id: f.id,
      account_id: f.accountId,
      conversation_id: f.conversationId,
      name: f.name,
      content_type: f.contentType,
      size: f.size,
      storage_key: f.storageKey,
      uploaded_by_kind: f.uploadedBy.kind,
      uploaded_by_id: f.uploadedBy.id,
      created_at: f.createdAt,
    })
    .execute();
}

/** A file of the account (with `accountId`), or of any account (signed links name the file only). */
export async function findFile(tx: Tx, id: string, accountId?: string): Promise<FileRecord | undefined> {
  let q = tx.selectFrom('files').selectAll().where('id', '=', id);
  if (accountId !== undefined) q = q.where('account_id', '=', accountId);
  const r = await q.executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    accountId: r.account_id,
    conversationId: r.conversation_id,
    name: r.name,
    contentType: r.content_type,
    size: Number(r.size),
    storageKey: r.storage_key,
    uploadedBy: { kind: r.uploaded_by_kind as 'consumer' | 'user', id: r.uploaded_by_id },
    createdAt: r.created_at,
  };
}

export async function deleteFileRow(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('files').where('id', '=', id).execute();
}

/** An installation-wide secret made by the migrations (e.g. 'file_links'). */
export async function findServerKey(tx: Tx, name: string): Promise<string | undefined> {
  const r = await tx.selectFrom('server_keys').select('value').where('name', '=', name).executeTakeFirst();
  return r ? openSecret(tx, SERVER_SCOPE, 'server_keys.value', r.value) : undefined;
}

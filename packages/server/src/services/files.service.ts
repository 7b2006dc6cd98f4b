import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Message } from '@parley/contract';
import { conflict, DomainError, invalid, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { AGENT_TYPES, type AllowedType, CONSUMER_TYPES, detectFileType } from '../files/detect.js';
import { createFileLinks, filePath } from '../files/links.js';
import { safeFileName } from '../files/names.js';
import { type FileStore, LocalFileStore } from '../files/store.js';
import type { Database } from '../storage/db.js';
import { findConversation } from '../storage/repos/conversations.repo.js';
import { deleteFileRow, type FileRecord, findFile, findServerKey, insertFile } from '../storage/repos/files.repo.js';
import { findMessageByClientId, toWireMessage } from '../storage/repos/messages.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import { assertCanAct, assertCanRead } from './access.js';
import type { Deps, FileDeps } from './context.js';
import { type SendResult, sendMessage } from './conversations.service.js';
import type { Principal } from './principal.js';

/** A file as it arrived in a multipart request: the client's name (display only) and the bytes. */
export interface Upload {
  name: string | undefined;
  data: Buffer;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/** File storage for buildApp: local disk under `dir` (unless another `store` is given) and the link-signing key made by the migrations. */
export async function createFileDeps(
  db: Database,
  opts: { dir?: string | undefined; store?: FileStore | undefined; maxUploadBytes?: number | undefined },
): Promise<FileDeps> {
  const key = await findServerKey(db.kysely, 'file_links');
  if (!key) throw new Error('the file link key is missing (server_keys.file_links); migrations did not run?');
  return {
    store: opts.store ?? new LocalFileStore(opts.dir ?? join(tmpdir(), 'parley-files')),
    links: createFileLinks(key),
    maxUploadBytes: opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
  };
}

export function fileDeps(deps: Deps): FileDeps {
  if (!deps.files) throw new Error('file storage is not configured');
  return deps.files;
}

/** What the principal may upload: consumers photos; agents photos and documents. */
export const allowedTypes = (p: Principal): readonly AllowedType[] => (p.kind === 'consumer' ? CONSUMER_TYPES : AGENT_TYPES);

/** The checked type of an upload: 413 over the limit, 415 for anything not allowed for this sender (by content only). */
export async function checkUpload(deps: Deps, p: Principal, upload: Upload): Promise<AllowedType> {
  const { maxUploadBytes } = fileDeps(deps);
  if (upload.data.length > maxUploadBytes) throw new DomainError('payload_too_large', `files may be at most ${maxUploadBytes} bytes`);
  const type = await detectFileType(upload.data);
  const allowed = allowedTypes(p);
  if (!type || !allowed.includes(type)) {
    const what = p.kind === 'consumer' ? 'photos (JPEG, PNG, GIF)' : 'photos (JPEG, PNG, GIF) and documents (PDF, DOCX, XLSX, PPTX)';
    throw new DomainError('unsupported_media_type', upload.data.length === 0 ? 'the file is empty' : `this file type is not accepted; you can send ${what}`);
  }
  return type;
}

async function userSkills(deps: Deps, p: Principal): Promise<string[]> {
  if (p.kind !== 'user' || p.role === 'manager') return [];
  return (await findUser(deps.db.kysely, p.accountId, p.userId))?.skills ?? [];
}

/**
 * Send a message with a file (multipart): the type is checked from the bytes, the same rules as
 * for a text message are checked before anything is stored (access, closed, ringing, a repeated
 * clientMessageId answers the stored message), then the bytes go to the FileStore, the `files`
 * row is written, and the message is sent. If sending fails after all, the file is removed again.
 */
export async function sendFileMessage(
  deps: Deps,
  p: Principal,
  conversationId: string,
  input: { text?: string | undefined; clientMessageId: string; upload: Upload },
): Promise<SendResult> {
  if (p.kind === 'bot') throw invalid('bots send text messages (JSON), not files', 'file');
  const files = fileDeps(deps);
  const type = await checkUpload(deps, p, input.upload);
  const senderType = p.kind === 'consumer' ? 'consumer' : 'agent';
  const c = assertCanRead(p, await findConversation(deps.db.kysely, p.accountId, conversationId), await userSkills(deps, p));
  if (p.kind === 'user') assertCanAct(p, c);
  const repeat = await findMessageByClientId(deps.db.kysely, p.accountId, c.id, senderType, input.clientMessageId);
  if (repeat) return { message: toWireMessage(repeat), created: false };
  if (c.state === 'closed') throw conflict('the conversation is closed');
  if (p.kind === 'user' && c.state === 'ringing') throw conflict('accept the conversation before answering');

  const record: FileRecord = {
    id: newId(),
    accountId: p.accountId,
    conversationId: c.id,
    name: safeFileName(input.upload.name, type),
    contentType: type,
    size: input.upload.data.length,
    storageKey: '',
    uploadedBy: p.kind === 'consumer' ? { kind: 'consumer', id: p.consumerId } : { kind: 'user', id: p.userId },
    createdAt: deps.clock.now(),
  };
  record.storageKey = `${p.accountId.replace(/[^A-Za-z0-9_-]/g, '_')}/${record.id}`;
  const ref: NonNullable<Message['file']> = { id: record.id, name: record.name, contentType: type, size: record.size, url: filePath(record.id) };

  await files.store.put(record.storageKey, input.upload.data);
  const discard = async () => {
    await deps.db.transaction((tx) => deleteFileRow(tx, record.id)).catch((err) => deps.log.warn({ err, fileId: record.id }, 'could not remove a file row'));
    await files.store.delete(record.storageKey).catch((err) => deps.log.warn({ err, fileId: record.id }, 'could not remove a stored file'));
  };
  try {
    await deps.db.transaction((tx) => insertFile(tx, record));
    const r = await sendMessage(deps, p, c.id, { text: input.text ?? null, file: ref, clientMessageId: input.clientMessageId });
    if (!r.created) await discard(); // the same clientMessageId won a race: its message (and file) stand
    return r;
  } catch (err) {
    await discard();
    throw err;
  }
}

export interface Download {
  file: FileRecord;
  stream: Readable;
  size: number;
}

/**
 * Open a file for download: with a valid signed link (anyone holding it, until it expires), or
 * for a principal who may read its conversation (the consumer, its agents per access.ts,
 * managers). Anything else is 404, the same as for a file that does not exist.
 */
export async function openDownload(deps: Deps, fileId: string, by: { principal: Principal } | { link: { exp: number; sig: string } }): Promise<Download> {
  const files = fileDeps(deps);
  let file: FileRecord | undefined;
  if ('link' in by) {
    if (!files.links.verify(fileId, by.link.exp, by.link.sig, deps.clock.now()))
      throw new DomainError('unauthorized', 'the download link is invalid or has expired; fetch the message again for a fresh one');
    file = await findFile(deps.db.kysely, fileId);
  } else {
    const p = by.principal;
    file = await findFile(deps.db.kysely, fileId, p.accountId);
    if (file) {
      try {
        assertCanRead(p, await findConversation(deps.db.kysely, p.accountId, file.conversationId), await userSkills(deps, p));
      } catch {
        throw notFound('file');
      }
    }
  }
  if (!file) throw notFound('file');
  const got = await files.store.get(file.storageKey);
  if (!got) {
    deps.log.warn({ fileId }, 'a file row has no stored bytes');
    throw notFound('file');
  }
  return { file, ...got };
}

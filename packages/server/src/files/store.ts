import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where the bytes of uploaded files live. Keys are opaque, slash-separated, made by the server
 * (`<accountId>/<fileId>`), never from user input. Local disk is the default; an S3-compatible
 * store implements the same four calls (PutObject, GetObject, DeleteObject).
 */
export interface FileStore {
  /** Store `data` under `key`, atomically: a reader never sees half a file. */
  put(key: string, data: Uint8Array): Promise<void>;
  /** A stream of the bytes and their size, or undefined when there is no such key. */
  get(key: string): Promise<{ stream: Readable; size: number } | undefined>;
  /** Remove `key`; no error when it is already gone. */
  delete(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Files under a folder (by default `<data>/files`), one file per key; written to a temporary name, then renamed. */
export class LocalFileStore implements FileStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    if (!KEY.test(key) || key.split('/').some((p) => p === '.' || p === '..')) throw new Error(`bad file key ${JSON.stringify(key)}`);
    const p = resolve(this.root, ...key.split('/'));
    if (!p.startsWith(this.root + sep)) throw new Error(`bad file key ${JSON.stringify(key)}`);
    return p;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const tmp = join(dirname(target), `.${randomBytes(8).toString('hex')}.part`);
    try {
      await writeFile(tmp, data, { flag: 'wx', mode: 0o600 });
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<{ stream: Readable; size: number } | undefined> {
    const p = this.path(key);
    try {
      const s = await stat(p);
      if (!s.isFile()) return undefined;
      return { stream: createReadStream(p), size: s.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

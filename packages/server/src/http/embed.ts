/**
 * Serves the host-side embedding SDK built by Vite into packages/embed/dist:
 *   /embed.js   defines `window.ParleyEmbed.create({ url, container })` on any page (a CRM) that
 *               hosts the agent workspace in an iframe (docs/embedding.md)
 * Read once and kept in memory with its gzip form and an ETag; a rebuilt file (new mtime) is read again.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { problem, sendProblem } from './problem.js';
import type { ZApp } from './routes/types.js';

/** src/http and dist/http are both two levels below packages/server. */
export const EMBED_SCRIPT = fileURLToPath(new URL('../../../embed/dist/embed.js', import.meta.url));

interface Cached {
  mtimeMs: number;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

export function registerEmbedScript(app: ZApp, opts: { path?: string } = {}): void {
  const path = opts.path ?? EMBED_SCRIPT;
  let cached: Cached | undefined;

  async function load(): Promise<Cached | undefined> {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(path)).mtimeMs;
    } catch {
      return undefined;
    }
    if (cached?.mtimeMs === mtimeMs) return cached;
    const body = await readFile(path);
    cached = { mtimeMs, body, gzip: gzipSync(body, { level: 9 }), etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"` };
    return cached;
  }

  // Loaded cross-origin by CRM pages. A short cache so a new release spreads quickly.
  app.get('/embed.js', { schema: { hide: true } }, async (req, reply) => {
    const file = await load();
    if (!file) return sendProblem(reply, problem('unavailable', 'the embedding SDK is not built: run `npm run build`'));
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('x-content-type-options', 'nosniff')
      .header('etag', file.etag)
      .header('vary', 'accept-encoding');
    if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(file.gzip);
    return reply.send(file.body);
  });
}

/**
 * Serves the consumer widget built by Vite into packages/widget/dist:
 *   /widget.js      the loader for brands' pages (any origin may load it)
 *   /widget/*       the chat frame (frame.html) and its hashed assets
 *   /demo           a sample brand page with the widget (?account=ID for another account, &skill=ID, &name=Jo)
 * Files are read once and kept in memory with their gzip form and an ETag; a rebuilt file
 * (new mtime) is read again.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { problem, sendProblem } from './problem.js';
import type { ZApp } from './routes/types.js';

/** src/http and dist/http are both two levels below packages/server. */
export const WIDGET_DIST = fileURLToPath(new URL('../../../widget/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/** The chat frame runs only its own code and talks only to Parley; any site may frame it. */
const FRAME_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors *',
].join('; ');

interface Cached {
  mtimeMs: number;
  body: Buffer;
  gzip: Buffer | undefined;
  etag: string;
}

export function registerWidget(app: ZApp, opts: { dist?: string } = {}): void {
  const dist = opts.dist ?? WIDGET_DIST;
  const cache = new Map<string, Cached>();

  async function load(rel: string, transform?: (s: string) => string): Promise<Cached | undefined> {
    const path = normalize(join(dist, rel));
    if (!path.startsWith(normalize(dist + sep))) return undefined;
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(path);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const key = transform ? `${rel}\u0000${transform.name}` : rel;
    const hit = transform ? undefined : cache.get(key);
    if (hit && hit.mtimeMs === st.mtimeMs) return hit;
    let body = await readFile(path);
    if (transform) body = Buffer.from(transform(body.toString('utf8')));
    const entry: Cached = {
      mtimeMs: st.mtimeMs,
      body,
      gzip: body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined,
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
    };
    if (!transform) cache.set(key, entry);
    return entry;
  }

  async function send(
    req: FastifyRequest,
    reply: FastifyReply,
    rel: string,
    headers: Record<string, string>,
    transform?: (s: string) => string,
  ): Promise<FastifyReply> {
    const file = await load(rel, transform);
    if (!file) {
      if (rel === 'widget.js' || rel === 'frame.html' || rel === 'demo.html') {
        return sendProblem(reply, problem('unavailable', 'the widget is not built: run `npm run build`'));
      }
      return sendProblem(reply, problem('not_found', `no file ${req.url.split('?')[0]}`));
    }
    const ext = rel.slice(rel.lastIndexOf('.'));
    reply.header('content-type', TYPES[ext] ?? 'application/octet-stream');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('etag', file.etag);
    reply.header('vary', 'accept-encoding');
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
    const accepts = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (file.gzip && accepts) {
      reply.header('content-encoding', 'gzip');
      return reply.send(file.gzip);
    }
    return reply.send(file.body);
  }

  const hide = { schema: { hide: true } };

  // The loader: embedded cross-origin by brands' pages. A short cache so a new release spreads quickly.
  app.get('/widget.js', hide, async (req, reply) =>
    send(req, reply, 'widget.js', {
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    }),
  );

  app.get('/widget/frame.html', hide, async (req, reply) =>
    send(req, reply, 'frame.html', { 'cache-control': 'no-cache', 'content-security-policy': FRAME_CSP, 'referrer-policy': 'no-referrer' }),
  );

  app.get('/widget/*', { schema: { hide: true, params: z.object({ '*': z.string() }) } }, async (req, reply) => {
    const rel = req.params['*'];
    if (!/^[\w.-]+(\/[\w.-]+)?$/.test(rel) || rel.includes('..') || rel === 'demo.html') {
      return sendProblem(reply, problem('not_found', `no file ${req.url.split('?')[0]}`));
    }
    const immutable = rel.startsWith('assets/');
    return send(req, reply, rel, { 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' });
  });

  // The demo brand page; ?account=…&skill=…&name=… point it at another account (e.g. in cluster
  // mode, which seeds no demo account), a skill, or name the visitor.
  const id = z
    .string()
    .regex(/^[\w-]{1,100}$/)
    .optional();
  const name = z
    .string()
    .regex(/^[\p{L}\p{N} .'-]{1,60}$/u)
    .optional();
  app.get('/demo', { schema: { hide: true, querystring: z.object({ account: id, skill: id, name }) } }, async (req, reply) => {
    const q = req.query;
    const transform = q.account || q.skill || q.name ? (html: string) => retarget(html, q) : undefined;
    return send(req, reply, 'demo.html', { 'cache-control': 'no-cache' }, transform);
  });
}

function retarget(html: string, o: { account?: string | undefined; skill?: string | undefined; name?: string | undefined }): string {
  const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  let out = html;
  if (o.account) out = out.replace('data-account="demo"', `data-account="${attr(o.account)}"`);
  if (o.skill) out = out.replace('data-account=', `data-skill="${attr(o.skill)}" data-account=`);
  if (o.name) out = out.replace('data-account=', `data-name="${attr(o.name)}" data-account=`);
  return out;
}

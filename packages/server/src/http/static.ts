/**
 * Serves the agent workspace (packages/workspace/dist, built by Vite) at `/`:
 *   /assets/*   hashed files, cached for a year, brotli or gzip when the build wrote them
 *   any other GET that is not an API, realtime, docs or probe path → index.html (SPA fallback)
 * The HTML carries a Content-Security-Policy. `frame-ancestors` is `'self'`, plus the account's
 * `allowedFrameAncestors` when the URL names it: the embed URL is `/?account=<accountId>`.
 * GET /api/v1/embed/config?accountId= tells the workspace in a frame which parent origins it may
 * talk to over postMessage (public: the same list is in the CSP header anyway).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { EmbedConfig } from '@parley/contract';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { getSettings } from '../services/accounts.service.js';
import type { Deps } from '../services/context.js';
import type { ZApp } from './routes/types.js';

/** src/http and dist/http are both two levels below packages/server. */
export const WORKSPACE_DIST = fileURLToPath(new URL('../../../workspace/dist/', import.meta.url));

/** Paths that never fall back to the app: they 404 as the API does. */
const NOT_APP = /^\/(api|socket\.io|docs|metrics|healthz|readyz|widget|files)(\/|$|\?)/;

const BASE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

export function workspaceCsp(frameAncestors: readonly string[]): string {
  return [...BASE_CSP, `frame-ancestors ${["'self'", ...frameAncestors].join(' ')}`].join('; ');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parley</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; margin: 3rem; color: #1f2933">
<main><h1>Parley is running</h1>
<p>The agent workspace is not built yet: run <code>npm run build</code>. The API is up: browse it at <a href="/docs">/docs</a>.</p></main></body></html>`;

export async function registerWorkspace(app: ZApp, deps: Deps, opts: { dist?: string } = {}): Promise<void> {
  const dist = opts.dist ?? WORKSPACE_DIST;
  const indexPath = join(dist, 'index.html');

  let index: { mtimeMs: number; html: string } | undefined;
  async function indexHtml(): Promise<string | undefined> {
    try {
      const st = await stat(indexPath);
      if (!index || index.mtimeMs !== st.mtimeMs) index = { mtimeMs: st.mtimeMs, html: await readFile(indexPath, 'utf8') };
      return index.html;
    } catch {
      return undefined;
    }
  }

  async function frameAncestors(accountId: string | undefined): Promise<string[]> {
    if (!accountId || accountId.length > 100) return [];
    const settings = await getSettings(deps, accountId).catch(() => undefined);
    return settings?.allowedFrameAncestors ?? [];
  }

  async function sendApp(reply: FastifyReply, accountId: string | undefined): Promise<FastifyReply> {
    const html = await indexHtml();
    reply
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'strict-origin-when-cross-origin')
      .header('content-security-policy', workspaceCsp(await frameAncestors(accountId)))
      .type('text/html; charset=utf-8');
    return reply.send(html ?? NOT_BUILT);
  }

  // Hashed assets: served from disk, immutable. Registered only when the build exists.
  const hasAssets = await stat(join(dist, 'assets')).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (hasAssets) {
    await app.register(fastifyStatic, {
      root: join(dist, 'assets'),
      prefix: '/assets/',
      index: false,
      wildcard: true,
      preCompressed: true,
      immutable: true,
      maxAge: '365d',
      schemaHide: true,
    });
  }

  const query = z.object({ account: z.string().max(100).optional() }).passthrough();
  app.get('/', { schema: { hide: true, querystring: query } }, async (req, reply) => sendApp(reply, req.query.account));
  app.get('/*', { schema: { hide: true, querystring: query } }, async (req, reply) => {
    if (NOT_APP.test(req.url) || req.url.startsWith('/assets/')) return reply.callNotFound();
    return sendApp(reply, req.query.account);
  });

  app.get(
    '/api/v1/embed/config',
    {
      config: { access: 'public' },
      schema: {
        tags: ['workspace'],
        summary: 'Embedding: the origins allowed to frame the workspace of an account (public)',
        querystring: z.strictObject({ accountId: z.string().min(1).max(100) }),
        response: { 200: EmbedConfig },
      },
    },
    async (req) => ({ allowedFrameAncestors: await frameAncestors(req.query.accountId) }),
  );
}

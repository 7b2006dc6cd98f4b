import type { FastifyInstance } from 'fastify';
import { invalid } from '../domain/errors.js';

/** Where in `value` a string (or key) holds a NUL character, if anywhere. Iterative: deep JSON cannot overflow the stack. */
function nulAt(value: unknown, where: string): string | undefined {
  const stack: [unknown, string][] = [[value, where]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, path] = next;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (ArrayBuffer.isView(v) || typeof (v as { pipe?: unknown }).pipe === 'function') continue; // buffers, streams: not parsed text
    for (const [k, x] of Object.entries(v)) {
      if (k.includes('\u0000')) return path;
      stack.push([x, `${path}.${k}`]);
    }
  }
  return undefined;
}

/**
 * Input rules shared by every route: JSON is the only body type (text/plain → 415 like any other
 * type), and no decoded string may contain NUL (PostgreSQL text cannot store it; SQLite would, so
 * both dialects answer the same 400).
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', (req, _reply, done) => {
    const at = nulAt(req.params, 'params') ?? nulAt(req.query, 'querystring') ?? nulAt(req.body, 'body');
    done(at ? invalid(`${at}: NUL characters are not allowed`, at) : undefined);
  });
}

/**
 * Keeps outbound/guarded-http.ts the only door to the outside: no other server module calls
 * fetch or opens HTTP, TLS or TCP connections itself, and jsforce (which does its own HTTP) is
 * loaded only by crm/salesforce.ts, which hands it the guarded transport. Biome's
 * noRestrictedGlobals (biome.json) catches a bare `fetch` in the editor; this test catches the rest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..');

/** Modules that may talk to the outside for reasons of their own. */
const EXEMPT = new Set([
  'outbound/guarded-http.ts',
  // The `parley demo` command is an HTTP client of the operator's own Parley (its --url), not a request Parley sends.
  'cli/demo.ts',
]);

const CLIENT_MODULES = ['http', 'https', 'http2', 'tls', 'dgram', 'undici', 'node-fetch', 'axios', 'got', 'ky', 'request', 'superagent'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** What in a module's text opens a connection to the outside (comments dropped). */
function outboundUses(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const found: string[] = [];
  if (/(^|[^\w.])fetch\s*\(|globalThis\s*\.\s*fetch|\bXMLHttpRequest\b|\bnew\s+WebSocket\b/.test(code)) found.push('fetch');
  const modules = CLIENT_MODULES.map((m) => m.replace('-', '\\-')).join('|');
  const valueImport = new RegExp(`import\\s+(?!type\\b)[^;]*?from\\s+['"](node:)?(${modules})['"]`, 'g');
  const dynamicImport = new RegExp(`(import|require)\\s*\\(\\s*['"](node:)?(${modules})['"]`, 'g');
  for (const m of code.matchAll(valueImport)) found.push(m[2] as string);
  for (const m of code.matchAll(dynamicImport)) found.push(m[3] as string);
  const net = /import\s+(?!type\b)\{([^}]*)\}\s*from\s+['"](node:)?net['"]/.exec(code);
  if (net && /\b(connect|createConnection|Socket)\b/.test(net[1] ?? '')) found.push('net');
  return found;
}

describe('one guarded outbound client', () => {
  it('the detector finds the ways out (so the next test can fail)', () => {
    expect(outboundUses("await fetch('http://x')")).toEqual(['fetch']);
    expect(outboundUses('const r = await globalThis.fetch(u)')).toEqual(['fetch']);
    expect(outboundUses("import { request } from 'node:https';")).toEqual(['https']);
    expect(outboundUses("import http from 'http';")).toEqual(['http']);
    expect(outboundUses("const { Agent } = await import('undici');")).toEqual(['undici']);
    expect(outboundUses("import { connect } from 'node:net';")).toEqual(['net']);
    expect(outboundUses("import type { Server } from 'node:http';\nimport { isIP } from 'node:net';\n// fetch('x')\nconst prefetch = 1;")).toEqual([]);
  });

  it('no server module but outbound/guarded-http.ts opens HTTP, TLS or TCP connections or calls fetch', () => {
    const offenders = sources(SRC)
      .map((path) => ({ file: relative(SRC, path), uses: outboundUses(readFileSync(path, 'utf8')) }))
      .filter((f) => f.uses.length > 0 && !EXEMPT.has(f.file));
    expect(offenders).toEqual([]);
  });

  it('jsforce is loaded only by crm/salesforce.ts, which replaces both of its transports with the guarded one', () => {
    const importers = sources(SRC)
      .filter((path) => /from\s+['"]jsforce|import\(\s*['"]jsforce/.test(readFileSync(path, 'utf8')))
      .map((path) => relative(SRC, path));
    expect(importers).toEqual(['crm/salesforce.ts']);
    const sf = readFileSync(join(SRC, 'crm/salesforce.ts'), 'utf8');
    expect(sf).toMatch(/conn\._transport = transport;/);
    expect(sf).toMatch(/conn\.oauth2\._transport = transport;/);
  });
});

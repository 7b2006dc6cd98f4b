import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layering rules of biome.json (noRestrictedImports per folder) fire: a probe file with a
 * forbidden import in each layer is reported, an allowed one is not. Biome overrides do not merge
 * one rule's options (the last matching override wins), so a new override can silently drop a
 * rule; this walks every boundary so that shows up here.
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const tag = `zz-boundary-probe-${process.pid}`;

interface Probe {
  file: string;
  imports: string[];
  /** The messages expected, one per forbidden import (none: every import is allowed). */
  refused: RegExp[];
}

const DB = /only storage\/ talks to the database/;
const probes: Probe[] = [
  { file: 'packages/server/src/services', imports: ['kysely'], refused: [DB] },
  { file: 'packages/server/src/http', imports: ['pg'], refused: [DB] },
  { file: 'packages/server/src', imports: ['better-sqlite3'], refused: [DB] },
  { file: 'packages/server/src/channels', imports: ['../http/validation.js', 'kysely'], refused: [/channels\/ never imports http\//, DB] },
  { file: 'packages/server/src/realtime', imports: ['../storage/repos/users.repo.js', 'kysely'], refused: [/realtime\/ only delivers/, DB] },
  {
    file: 'packages/server/src/domain',
    imports: ['../storage/repos/users.repo.js', '../services/persist.js', 'kysely'],
    refused: [/domain\/ imports nothing/, /domain\/ imports nothing/, /domain\/ is pure/],
  },
  {
    file: 'packages/server/src/routing',
    imports: ['../services/persist.js', 'pg'],
    refused: [/routing\/ depends on domain\/ only/, /routing strategies are pure/],
  },
  {
    file: 'packages/workspace/src',
    imports: ['../../server/src/app.js', '@parley/server'],
    refused: [/front ends import only @parley\/contract/, /front ends import only @parley\/contract/],
  },
  { file: 'packages/widget/src', imports: ['../../../packages/server/src/app.js'], refused: [/front ends import only @parley\/contract/] },
  { file: 'packages/embed/src', imports: ['@parley/server/src/app.js'], refused: [/front ends import only @parley\/contract/] },
  // Allowed: storage/ talks to the database; domain/ reads domain/ and the contract; front ends read the contract.
  { file: 'packages/server/src/storage', imports: ['kysely', 'pg', './db.js'], refused: [] },
  { file: 'packages/server/src/domain', imports: ['./audience.js', '@parley/contract'], refused: [] },
  { file: 'packages/workspace/src', imports: ['@parley/contract'], refused: [] },
];

function biomeLint(files: string[]): Promise<{ path: string; message: string; line: number }[]> {
  return new Promise((resolve, reject) => {
    execFile('npx', ['biome', 'lint', '--reporter=json', '--only=style/noRestrictedImports', ...files], { cwd: root }, (err, stdout) => {
      try {
        const out = JSON.parse(stdout) as { diagnostics: { message: string; location: { path: string; start: { line: number } } }[] };
        resolve(out.diagnostics.map((d) => ({ path: d.location.path, message: d.message, line: d.location.start.line })));
      } catch {
        reject(err ?? new Error(`biome printed no report: ${stdout.slice(0, 500)}`));
      }
    });
  });
}

describe('the import boundaries', () => {
  it('are enforced by the linter in every layer, and allowed imports pass', { timeout: 60_000 }, async () => {
    const files = probes.map((p, i) => `${p.file}/${tag}-${i}.ts`);
    try {
      probes.forEach((p, i) => {
        const lines = p.imports.map((m, j) => `import * as m${j} from '${m}';`);
        writeFileSync(`${root}${files[i]}`, `${lines.join('\n')}\nexport const all = [${p.imports.map((_, j) => `m${j}`).join(', ')}];\n`);
      });
      const found = await biomeLint(files);
      for (const [i, p] of probes.entries()) {
        const mine = found.filter((d) => d.path === files[i]).sort((a, b) => a.line - b.line);
        expect(
          mine.map((d) => d.message),
          `${files[i]}: ${p.imports.join(', ')}`,
        ).toHaveLength(p.refused.length);
        for (const [j, re] of p.refused.entries()) expect(mine[j]?.message).toMatch(re);
      }
    } finally {
      for (const f of files) rmSync(`${root}${f}`, { force: true });
    }
  });
});

import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(root, 'packages/server/bin/parley.js');

describe('npx parley straight after npm install', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-unbuilt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('npm install builds what is missing: the root prepare script runs scripts/run.mjs prepare', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toBe('node scripts/run.mjs prepare');
  });

  it('without a build (installed with --ignore-scripts) the command says what to run instead of a module error', async () => {
    // The command as installed, in a package folder that has no dist/ yet.
    mkdirSync(join(dir, 'server/bin'), { recursive: true });
    copyFileSync(BIN, join(dir, 'server/bin/parley.js'));
    copyFileSync(join(root, 'packages/server/package.json'), join(dir, 'server/package.json'));
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile(process.execPath, [join(dir, 'server/bin/parley.js'), 'serve'], { timeout: 10_000 }, (err, _out, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not built yet');
    expect(r.stderr).toContain('npm run build');
    expect(r.stderr).not.toContain('ERR_MODULE_NOT_FOUND');
  });
});

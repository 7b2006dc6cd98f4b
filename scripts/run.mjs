#!/usr/bin/env node
// Entry for `npm start`, `npm test` and `npm run bench`: installs and builds what is missing, then runs.
// Plain Node with no dependencies, so it works on a fresh clone before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function ensureInstalled() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
  const sqlite = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (stale || !existsSync(sqlite)) {
    console.log('parley: installing dependencies (first run: about 90 s, better-sqlite3 compiles)…');
    run('npm', ['install', '--no-audit', '--no-fund']);
  }
}

/** Newest modification time under `dir` (skipping node_modules and dist). */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The agent workspace (Vite): built when its dist is missing or older than its sources or the contract. */
function buildWorkspace() {
  const dir = join(root, 'packages/workspace');
  const index = join(dir, 'dist', 'index.html');
  const sources = Math.max(
    newest(join(dir, 'src')),
    statSync(join(dir, 'index.html')).mtimeMs,
    statSync(join(dir, 'vite.config.ts')).mtimeMs,
    newest(join(root, 'packages/contract/src')),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  console.log('parley: building the agent workspace…');
  run(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: dir });
}

/** The consumer widget (Vite, two builds: the frame, then the /widget.js loader): built when missing or stale, like the workspace. */
function buildWidget() {
  const dir = join(root, 'packages/widget');
  const outputs = [join(dir, 'dist', 'frame.html'), join(dir, 'dist', 'widget.js')];
  const sources = Math.max(
    newest(join(dir, 'src')),
    newest(join(dir, 'public')),
    statSync(join(dir, 'vite.config.ts')).mtimeMs,
    newest(join(root, 'packages/contract/src')),
  );
  if (outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= sources)) return;
  console.log('parley: building the web widget…');
  run(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: dir });
  run(bin('vite'), ['build', '--mode', 'loader', '--logLevel', 'warn'], { cwd: dir });
}

function build() {
  run(bin('tsc'), ['-b', 'packages/server']);
  buildWorkspace();
  buildWidget();
}

const [command, ...rest] = process.argv.slice(2);
ensureInstalled();
switch (command) {
  case 'start': {
    build();
    const child = spawn(process.execPath, [join(root, 'packages/server/bin/parley.js'), 'serve', ...rest], { cwd: root, stdio: 'inherit' });
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
    child.on('exit', (code) => process.exit(code ?? 0));
    break;
  }
  case 'test': {
    build();
    run(bin('tsc'), ['-b', 'packages/workspace']);
    run(bin('tsc'), ['-p', 'packages/widget/tsconfig.json']);
    run(bin('tsc'), ['-p', 'packages/server/tsconfig.test.json']);
    run(bin('biome'), ['check', '.']);
    run(bin('vitest'), ['run', ...rest], { env: { ...process.env, TZ: 'UTC' } });
    break;
  }
  case 'bench': {
    build();
    run(process.execPath, [join(root, 'bench/run.mjs'), ...rest]);
    break;
  }
  default:
    console.error('usage: node scripts/run.mjs start|test|bench');
    process.exit(2);
}

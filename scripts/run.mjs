#!/usr/bin/env node
// Entry for `npm start`, `npm test` and `npm run bench`: installs and builds what is missing, then runs.
// Plain Node with no dependencies, so it works on a fresh clone before `npm install`. `prepare` is
// what `npm install` runs afterwards: it builds what is missing, so `npx parley serve` works at once.

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
    console.log('parley: installing dependencies, then building (first run: about 1¼ min, better-sqlite3 compiles)…');
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

/**
 * The embedding SDK (Vite, one IIFE served at /embed.js): built when missing or stale. The Salesforce
 * package ships the same file as its static resource, so a changed build is copied there too (commit it).
 */
function buildEmbed() {
  const dir = join(root, 'packages/embed');
  const out = join(dir, 'dist', 'embed.js');
  const sources = Math.max(newest(join(dir, 'src')), statSync(join(dir, 'vite.config.ts')).mtimeMs, newest(join(root, 'packages/contract/src')));
  if (!existsSync(out) || statSync(out).mtimeMs < sources) {
    console.log('parley: building the embedding SDK…');
    run(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: dir });
  }
  const resource = join(root, 'salesforce/force-app/main/default/staticresources/parleyEmbed.js');
  if (!existsSync(resource) || !readFileSync(resource).equals(readFileSync(out))) {
    copyFileSync(out, resource);
    console.log('parley: updated salesforce/…/staticresources/parleyEmbed.js from the new SDK build');
  }
}

/** The Salesforce package's own npm project (LWC Jest, Salesforce CLI): installed when missing or older than its lockfile. */
function ensureSalesforceInstalled() {
  const dir = join(root, 'salesforce');
  const marker = join(dir, 'node_modules', '.package-lock.json');
  const lock = join(dir, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs + 1000 >= statSync(lock).mtimeMs) return;
  console.log('parley: installing the Salesforce package tools (LWC Jest, Salesforce CLI; first run: a few minutes)…');
  run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir });
}

function build() {
  run(bin('tsc'), ['-b', 'packages/server']);
  buildWorkspace();
  buildWidget();
  buildEmbed();
}

/** What `npx parley serve` needs: the compiled server, the workspace, the widget and the embedding SDK. */
const BUILT = [
  'packages/server/dist/cli/main.js',
  'packages/workspace/dist/index.html',
  'packages/widget/dist/frame.html',
  'packages/widget/dist/widget.js',
  'packages/embed/dist/embed.js',
];

const [command, ...rest] = process.argv.slice(2);
// `prepare` runs inside `npm install`: installing again from there would recurse.
if (command !== 'prepare') ensureInstalled();
switch (command) {
  case 'prepare': {
    // After `npm install`: build only when something is missing (a fresh clone). A tree that was
    // built before is left alone: `npm start` and `npm test` rebuild what is stale anyway.
    const missing = BUILT.filter((f) => !existsSync(join(root, f)));
    if (missing.length === 0 || process.env.PARLEY_SKIP_BUILD === '1') break;
    console.log(`parley: building (missing: ${missing.join(', ')})…`);
    build();
    break;
  }
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
    run(bin('tsc'), ['-p', 'packages/embed/tsconfig.json']);
    run(bin('tsc'), ['-p', 'packages/server/tsconfig.test.json']);
    run(bin('biome'), ['check', '.']);
    run(bin('vitest'), ['run', ...rest], { env: { ...process.env, TZ: 'UTC' } });
    // The Salesforce utility item's LWC Jest tests (their own Jest stack, apart from vitest); not
    // when vitest was given a filter.
    if (rest.length === 0) {
      ensureSalesforceInstalled();
      run('npm', ['test', '--silent'], { cwd: join(root, 'salesforce') });
    }
    break;
  }
  case 'bench': {
    build();
    run(process.execPath, [join(root, 'bench/run.mjs'), ...rest]);
    break;
  }
  default:
    console.error('usage: node scripts/run.mjs start|test|bench|prepare');
    process.exit(2);
}

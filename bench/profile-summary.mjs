#!/usr/bin/env node
// Summarise a V8 .cpuprofile (e.g. from `node bench/run.mjs --only parley --profile`):
// top functions by self time and by inclusive time, and self time grouped by package / source file.
//
//   node bench/profile-summary.mjs bench/out/CPU.*.cpuprofile [--top 25]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true, strict: true });
if (!positionals.length) {
  process.stderr.write('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top 25]\n');
  process.exit(2);
}
const top = Number(values.top);

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const shortUrl = (url) => {
    if (!url) return '';
    const nm = url.lastIndexOf('node_modules/');
    if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
    const src = url.indexOf('/packages/');
    if (src >= 0) return url.slice(src + 1);
    return url.replace(/^file:\/\//, '');
  };
  const key = (n) => {
    const f = n.callFrame;
    return `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  };
  const group = (n) => {
    const url = n.callFrame.url;
    if (!url) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)';
    const nm = url.lastIndexOf('node_modules/');
    if (nm >= 0) {
      const rest = url.slice(nm + 'node_modules/'.length).split('/');
      return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    }
    if (url.startsWith('node:')) return 'node: (core)';
    const src = url.indexOf('/packages/');
    return src >= 0
      ? url
          .slice(src + 1)
          .replace('/dist/', '/src/')
          .replace(/\.js$/, '.ts')
      : url;
  };

  const self = new Map();
  const incl = new Map();
  const groups = new Map();
  let total = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = (timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const leaf = nodes.get(samples[i]);
    if (!leaf) continue;
    const k = key(leaf);
    self.set(k, (self.get(k) ?? 0) + dt);
    const g = group(leaf);
    groups.set(g, (groups.get(g) ?? 0) + dt);
    const seen = new Set();
    for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
      const kk = key(nodes.get(id));
      if (seen.has(kk)) continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) ?? 0) + dt);
    }
  }
  const idle = self.get('(idle)  ') ?? 0;
  const busy = total - idle;
  const pct = (ms) => `${((ms / busy) * 100).toFixed(1).padStart(5)} %`;
  const print = (title, map, n) => {
    process.stdout.write(`\n${title}\n`);
    const rows = [...map.entries()].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)')).sort((a, b) => b[1] - a[1]);
    for (const [k, ms] of rows.slice(0, n)) process.stdout.write(`  ${pct(ms)}  ${ms.toFixed(0).padStart(7)} ms  ${k}\n`);
  };
  process.stdout.write(`${file}\n  ${(total / 1000).toFixed(1)} s sampled, busy ${(busy / 1000).toFixed(1)} s (percentages below are of busy time)\n`);
  print('Self time by package / file', groups, top);
  print('Self time by function', self, top);
  print('Inclusive time by function', incl, top);
}

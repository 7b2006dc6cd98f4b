// bench/RESULTS.md holds the load benchmark's figures (bench/run.mjs rewrites the top) and one
// section per other benchmark, each between `<!-- name:start -->` and `<!-- name:end -->`, which
// that benchmark replaces in place and every other run keeps.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const resultsFile = new URL('./RESULTS.md', import.meta.url);

const blocks = /<!-- ([a-z-]+):start -->[\s\S]*?<!-- \1:end -->\n?/g;

/** Every marked section of the current file, in order (what bench/run.mjs keeps). */
export function keptSections() {
  if (!existsSync(resultsFile)) return '';
  return [...readFileSync(resultsFile, 'utf8').matchAll(blocks)].map((m) => m[0].trimEnd()).join('\n\n');
}

/** Replace (or append) the section `name` with `body` (markdown without the markers). */
export function writeSection(name, body) {
  const md = `<!-- ${name}:start -->\n${body.trim()}\n<!-- ${name}:end -->\n`;
  const current = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
  const block = new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->\\n?`);
  const next = block.test(current) ? current.replace(block, md) : `${current.trimEnd()}${current ? '\n\n' : ''}${md}`;
  writeFileSync(resultsFile, next);
}

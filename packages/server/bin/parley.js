#!/usr/bin/env node
// The `parley` command runs the compiled server. `npm install` builds it (the root `prepare`
// script); if it was skipped (e.g. `--ignore-scripts`), say what to run instead of a module error.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
const workspace = new URL('../../workspace/dist/index.html', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'parley: the server is not built yet (packages/server/dist is missing).\n' +
      '  Run `npm run build` once, then `npx parley serve` again,\n' +
      '  or `npm start`, which builds what is missing and starts the server.\n',
  );
  process.exit(1);
}
if (!existsSync(workspace) && process.argv[2] === 'serve') {
  process.stderr.write('parley: the agent workspace is not built (packages/workspace/dist is missing): run `npm run build` to get it at /.\n');
}
await import(main.href);

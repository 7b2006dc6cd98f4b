import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = import.meta.dirname;

/** Writes .br and .gz next to the JS and CSS assets; the server sends them to browsers that accept them. */
function precompress(): Plugin {
  return {
    name: 'parley-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css)$/.test(name) || !options.dir) continue;
        const path = join(options.dir, name);
        const body = readFileSync(path);
        writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
        writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

// The server serves dist/ at `/` (packages/server/src/http/static.ts); `npm run dev -w @parley/workspace`
// proxies the API and Socket.IO to a server on :8080.
export default defineConfig({
  root,
  plugins: [react(), precompress()],
  resolve: { alias: { '@parley/contract': join(root, '../contract/src/index.ts') } },
  build: { outDir: join(root, 'dist'), emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: true },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/socket.io': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});

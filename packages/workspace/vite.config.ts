import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

// The server serves dist/ at `/` (packages/server/src/http/static.ts); `npm run dev -w @parley/workspace`
// proxies the API and Socket.IO to a server on :8080.
export default defineConfig({
  root,
  plugins: [react()],
  resolve: { alias: { '@parley/contract': join(root, '../contract/src/index.ts') } },
  build: { outDir: join(root, 'dist'), emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: true },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/socket.io': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});

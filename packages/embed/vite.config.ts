import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// One classic IIFE, dist/embed.js, that defines window.ParleyEmbed; the server serves it at /embed.js
// and the Salesforce package ships a copy as its static resource (scripts/run.mjs copies it).
const here = import.meta.dirname;
const contractSrc = resolve(here, '../contract/src');

export default defineConfig({
  // Only the embedding protocol (zod/mini) of the contract is used: mark the contract
  // side-effect free so the rest (and classic zod) is tree-shaken away.
  resolve: { alias: { '@parley/contract': resolve(contractSrc, 'index.ts') } },
  publicDir: false,
  build: {
    target: 'es2020',
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    reportCompressedSize: true,
    lib: { entry: resolve(here, 'src/global.ts'), name: 'ParleyEmbedBundle', formats: ['iife'], fileName: () => 'embed.js' },
    rollupOptions: { treeshake: { moduleSideEffects: (id: string) => !id.startsWith(contractSrc) && !id.includes('/node_modules/zod/') } },
  },
});

import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Two builds into one dist/ (see package.json "build"):
//  - default: the chat UI, src/frame/frame.html → dist/frame.html + dist/assets/*, and public/ (demo.html)
//  - `--mode loader`: the host-page script, src/loader/loader.ts → dist/widget.js, one classic IIFE
// The server serves dist/widget.js at /widget.js, dist/* at /widget/*, and dist/demo.html at /demo.
const here = import.meta.dirname;
const contractSrc = resolve(here, '../contract/src');

export default defineConfig(({ mode }) => {
  const shared = {
    // The widget imports only the zod-free parts of the contract (SeqTracker, types): mark the
    // contract side-effect free so its schemas (and zod) are tree-shaken away.
    resolve: { alias: { '@parley/contract': resolve(contractSrc, 'index.ts') } },
    build: {
      target: 'es2020',
      outDir: resolve(here, 'dist'),
      reportCompressedSize: true,
      rollupOptions: { treeshake: { moduleSideEffects: (id: string) => !id.startsWith(contractSrc) } },
    },
  };
  if (mode === 'loader') {
    return {
      ...shared,
      publicDir: false,
      build: {
        ...shared.build,
        emptyOutDir: false,
        lib: { entry: resolve(here, 'src/loader/loader.ts'), name: 'ParleyWidgetLoader', formats: ['iife'], fileName: () => 'widget.js' },
      },
    };
  }
  return {
    ...shared,
    root: resolve(here, 'src/frame'),
    base: '/widget/',
    publicDir: resolve(here, 'public'),
    build: {
      ...shared.build,
      emptyOutDir: true,
      rollupOptions: { ...shared.build.rollupOptions, input: resolve(here, 'src/frame/frame.html') },
    },
  };
});

import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

/**
 * Three builds: the main process (Electron entry, the browser host, the
 * import worker and the index worker, all plain Node ESM), the sandboxed preload (one CommonJS
 * file: a sandboxed preload can require nothing but electron), and the renderer.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-main/electron/main.ts'),
          host: resolve(import.meta.dirname, 'src-main/host/cli.ts'),
          'import-worker': resolve(import.meta.dirname, 'src-main/runtime/import/worker.ts'),
          'index-worker': resolve(import.meta.dirname, 'src-main/runtime/sync/index-worker.ts'),
          'export-worker': resolve(import.meta.dirname, 'src-main/runtime/export/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') } },
    },
  },
});

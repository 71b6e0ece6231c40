import { defineConfig } from 'vite';

/** The renderer: React + xterm.js, built to dist/renderer for Electron and browser mode alike. */
export default defineConfig({
  root: 'renderer',
  base: './',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
  },
});

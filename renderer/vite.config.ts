import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The renderer build, shared by electron-vite (desktop, electron.vite.config.ts)
 * and web mode (`npm run build:web`, or `docqa serve` on first use). Output:
 * out/renderer. Relative asset URLs so the same files load from file:// and HTTP.
 */
export default defineConfig({
  root,
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    // The polyfill would be an inline-looking script; Chromium/Electron have native modulepreload.
    modulePreload: { polyfill: false },
    // electron-vite leaves minification off unless asked; the desktop app gets the same bundle as web mode.
    minify: true,
    cssMinify: true,
    reportCompressedSize: false,
    rolldownOptions: { input: fileURLToPath(new URL('./index.html', import.meta.url)) },
  },
});

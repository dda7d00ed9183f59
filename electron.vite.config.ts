import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import renderer from './renderer/vite.config.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Every `*.worker.ts` under main/: each becomes `out/main/<name>.worker.js`,
 * the flat layout `setWorkerDirectory()` expects in the desktop bundle.
 */
function workerEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.worker.ts')) {
        const name = entry.name.replace(/\.ts$/, '');
        if (entries[name]) throw new Error(`two workers named ${name}: ${entries[name]} and ${file}`);
        entries[name] = file;
      }
    }
  };
  walk(path.join(root, 'main'));
  return entries;
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: { index: path.join(root, 'main/index.ts'), ...workerEntries() },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: path.join(root, 'preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer,
});

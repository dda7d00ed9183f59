import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import renderer from './renderer/vite.config.js';

const root = fileURLToPath(new URL('.', import.meta.url));
/** Where the three bundles go: out/ (what package.json "main" and electron-builder expect); tests build elsewhere. */
const out = path.resolve(root, process.env.DOCQA_OUT_DIR ?? 'out');

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
      outDir: path.join(out, 'main'),
      rolldownOptions: {
        input: { index: path.join(root, 'main/index.ts'), ...workerEntries() },
        // Chunks sit beside the entries too: a worker started from code in any chunk (in any thread,
        // where setWorkerDirectory may not have run) finds `./<name>.worker.js` next to itself.
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: path.join(out, 'preload'),
      rolldownOptions: {
        input: { index: path.join(root, 'preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: { ...renderer, build: { ...renderer.build, outDir: path.join(out, 'renderer') } },
});

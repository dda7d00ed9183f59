import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** out/main, where electron-vite puts index.js and every `<name>.worker.js`. */
export const MAIN_OUT_DIR = path.dirname(fileURLToPath(import.meta.url));

export const PRELOAD_FILE = path.join(MAIN_OUT_DIR, '..', 'preload', 'index.cjs');
/** The built renderer, served to the window as app://docqa/ (see appProtocol.ts). */
export const RENDERER_DIR = path.join(MAIN_OUT_DIR, '..', 'renderer');

/** The repository root during `npm run dev` (out/main → ../..). */
const DEV_ROOT = path.resolve(MAIN_OUT_DIR, '..', '..');

/**
 * The Electron-ABI better-sqlite3 addon for development runs (`npm run
 * native:electron` builds it; node_modules keeps the Node-ABI build for
 * tests). A packaged app needs none: electron-builder rebuilds node_modules
 * for Electron.
 */
export function devSqliteBinding(electronVersion: string): string | null {
  const file = path.join(
    DEV_ROOT,
    'native',
    'electron',
    `${electronVersion}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
  return existsSync(file) ? file : null;
}

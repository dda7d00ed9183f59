import { Worker, type WorkerOptions } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { disableOrtTelemetry } from './ortTelemetry.js';

/**
 * Where worker entry files live.
 *
 * The engine runs in three shapes: TypeScript sources (vitest, `tsx`), the tsc
 * build in out/node (the `docqa` CLI and web mode), and the electron-vite bundle
 * (desktop app). In the first two a worker sits next to the module that starts
 * it; the bundle flattens everything, so the desktop main process calls
 * `setWorkerDirectory()` once with the folder that holds `<name>.worker.js`.
 */
let bundledWorkerDir: string | null = null;

export function setWorkerDirectory(dir: string | null): void {
  bundledWorkerDir = dir;
}

/**
 * Start the worker `<name>.worker.(ts|js)` that sits next to `callerUrl`
 * (pass `import.meta.url`). Running from .ts sources, the worker gets the tsx
 * loader so it can import TypeScript too.
 */
export function spawnWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  // Before any thread can create an ORT session (see ortTelemetry.ts).
  disableOrtTelemetry();
  if (bundledWorkerDir) {
    return new Worker(path.join(bundledWorkerDir, `${name}.worker.js`), options);
  }
  const fromSource = callerUrl.endsWith('.ts');
  const file = fileURLToPath(new URL(`./${name}.worker.${fromSource ? 'ts' : 'js'}`, callerUrl));
  if (!fromSource) return new Worker(file, options);
  // A worker's loader hooks are its own: register tsx inside the worker, then load the entry.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

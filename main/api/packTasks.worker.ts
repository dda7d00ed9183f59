/**
 * Downloads or imports one model pack off the caller's thread: importing
 * opens the encoder in onnxruntime to validate it, which blocks for seconds.
 */
import { parentPort } from 'node:worker_threads';
import { defaultModelsDir, downloadPack, importFolder, type ImportedPack } from '../engine/models/index.js';
import { serveRpc } from '../engine/workers/rpc.js';
import type { PackTaskMethods } from './packTasks.js';

function listing({ dir, manifest }: ImportedPack) {
  const files = Object.values((manifest.files ?? {}) as Record<string, { bytes?: number }>);
  return {
    name: manifest.name,
    dir,
    kind: manifest.kind,
    version: manifest.version,
    dim: manifest.dim,
    license: manifest.license,
    bytes: files.reduce((n, f) => n + (f.bytes ?? 0), 0),
  };
}

serveRpc<PackTaskMethods>(parentPort!, {
  run: async (task, { signal, progress }) => {
    const modelsDir = defaultModelsDir();
    const installed =
      task.kind === 'download'
        ? await downloadPack(task.id, {
            modelsDir,
            ...(task.precision ? { precision: task.precision } : {}),
            signal,
            onProgress: progress,
          })
        : await importFolder(task.folder, { modelsDir, ...(task.name ? { name: task.name } : {}) });
    return listing(installed);
  },
});

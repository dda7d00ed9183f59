/**
 * Downloads or imports one model pack off the caller's thread: importing
 * opens the encoder in onnxruntime to validate it, which blocks for seconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { defaultModelsDir, downloadPack, importFolder, type ImportedPack } from '../engine/models/index.js';
import { serializeError } from './engineProtocol.js';
import type { PackTask, PackTaskMessage } from './packTasks.js';

const port = parentPort!;
const task = workerData as PackTask;
const controller = new AbortController();
const post = (m: PackTaskMessage): void => port.postMessage(m);
port.on('message', (m: { kind: 'abort' }) => {
  if (m.kind === 'abort') controller.abort();
});

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

try {
  const modelsDir = defaultModelsDir();
  const installed =
    task.kind === 'download'
      ? await downloadPack(task.id, {
          modelsDir,
          ...(task.precision ? { precision: task.precision } : {}),
          signal: controller.signal,
          onProgress: (progress) => post({ kind: 'progress', progress }),
        })
      : await importFolder(task.folder, { modelsDir, ...(task.name ? { name: task.name } : {}) });
  post({ kind: 'done', pack: listing(installed) });
} catch (e) {
  post({ kind: 'error', error: serializeError(e) });
} finally {
  port.close();
}

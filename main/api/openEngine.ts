import { setResourcesDirectory } from '../engine/towers/builtinPack.js';
import type { AppEngine } from './appEngine.js';
import type { EngineWorkerData } from './engineProtocol.js';

/** Opens the real engine with the process-wide settings the desktop app needs applied first. */
export async function openEngine(data: EngineWorkerData): Promise<AppEngine> {
  if (data.resourcesDir) setResourcesDirectory(data.resourcesDir);
  const { Library, setSqliteNativeBinding } = await import('../engine/library/index.js');
  if (data.sqliteBinding) setSqliteNativeBinding(data.sqliteBinding);
  const { ftsRebuildNotice } = await import('../engine/store/ftsIndex.js');
  // Web mode's terminal says why the first answer waits (the desktop app has no terminal to show).
  return Library.open({
    ...data.open,
    onFtsRebuild: (passages) => process.stderr.write(`${ftsRebuildNotice(data.open.dbPath, passages)}\n`),
  });
}

import { parentPort, workerData } from 'node:worker_threads';
import { setSqliteNativeBinding } from '../store/database.js';
import { serveRpc } from '../workers/rpc.js';
import { runIngestJob } from './ingestJob.js';
import type { JobMethods } from './jobRunner.js';
import { Extractor } from './extractor.js';
import { PackCache } from './packCache.js';
import { runReembedJob } from './reembedJob.js';

// Indexing and re-embedding jobs, one at a time, off the calling thread (the UI
// or HTTP server only receives progress). The worker lives across jobs so that
// its tower packs and extractors stay loaded.
// The desktop app's Electron-ABI SQLite addon, when the thread that started us uses one.
const { sqliteBinding } = (workerData ?? {}) as { sqliteBinding?: string | null };
if (sqliteBinding) setSqliteNativeBinding(sqliteBinding);
const packs = new PackCache();
// Files are read in a thread of the job's own, kept across jobs like the packs (bounds are set per job).
const extractor = new Extractor();

serveRpc<JobMethods>(parentPort!, {
  ingest: (params, { progress, signal }) => runIngestJob(params, progress, signal, packs, extractor),
  reembed: (params, { progress, signal }) => runReembedJob(params, progress, signal, packs),
  shutdown: async () => {
    await Promise.all([packs.closeAll(), extractor.close()]);
    return null;
  },
});

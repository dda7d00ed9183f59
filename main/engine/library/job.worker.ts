import { parentPort, workerData } from 'node:worker_threads';
import { describeError, isUserError } from '../errors.js';
import { setSqliteNativeBinding } from '../store/database.js';
import { runIngestJob } from './ingestJob.js';
import type { JobMessage, JobRequest } from './jobRunner.js';
import { Extractor } from './extractor.js';
import { PackCache } from './packCache.js';
import { runReembedJob } from './reembedJob.js';

// Indexing and re-embedding jobs, one at a time, off the calling thread (the UI
// or HTTP server only receives progress). The worker lives across jobs so that
// its tower packs and extractors stay loaded.
// The desktop app's Electron-ABI SQLite addon, when the thread that started us uses one.
const { sqliteBinding } = (workerData ?? {}) as { sqliteBinding?: string | null };
if (sqliteBinding) setSqliteNativeBinding(sqliteBinding);
const port = parentPort!;
const packs = new PackCache();
// Files are read in a thread of the job's own, kept across jobs like the packs (bounds are set per job).
const extractor = new Extractor();
const running = new Map<number, AbortController>();
const send = (m: JobMessage): void => port.postMessage(m);

port.on('message', (m: JobRequest | { type: 'cancel'; id: number } | { type: 'shutdown' }) => {
  if (m.type === 'cancel') {
    running.get(m.id)?.abort();
    return;
  }
  if (m.type === 'shutdown') {
    void Promise.all([packs.closeAll(), extractor.close()]).then(() => port.close());
    return;
  }
  const abort = new AbortController();
  running.set(m.id, abort);
  const onProgress = (progress: unknown): void => send({ type: 'progress', id: m.id, progress });
  const run =
    m.job === 'ingest'
      ? runIngestJob(m.params, onProgress, abort.signal, packs, extractor)
      : runReembedJob(m.params, onProgress, abort.signal, packs);
  run
    .then(
      (result) => send({ type: 'done', id: m.id, result }),
      (e: unknown) =>
        send({
          type: 'error',
          id: m.id,
          message: describeError(e),
          user: isUserError(e),
          subject: (e as { subject?: string }).subject,
        }),
    )
    .finally(() => running.delete(m.id));
});

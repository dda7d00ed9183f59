import { parentPort } from 'node:worker_threads';
import { describeError, isUserError } from '../errors.js';
import { runIngestJob } from './ingestJob.js';
import { runReembedJob } from './reembedJob.js';
import type { JobMessage, JobRequest } from './jobRunner.js';

// One job per worker: the calling thread (UI, HTTP server) only receives progress.
const port = parentPort!;
const abort = new AbortController();
const send = (m: JobMessage): void => port.postMessage(m);
const onProgress = (progress: unknown): void => send({ type: 'progress', progress });

port.on('message', (m: JobRequest | { type: 'cancel' }) => {
  if (m.type === 'cancel') {
    abort.abort();
    return;
  }
  const run =
    m.job === 'ingest' ? runIngestJob(m.params, onProgress, abort.signal) : runReembedJob(m.params, onProgress, abort.signal);
  run.then(
    (result) => send({ type: 'done', result }),
    (e: unknown) =>
      send({ type: 'error', message: describeError(e), user: isUserError(e), subject: (e as { subject?: string }).subject }),
  );
});

import { parentPort } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { extractFile, isExtractError } from '../ingest/index.js';
import type { ExtractReply, ExtractRequest } from './extractor.js';

// Reads one file at a time for an ingest job. It is its own thread so that a
// file that exhausts the heap (or crashes the reader) takes only this thread
// down: the job notices, records the file as failed and starts a new one.
const port = parentPort!;

port.on('message', (m: ExtractRequest) => {
  // A long PDF's pages as they are read: the job shows them while it waits for the text.
  const onPage = (done: number, total: number): void =>
    port.postMessage({ id: m.id, pages: { done, total } } satisfies ExtractReply);
  extractFile(m.absPath, {
    type: m.type,
    inflate: m.inflate,
    maxExtractedChars: m.maxExtractedChars,
    onPage,
  }).then(
    (doc) => port.postMessage({ id: m.id, doc } satisfies ExtractReply),
    (e: unknown) =>
      port.postMessage({
        id: m.id,
        // The reason alone ("binary file", "not a valid PDF"): the failed-file list shows the path beside it.
        failure: isExtractError(e) ? e.reason : describeError(e),
      } satisfies ExtractReply),
  );
});

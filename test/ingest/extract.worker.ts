import { parentPort } from 'node:worker_threads';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';

// Extracts the file it is sent, as the engine's ingest workers do, and answers with the chunks' texts.
parentPort!.on('message', async (file: string) => {
  try {
    const doc = await extractFile(file);
    parentPort!.postMessage({ title: doc.title, chunks: chunkDocument(doc).map((c) => [c.page, c.text]) });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});

import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { openDatabase, setSqliteNativeBinding } from '../store/database.js';
import { listVectorSets } from '../store/vectorSets.js';
import { DenseChannel } from './dense.js';
import type { DenseSearchInit, DenseSearchReply, DenseSearchRequest } from './denseSearchWorker.js';

// Binary coarse search + float rescoring for large libraries, on its own read
// connection (WAL: it sees every committed write) while the calling thread runs
// BM25 for the same question.
const init = workerData as DenseSearchInit;
if (init.sqliteBinding) setSqliteNativeBinding(init.sqliteBinding);
const port = parentPort!;
const db = openDatabase(init.dbPath, { readonly: true });
let channel: DenseChannel | null = null;

port.on('message', (m: DenseSearchRequest | { type: 'close' }) => {
  if (m.type === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: DenseSearchReply;
  try {
    if (channel?.set.id !== m.setId) {
      const set = listVectorSets(db).find((s) => s.id === m.setId);
      if (!set) throw new Error(`vector set ${m.setId} is gone`);
      channel = new DenseChannel(db, set);
    }
    const top = channel.coarseThenRescore(m.question, m.k);
    reply = { id: m.id, ids: Float64Array.from(top.keys()), scores: Float64Array.from(top.values()) };
  } catch (e) {
    channel = null; // e.g. the set's table was dropped by a finished re-embedding
    reply = { id: m.id, error: describeError(e) };
  }
  port.postMessage(reply);
});

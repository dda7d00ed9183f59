import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, setSqliteNativeBinding } from '../store/database.js';
import { listVectorSets } from '../store/vectorSets.js';
import { serveRpc } from '../workers/rpc.js';
import { DenseChannel } from './dense.js';
import type { DenseSearchInit, DenseSearchMethods } from './denseSearchWorker.js';

// Binary coarse search + float rescoring for large libraries, on its own read
// connection (WAL: it sees every committed write) while the calling thread runs
// BM25 for the same question.
const init = workerData as DenseSearchInit;
if (init.sqliteBinding) setSqliteNativeBinding(init.sqliteBinding);
const db = openDatabase(init.dbPath, { readonly: true });
let channel: DenseChannel | null = null;

serveRpc<DenseSearchMethods>(parentPort!, {
  top: ({ setId, question, k }) => {
    try {
      if (channel?.set.id !== setId) {
        const set = listVectorSets(db).find((s) => s.id === setId);
        if (!set) throw new Error(`vector set ${setId} is gone`);
        channel = new DenseChannel(db, set);
      }
      const top = channel.coarseThenRescore(question, k);
      return { ids: Float64Array.from(top.keys()), scores: Float64Array.from(top.values()) };
    } catch (e) {
      channel = null; // e.g. the set's table was dropped by a finished re-embedding
      throw e;
    }
  },
  close: () => {
    db.close();
    return null;
  },
});

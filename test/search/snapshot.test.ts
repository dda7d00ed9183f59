import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packIdentity } from '../../main/engine/library/packSet.js';
import { DenseChannel } from '../../main/engine/search/dense.js';
import { passageText } from '../../main/engine/text/passageText.js';
import { ScoreFusionRanker } from '../../main/engine/search/ranker.js';
import { Searcher } from '../../main/engine/search/searcher.js';
import { openDatabase, type Db } from '../../main/engine/store/database.js';
import { DocumentStore } from '../../main/engine/store/documentStore.js';
import { insertFolder } from '../../main/engine/store/folders.js';
import { createVectorSet, type VectorSet } from '../../main/engine/store/vectorSets.js';
import { openPack } from '../../main/engine/towers/openPack.js';
import type { TowerPack } from '../../main/engine/towers/types.js';
import { tempDir, writeTestPack } from '../library/helpers.js';
import { onePassageDocument } from './onePassageDocument.js';

/**
 * An ingest (another connection) commits while a question is being answered.
 * `ingest --force` rewrites every document under new chunk ids: the ids one
 * channel recalled were gone when the passages were looked up, the right
 * passage dropped out and another became the top answer (0.25–0.75% of the
 * questions asked during `ingest --force` in the campaign).
 */
const tmp = tempDir('docqa-snapshot-');
let pack: TowerPack;
let reader: Db;
let writer: Db;
let set: VectorSet;
let folderId: number;

const DOCS: [string, string][] = [
  ['travel.txt', 'Bring an umbrella: it rains often in autumn.'],
  ['tea.md', 'Green tea wants water at eighty degrees, never boiling.'],
];
/** Left alone by the rewrite: it shares one word with the question, so it wins if travel.txt loses its BM25 score. */
const STABLE: [string, string] = ['weather.txt', 'Autumn evenings are cool and short.'];

async function write(store: DocumentStore, relPath: string, text: string): Promise<void> {
  const vectors = await pack.embedAnswers([passageText(relPath, [], text)]);
  store.write(onePassageDocument(folderId, relPath, text, new Map([[set.id, vectors]])));
}

function chunkIdOf(db: Db, relPath: string): number {
  return db
    .prepare('SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.rel_path = ?')
    .pluck()
    .get(relPath) as number;
}

beforeAll(async () => {
  pack = await openPack(await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 64 }), {
    provider: 'cpu',
    workers: 1,
  });
  const dbPath = path.join(tmp.dir, 'lib.sqlite');
  writer = openDatabase(dbPath);
  folderId = insertFolder(writer, path.join(tmp.dir, 'docs'));
  set = createVectorSet(writer, packIdentity(pack), 'active');
  const store = new DocumentStore(writer);
  for (const [relPath, text] of [...DOCS, STABLE]) await write(store, relPath, text);
  reader = openDatabase(dbPath);
});

afterAll(async () => {
  reader?.close();
  writer?.close();
  await pack?.close();
  tmp.cleanup();
});

describe('a search while an ingest rewrites the library', () => {
  it('answers from one state of the library: the rewritten passage under its new id, first', async () => {
    const travelId = chunkIdOf(reader, 'travel.txt');
    const searcher = new Searcher(reader, new ScoreFusionRanker(0.5));
    let rewritten = false;
    const outcome = await searcher.search('umbrella rains autumn', 1, 'hybrid', {
      channel: new DenseChannel(reader, set),
      // While the question tower runs (BM25 has recalled by then), the other
      // connection rewrites both documents, as `ingest --force` does.
      embedQuestion: async (q) => {
        await new Promise((resolve) => setImmediate(resolve)); // after BM25, which runs synchronously meanwhile
        const store = new DocumentStore(writer);
        const ids = writer
          .prepare('SELECT id FROM documents WHERE rel_path != ?')
          .pluck()
          .all(STABLE[0]) as number[];
        writer.transaction(() => ids.forEach((id) => store.remove(id)))();
        for (const [relPath, text] of DOCS) await write(store, relPath, text);
        rewritten = true;
        return pack.embedQuestions([q]);
      },
    });
    expect(rewritten).toBe(true);
    expect(chunkIdOf(reader, 'travel.txt')).not.toBe(travelId); // BM25 recalled an id that is gone now
    // Scored in one state: travel.txt keeps its BM25 score (recalled under its old id, it had none).
    expect(outcome.results.map((r) => r.path)).toEqual(['travel.txt']);
    expect(outcome.notFound).toBe(false);
    const top = outcome.results[0]!;
    expect(top.path).toBe('travel.txt');
    expect(top.text).toContain('umbrella');
    expect(top.chunkId).toBe(chunkIdOf(reader, 'travel.txt'));
    for (const r of outcome.results) expect(r.text).toBe([...DOCS, STABLE].find(([p]) => p === r.path)![1]);
  });
});

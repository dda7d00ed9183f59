import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import { openDatabase } from '../../main/engine/store/database.js';
import { FTS_DRIFT_ALLOWED } from '../../main/engine/store/ftsIndex.js';
import { FtsTotals } from '../../main/engine/store/ftsTotals.js';
import { checkLibraryFile } from './consistency.js';
import { tempDir, writeTestPack } from './helpers.js';
import { seededRandom } from './random.js';

const tmp = tempDir('docqa-fts-compaction-');
let packDir: string;

const WORDS = ['tide', 'moon', 'harbour', 'ferry', 'lighthouse', 'storm', 'gull', 'pier', 'salt', 'reef'];

/** Ten notes of three paragraphs in `folder` (under the temp dir); `edition` changes one word of each, so every passage is rewritten. */
function writeNotes(folder: string, edition: number): void {
  const random = seededRandom(7);
  for (let i = 0; i < 10; i++) {
    const paragraphs = Array.from({ length: 3 }, (_, p) => {
      const words = Array.from({ length: 30 + p * 10 }, () => WORDS[Math.floor(random() * WORDS.length)]);
      return `Note ${i} part ${p} edition ${edition}: ${words.join(' ')}.`;
    });
    tmp.file(path.join(folder, `note-${i}.txt`), paragraphs.join('\n\n'));
  }
}

function ftsCounts(dbPath: string): { indexed: number; passages: number } {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return {
      indexed: new FtsTotals(db).read().rows,
      passages: db.prepare('SELECT COUNT(*) FROM chunks').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

/** Each result as a fresh library would show it: the file, the text, the BM25 score. */
async function answers(lib: Library, question: string) {
  const { results } = await lib.ask(question, { k: 10, mode: 'bm25' });
  return results.map((r) => ({ path: r.path, text: r.text, score: r.score }));
}

/** `docs` indexed into a new library `name`.sqlite: what the edited library should score like. */
async function indexedAnew(name: string, docs: string): Promise<Library> {
  const lib = await Library.open({ dbPath: path.join(tmp.dir, `${name}.sqlite`), packDir, provider: 'cpu' });
  try {
    await lib.addFolder(docs);
    await lib.ingest();
    return lib;
  } catch (e) {
    await lib.close();
    throw e;
  }
}

beforeAll(async () => {
  packDir = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 32 });
});
afterAll(() => tmp.cleanup());

describe('the full-text index after many rewritten passages', () => {
  it('is rebuilt at the end of the run, and then scores as a library indexed anew', async () => {
    const docs = path.join(tmp.dir, 'notes');
    writeNotes('notes', 0);
    const dbPath = path.join(tmp.dir, 'edited.sqlite');
    const lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
    try {
      await lib.addFolder(docs);
      await lib.ingest();
      const first = ftsCounts(dbPath);
      expect(first.indexed).toBe(first.passages);

      // Every note edited: FTS5 now also counts the old passages (a contentless index keeps
      // removed rows in its totals), more than the allowance; the run rebuilds the index.
      writeNotes('notes', 1);
      const phases: string[] = [];
      await lib.ingest({ onProgress: (p) => phases.push(p.phase) });
      expect(phases).toContain('compacting');
      const rebuilt = ftsCounts(dbPath);
      expect(rebuilt.indexed).toBe(rebuilt.passages);
      expect(checkLibraryFile(dbPath)).toEqual([]);

      // The same notes indexed into a new library: the same passages, the same scores.
      const fresh = await indexedAnew('fresh', docs);
      try {
        const questions = ['note 3 reef salt', 'storm in part 2 of note 7', 'lighthouse note 5'];
        for (const question of questions) {
          const [got, expected] = [await answers(lib, question), await answers(fresh, question)];
          expect(got.length).toBeGreaterThan(3);
          expect(got[0].score).toBeGreaterThan(1); // rare words weigh: the totals matter
          expect(got.map((r) => [r.path, r.text])).toEqual(expected.map((r) => [r.path, r.text]));
          for (let i = 0; i < got.length; i++) expect(got[i].score).toBeCloseTo(expected[i].score, 9);
        }

        // A small edit stays within the allowance: no rebuild; FTS5's totals run a little ahead,
        // and the scores drift from those of a library indexed anew (what the rebuild puts right).
        tmp.file(path.join('notes', 'note-0.txt'), 'Note 0 now holds one line about the pier and the gull.');
        phases.length = 0;
        await lib.ingest({ onProgress: (p) => phases.push(p.phase) });
        expect(phases).not.toContain('compacting');
        const edited = ftsCounts(dbPath);
        expect(edited.indexed).toBeGreaterThan(edited.passages);
        expect(edited.indexed).toBeLessThanOrEqual(edited.passages * (1 + FTS_DRIFT_ALLOWED));
        const anew = await indexedAnew('anew', docs);
        try {
          const [got, expected] = [await answers(lib, questions[0]), await answers(anew, questions[0])];
          const shown = (list: typeof got) => list.map((r) => `${r.text} ${r.score.toFixed(6)}`);
          expect(shown(got)).not.toEqual(shown(expected));
        } finally {
          await anew.close();
        }
      } finally {
        await fresh.close();
      }
    } finally {
      await lib.close();
    }
  });
});

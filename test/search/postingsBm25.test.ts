import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Bm25Channel } from '../../main/engine/search/bm25.js';
import { matchExpression } from '../../main/engine/search/ftsQuery.js';
import { PostingsBm25 } from '../../main/engine/search/postingsBm25.js';
import { FtsTotals } from '../../main/engine/store/ftsTotals.js';
import { indexColumns } from '../../main/engine/text/analyzer.js';
import { openDatabase, type Db } from '../../main/engine/store/database.js';
import { DocumentStore } from '../../main/engine/store/documentStore.js';
import { insertFolder } from '../../main/engine/store/folders.js';
import { tempDir } from '../library/helpers.js';
import { seededRandom } from '../library/random.js';
import { passagesDocument } from './onePassageDocument.js';

const tmp = tempDir('docqa-postings-');
let db: Db;
let store: DocumentStore;
let folderId: number;
const random = seededRandom(11);

const WORDS = Array.from({ length: 120 }, (_, i) => `word${i.toString(36)}q`);
const HANZI = '茶叶绿红水山河城市北南东西';

/** Documents of passages from 3 to ~600 tokens (row lengths past one varint byte), English and Chinese. */
function writeDocuments(from: number, count: number): number[] {
  const ids: number[] = [];
  for (let d = from; d < from + count; d++) {
    const texts = Array.from({ length: 6 }, () => {
      const length = 3 + Math.floor(random() ** 2 * 300);
      const words: string[] = [];
      for (let i = 0; i < length; i++)
        words.push(
          random() < 0.15
            ? HANZI[Math.floor(random() * HANZI.length)] + HANZI[Math.floor(random() * HANZI.length)]
            : WORDS[Math.floor(random() * random() * WORDS.length)],
        );
      return words.join(' ');
    });
    ids.push(store.write(passagesDocument(folderId, `d${d}.txt`, `Doc ${d}`, ['Part'], texts)));
  }
  return ids;
}

/** FTS5's own top k, scores positive. */
function ftsTop(terms: readonly string[], k: number): [number, number][] {
  return (
    db
      .prepare(
        'SELECT rowid AS id, -bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?',
      )
      .all(matchExpression(terms), k) as { id: number; score: number }[]
  ).map((r) => [r.id, r.score]);
}

/** Asks until the lengths are in memory (they load in slices between tasks). */
async function whenLoaded(postings: PostingsBm25, terms: string[], df: Map<string, number>) {
  for (let i = 0; i < 1000; i++) {
    const top = postings.top(terms, 10, df);
    if (top) return top;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('lengths never loaded');
}

/** Each query's top 25 from the postings is FTS5's: the same passages in the same order, the same scores. */
function expectFtsResults(postings: PostingsBm25, all: { terms: string[]; df: Map<string, number> }[]) {
  for (const { terms, df } of all) {
    const expected = ftsTop(terms, 25);
    const got = [...postings.top(terms, 25, df)!];
    expect(
      got.map(([id]) => id),
      terms.join(' '),
    ).toEqual(expected.map(([id]) => id));
    for (let i = 0; i < got.length; i++) expect(got[i][1]).toBeCloseTo(expected[i][1], 9);
  }
}

function queries(bm25: Bm25Channel): { terms: string[]; df: Map<string, number> }[] {
  const pick = seededRandom(5);
  const vocabulary = [...WORDS, ...[...HANZI].flatMap((a) => [...HANZI].map((b) => a + b)).slice(0, 60)];
  return Array.from({ length: 40 }, () => {
    const terms = Array.from(
      { length: 1 + Math.floor(pick() * 8) },
      () => indexColumns(vocabulary[Math.floor(pick() * vocabulary.length)]).body.split(' ')[0],
    );
    // A term listed twice counts twice, as a phrase named twice does in FTS5.
    if (pick() < 0.3) terms.push(terms[0]);
    const df = bm25.termStats(terms).df;
    return { terms: terms.filter((t) => df.get(t)! > 0), df };
  }).filter((q) => q.terms.length > 0);
}

beforeAll(() => {
  db = openDatabase(path.join(tmp.dir, 'lib.sqlite'));
  folderId = insertFolder(db, '/docs');
  store = new DocumentStore(db);
  writeDocuments(0, 60);
});

afterAll(() => {
  db.close();
  tmp.cleanup();
});

describe('BM25 from the postings', () => {
  it("gives FTS5's top passages and scores, for English and Chinese terms, a term listed twice included, from the second search on", async () => {
    const bm25 = new Bm25Channel(db);
    const postings = new PostingsBm25(db);
    const all = queries(bm25);
    // A process that searches once reads no lengths: FTS5 answers it.
    expect(postings.top(all[0].terms, 10, all[0].df)).toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    // The second search starts reading them.
    expect(postings.top(all[0].terms, 10, all[0].df)).toBeNull();
    await whenLoaded(postings, all[0].terms, all[0].df);
    const longest = db.prepare('SELECT MAX(length(sz)) FROM chunks_fts_docsize').pluck().get() as number;
    expect(longest, 'some row lengths take two varint bytes').toBeGreaterThan(2);
    expectFtsResults(postings, all);
  });

  it('follows passages added and removed after the lengths were read (in slices of 50 rows)', async () => {
    const bm25 = new Bm25Channel(db);
    const postings = new PostingsBm25(db, 50);
    const first = queries(bm25)[0];
    await whenLoaded(postings, first.terms, first.df);
    const added = writeDocuments(60, 10);
    store.remove(added[3]);
    store.remove(1);
    expectFtsResults(postings, queries(bm25));
  });

  it('lets FTS5 answer when its statements cannot read the index, and recovers', async () => {
    const bm25 = new Bm25Channel(db);
    const postings = new PostingsBm25(db);
    const [first] = queries(bm25);
    await whenLoaded(postings, first.terms, first.df);
    db.exec('DROP TABLE temp.chunks_fts_instance');
    expect(postings.top(first.terms, 10, first.df)).toBeNull();
    const again = await whenLoaded(postings, first.terms, first.df);
    expect([...again.keys()]).toEqual(ftsTop(first.terms, 10).map(([id]) => id));
  });

  it("scores with FTS5's totals, which keep removed passages, and counts the passages themselves", () => {
    const passages = db.prepare('SELECT COUNT(*) FROM chunks').pluck().get() as number;
    const { rows, tokens } = new FtsTotals(db).read();
    // 70 documents of 6 passages written, 2 removed: FTS5 still counts all 420.
    expect(rows).toBe(420);
    expect(passages).toBe(408);
    expect(tokens).toBeGreaterThan(128 ** 2); // a varint of three bytes
    const bm25 = new Bm25Channel(db);
    expect(bm25.termStats(['word1q']).chunks).toBe(passages);
    // The count follows this connection's writes.
    store.remove(2);
    expect(bm25.termStats(['word1q']).chunks).toBe(passages - 6);
  });

  it('is what a large library searches with, with the same results as FTS5', async () => {
    const large = new Bm25Channel(db, 0); // every library counts as large
    const chunks = large.termStats([]).chunks;
    const everyTerm = large.termStats([...new Set(queries(large).flatMap((q) => q.terms)), ...WORDS]).df;
    const selective = [...everyTerm].filter(([, n]) => n > 0 && n <= chunks * 0.05).map(([t]) => t);
    expect(selective.length).toBeGreaterThan(4);
    const pick = seededRandom(8);
    const all = Array.from({ length: 20 }, () => {
      const terms = Array.from(
        { length: 1 + Math.floor(pick() * 5) },
        () => selective[Math.floor(pick() * selective.length)],
      );
      return { terms, df: everyTerm };
    });
    const stats = (df: Map<string, number>) => ({ chunks, df });
    const answered = vi.spyOn(PostingsBm25.prototype, 'top');
    const before = all.map(({ terms, df }) => [...large.top(terms, 10, stats(df))]); // FTS5, while loading
    expect(answered.mock.results.every((r) => r.value === null)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    answered.mockClear();
    const after = all.map(({ terms, df }) => [...large.top(terms, 10, stats(df))]);
    // Spied on, not replaced: the postings answered these.
    expect(answered.mock.results.filter((r) => r.value !== null).length).toBe(all.length);
    answered.mockRestore();
    for (let q = 0; q < all.length; q++) {
      expect(after[q].map(([id]) => id)).toEqual(before[q].map(([id]) => id));
      for (let i = 0; i < after[q].length; i++) expect(after[q][i][1]).toBeCloseTo(before[q][i][1], 9);
    }
  });
});

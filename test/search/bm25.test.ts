import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bm25Channel } from '../../main/engine/search/bm25.js';
import { queryTerms } from '../../main/engine/search/ftsQuery.js';
import { openDatabase, type Db } from '../../main/engine/store/database.js';
import { DocumentStore } from '../../main/engine/store/documentStore.js';
import { insertFolder } from '../../main/engine/store/folders.js';
import { tempDir } from '../library/helpers.js';
import { seededRandom } from '../library/random.js';
import { passagesDocument } from './onePassageDocument.js';

const tmp = tempDir('docqa-bm25-');
let db: Db;

const COMMON = ['the', 'river', 'city', 'water', 'north'];
const RARE = Array.from({ length: 300 }, (_, i) => `term${i.toString(36)}x`);

beforeAll(() => {
  db = openDatabase(path.join(tmp.dir, 'lib.sqlite'));
  const folderId = insertFolder(db, '/docs');
  const store = new DocumentStore(db);
  const r = seededRandom(3);
  for (let d = 0; d < 40; d++) {
    const texts = Array.from({ length: 10 }, () => {
      const words: string[] = [];
      for (let i = 0; i < 40; i++)
        words.push(
          r() < 0.6 ? COMMON[Math.floor(r() * COMMON.length)] : RARE[Math.floor(r() * r() * RARE.length)],
        );
      if (r() < 0.3) words.push('茶叶', '绿茶');
      return words.join(' ');
    });
    store.write(passagesDocument(folderId, `d${d}.txt`, `Doc ${d}`, ['Section'], texts));
  }
});

afterAll(() => {
  db.close();
  tmp.cleanup();
});

describe('BM25', () => {
  it('scores chunks in JavaScript exactly as FTS5 bm25() does', () => {
    const bm25 = new Bm25Channel(db);
    for (const q of ['river term1x term2x water', 'the north city term5x', '绿茶 茶叶 term3x']) {
      const terms = Bm25Channel.usefulTerms(queryTerms(q), bm25.termStats(queryTerms(q)));
      const stats = bm25.termStats(terms);
      const fts = bm25.top(terms, 50);
      expect(fts.size).toBeGreaterThan(5);
      const js = bm25.rescore(terms, [...fts.keys()], stats, 50);
      for (const [id, s] of fts) expect(js.get(id)!, `${q} #${id}`).toBeCloseTo(s, 6);
    }
  });

  it('counts a term named twice twice, in FTS5 and in JavaScript (how translated recall weighs terms)', () => {
    const bm25 = new Bm25Channel(db);
    const terms = queryTerms('river water');
    const twice = [terms[0], ...terms];
    const stats = bm25.termStats(terms);
    const once = bm25.top(terms, 50);
    const fts = bm25.top(twice, 50);
    const js = bm25.rescore(twice, [...fts.keys()], stats, 50);
    let raised = 0;
    for (const [id, s] of fts) {
      expect(js.get(id)!, `#${id}`).toBeCloseTo(s, 6);
      const single = once.get(id);
      if (single === undefined) continue;
      expect(s).toBeGreaterThanOrEqual(single - 1e-9);
      if (s > single + 1e-9) raised++;
    }
    expect(raised).toBeGreaterThan(0);
  });

  it('takes the two-phase path on large libraries and keeps the same top results', () => {
    const direct = new Bm25Channel(db);
    const twoPhase = new Bm25Channel(db, 0); // every library counts as large
    const terms = queryTerms('river city term7x term9x water');
    const stats = direct.termStats(terms);
    const a = [...direct.top(terms, 10, stats)];
    const b = [...twoPhase.top(terms, 10, stats)];
    expect(b.map(([id]) => id)).toEqual(a.map(([id]) => id));
    for (let i = 0; i < a.length; i++) expect(b[i][1]).toBeCloseTo(a[i][1], 6);
  });

  it('recalls nothing by common terms alone when asked to recall by selective ones, on a large library only', () => {
    const small = new Bm25Channel(db);
    const large = new Bm25Channel(db, 0);
    const common = queryTerms('river city water');
    const stats = small.termStats(common);
    // In more than 1 chunk of 20: common.
    for (const t of common) expect(stats.df.get(t)!).toBeGreaterThan(stats.chunks * 0.05);
    expect(large.top(common, 10, stats, 'selective').size).toBe(0);
    expect(large.top(common, 10, stats).size).toBe(10);
    expect(small.top(common, 10, stats, 'selective').size).toBe(10);
    // With a selective term the common ones still score what it recalls.
    const rareStats = small.termStats(RARE);
    const rareTerm = RARE.find(
      (t) => rareStats.df.get(t)! >= 3 && rareStats.df.get(t)! <= stats.chunks * 0.05,
    )!;
    const mixed = [...common.slice(0, 2), rareTerm];
    const mixedStats = small.termStats(mixed);
    const rare = [rareTerm];
    const bySelective = large.top(mixed, 10, mixedStats, 'selective');
    const byRare = large.top(rare, 50, mixedStats);
    expect(bySelective.size).toBeGreaterThan(0);
    for (const [id, s] of bySelective) {
      expect(byRare.has(id), `#${id} holds the selective term`).toBe(true);
      expect(s).toBeGreaterThan(byRare.get(id)!);
    }
  });
});

describe('BM25 terms to search', () => {
  const stats = (chunks: number, df: Record<string, number>) => ({ chunks, df: new Map(Object.entries(df)) });

  it('drops terms in more than half the chunks of a large library, unless nothing else is left', () => {
    expect(
      Bm25Channel.usefulTerms(['the', 'tide', 'gone'], stats(10_000, { the: 9_000, tide: 12, gone: 0 })),
    ).toEqual(['tide']);
    expect(Bm25Channel.usefulTerms(['the', 'river'], stats(10_000, { the: 9_000, river: 6_000 }))).toEqual([
      'the',
      'river',
    ]);
  });

  it('keeps every present term in a small library, where one note may hold every word', () => {
    expect(
      Bm25Channel.usefulTerms(['lighthous', 'keeper', 'zz'], stats(1, { lighthous: 1, keeper: 1, zz: 0 })),
    ).toEqual(['lighthous', 'keeper']);
    const bm25 = new Bm25Channel(db);
    const terms = queryTerms('the river');
    const s = bm25.termStats(terms);
    // 400 chunks, 'the' and 'river' in most of them: still searched, and found.
    expect(Math.max(...terms.map((t) => s.df.get(t)!))).toBeGreaterThan(s.chunks / 2);
    expect(bm25.top(Bm25Channel.usefulTerms(terms, s), 10, s).size).toBe(10);
  });
});

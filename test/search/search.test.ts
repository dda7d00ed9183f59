import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinaryIndex } from '../../main/engine/search/binaryIndex.js';
import { DenseChannel } from '../../main/engine/search/dense.js';
import { DenseSearchWorker } from '../../main/engine/search/denseSearchWorker.js';
import { highlightSentences } from '../../main/engine/search/highlight.js';
import { NotFoundRule } from '../../main/engine/search/notFound.js';
import { Bm25Channel } from '../../main/engine/search/bm25.js';
import {
  CrossLingualSearch,
  MAX_TRANSLATED_WORDS,
  PASTED_TEXT_RECALL,
  PASTED_TEXT_TRANSLATED,
  PASTED_TEXT_WORDS,
  TRANSLATED_RECALL_BESIDE_OWN,
  translatedRecallDepth,
} from '../../main/engine/search/crossLingual.js';
import { queryTerms } from '../../main/engine/search/ftsQuery.js';
import { builtinLexicon } from '../../main/engine/search/lexicon.js';
import { translateQuestion } from '../../main/engine/search/translateQuery.js';
import { passageText } from '../../main/engine/text/passageText.js';
import { ScoreFusionRanker } from '../../main/engine/search/ranker.js';
import { Searcher, type DenseRecall } from '../../main/engine/search/searcher.js';
import { openDatabase, type Db } from '../../main/engine/store/database.js';
import { packIdentity } from '../../main/engine/library/packSet.js';
import { DocumentStore } from '../../main/engine/store/documentStore.js';
import { insertFolder } from '../../main/engine/store/folders.js';
import { createVectorSet, VectorTables, type VectorSet } from '../../main/engine/store/vectorSets.js';
import { openPack } from '../../main/engine/towers/openPack.js';
import type { TowerPack } from '../../main/engine/towers/types.js';
import { seededRandom, tempDir, writeTestPack } from '../library/helpers.js';
import { passagesDocument } from './onePassageDocument.js';

const tmp = tempDir('docqa-search-');
let db: Db;
let pack: TowerPack;
let set: VectorSet;

const DOCS: Record<string, string[]> = {
  'tea.md': ['绿茶用八十度左右的水冲泡，不要用沸水。', '红茶用九十五度的水，每泡三分钟。'],
  'travel.txt': [
    'Pack your passport, tickets and a phone charger.',
    'Bring an umbrella: it rains often in autumn.',
  ],
  'espresso.html': [
    'Descale the espresso machine every two months if your water is hard.',
    'The grinder has twelve settings.',
  ],
  'sql.txt': ['Robert"); DROP TABLE chunks;-- is a famous name in a comic about SQL injection.'],
};

beforeAll(async () => {
  pack = await openPack(await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 64 }), {
    provider: 'cpu',
    workers: 1,
  });
  db = openDatabase(path.join(tmp.dir, 'lib.sqlite'));
  const folderId = insertFolder(db, path.join(tmp.dir, 'docs'));
  set = createVectorSet(db, packIdentity(pack), 'active');
  const store = new DocumentStore(db);
  for (const [relPath, paragraphs] of Object.entries(DOCS)) {
    const vectors = await pack.embedAnswers(paragraphs.map((text) => passageText(relPath, [], text)));
    store.write(passagesDocument(folderId, relPath, relPath, [], paragraphs, new Map([[set.id, vectors]])));
  }
});

afterAll(async () => {
  db?.close();
  await pack?.close();
  tmp.cleanup();
});

function dense(): DenseRecall {
  return { channel: new DenseChannel(db, set), embedQuestion: async (q) => pack.embedQuestions([q]) };
}

describe('two-stage search', () => {
  const searcher = () => new Searcher(db, new ScoreFusionRanker(0.5));

  it('finds the right passage in every mode, with channel scores filled in for hybrid candidates', async () => {
    for (const mode of ['bm25', 'hybrid', 'dense'] as const) {
      const { results } = await searcher().search(
        '绿茶用多少度的水冲泡？',
        3,
        mode,
        mode === 'bm25' ? null : dense(),
      );
      expect(results[0].path, mode).toBe('tea.md');
      expect(results[0].text, mode).toContain('绿茶');
    }
    const { results } = await searcher().search(
      'how often should I descale the espresso machine',
      5,
      'hybrid',
      dense(),
    );
    expect(results[0].path).toBe('espresso.html');
    for (const r of results) expect(r.channels.dense).toBeTypeOf('number');
    expect(results[0].channels.bm25).toBeGreaterThan(0);
  });

  it('answers hostile questions without an FTS syntax error', async () => {
    const hostile = [
      '"unbalanced quote',
      'tea" OR 1=1; DROP TABLE chunks; --',
      'NEAR(tea water, 2)',
      'tea AND NOT coffee OR -milk',
      'umbrella*',
      'col:umbrella ^passport',
      '((((passport',
      ')))',
      "Robert'); DROP TABLE chunks;--",
      '',
      '？！。…',
      'x'.repeat(10_000),
      '茶'.repeat(10_000),
    ];
    for (const q of hostile) {
      for (const mode of ['bm25', 'hybrid'] as const) {
        const out = await searcher().search(q, 5, mode, mode === 'bm25' ? null : dense());
        expect(Array.isArray(out.results)).toBe(true);
      }
    }
    expect(db.prepare('SELECT COUNT(*) FROM chunks').pluck().get()).toBe(7);
    expect((await searcher().search('umbrella*', 1, 'bm25', null)).results[0].path).toBe('travel.txt');
    const empty = await searcher().search('？！。…', 5, 'hybrid', dense());
    expect(empty).toEqual({
      results: [],
      notFound: true,
      translatedTerms: [],
      missingNames: [],
      weakMatch: false,
      corrections: [],
    });
  });

  it('says not found for a question of function words alone, whatever passage shares them', async () => {
    for (const q of ['How do I do this?', 'AND OR NOT', 'what is it?', '的', '这是什么？']) {
      const out = await searcher().search(q, 3, 'hybrid', dense());
      expect(out.notFound, q).toBe(true);
      expect(out.weakMatch, q).toBe(false);
      if (out.results.length) expect(searcher().evidence(q, out.results[0], true).absentShare, q).toBe(1);
    }
  });

  it('says not found for a question about something absent, and found for one that is there', async () => {
    expect((await searcher().search('quantum chromodynamics lattice gauge', 3, 'bm25', null)).notFound).toBe(
      true,
    );
    expect((await searcher().search('umbrella rains autumn', 3, 'bm25', null)).notFound).toBe(false);
  });

  it('recalls less deep by translation where the library also holds the question language', () => {
    // A library without the question's language: the translations are its whole recall.
    expect(translatedRecallDepth(0, 100)).toBe(100);
    expect(translatedRecallDepth(0.19, 100)).toBe(100);
    // One passage in five or more in that language: its own words fill the list.
    expect(translatedRecallDepth(0.2, 100)).toBe(TRANSLATED_RECALL_BESIDE_OWN);
    expect(TRANSLATED_RECALL_BESIDE_OWN).toBeLessThan(100);
    expect(translatedRecallDepth(1, 10)).toBe(10);
  });

  it('shows of each translation the words that were searched: those the library holds', () => {
    const crossing = new CrossLingualSearch(new Bm25Channel(db), () => builtinLexicon());
    // 手机 is "cell phone" and "mobile phone", 充电器 "battery charger": the library writes
    // "phone" and "charger" alone, and only those are searched.
    const members = translateQuestion(builtinLexicon()!, '手机充电器').groups.flatMap((g) =>
      g.members.map((m) => m.display),
    );
    expect(members).toEqual(expect.arrayContaining(['cell phone', 'mobile phone', 'battery charger']));
    expect(crossing.recall('手机充电器', queryTerms('手机充电器'), 10)!.translatedTerms).toEqual([
      'phone',
      'charger',
    ]);
  });

  it('shows a Chinese translation the library holds only in part by the part that was searched', () => {
    // 服务生 ("waiter; server") is not in this library, whose 服务器 holds its bigram 服务: searched
    // by 服务, it is shown as 服务, not as a word the documents never use.
    const other = openDatabase(path.join(tmp.dir, 'partial.sqlite'));
    try {
      const folderId = insertFolder(other, path.join(tmp.dir, 'partial'));
      new DocumentStore(other).write(
        passagesDocument(folderId, 'ops.md', 'ops.md', [], ['重启服务器之前，先停止所有服务。'], new Map()),
      );
      const members = translateQuestion(builtinLexicon()!, 'Restart the server').groups.flatMap((g) =>
        g.members.map((m) => m.display),
      );
      expect(members).toEqual(expect.arrayContaining(['服务器', '服务生']));
      const shown = new CrossLingualSearch(new Bm25Channel(other), () => builtinLexicon()).recall(
        'Restart the server',
        queryTerms('Restart the server'),
        10,
      )!.translatedTerms;
      expect(shown).toEqual(['重启', '服务器', '服务']);
    } finally {
      other.close();
    }
  });

  it('translates at most MAX_TRANSLATED_WORDS words of a long question', () => {
    const crossing = new CrossLingualSearch(new Bm25Channel(db), () => builtinLexicon());
    const words =
      'water tea machine grinder umbrella passport ticket phone charger autumn rain month hard twelve green red minute';
    const pasted = `${words} ${words} ${words}`;
    expect(translateQuestion(builtinLexicon()!, pasted).groups.length).toBeGreaterThan(MAX_TRANSLATED_WORDS);
    const capped = crossing.recall(pasted, queryTerms(pasted), 10)!;
    expect(capped.groups.length + capped.absentGroups.length).toBe(MAX_TRANSLATED_WORDS);
  });

  it('searches pasted text by its rarest translated words only, one translation each', () => {
    const crossing = new CrossLingualSearch(new Bm25Channel(db), () => builtinLexicon());
    // More distinct words than a question has: a pasted paragraph.
    const words = '护照 车票 手机 充电器 雨伞 秋天 下雨 咖啡机 硬水 研磨机 著名 名字 漫画 机器';
    const pasted = `${words}，旅行 火车 飞机 行李 酒店 城市 早上 晚上 朋友 学校 老师 医生 医院 电脑 电话 银行 商店 公园 音乐 电影 照片。`;
    expect(translateQuestion(builtinLexicon()!, pasted).groups.length).toBeGreaterThan(PASTED_TEXT_WORDS);
    const recall = crossing.recall(pasted, queryTerms(pasted), 100)!;
    expect(recall.translatedTerms.length).toBeGreaterThan(0);
    expect(recall.translatedTerms.length).toBeLessThanOrEqual(PASTED_TEXT_TRANSLATED);
    expect(recall.candidates.size).toBeLessThanOrEqual(PASTED_TEXT_RECALL);
    // Words left out of the query still count for coverage: every present word is a group.
    expect(recall.groups.length).toBeGreaterThan(recall.translatedTerms.length);
    // The same words asked as a question search every present word, two translations at most.
    const question = crossing.recall(words, queryTerms(words), 100)!;
    expect(question.translatedTerms.length).toBeGreaterThan(recall.translatedTerms.length);
  });

  it('takes the words of pasted text past the translated ones as no evidence of a missing subject', async () => {
    const lexicon = () => builtinLexicon();
    const crossing = new CrossLingualSearch(new Bm25Channel(db), lexicon);
    // 16 words whose translations the library holds, then words it lacks in both languages.
    const pasted =
      '护照 车票 手机 充电器 雨伞 秋天 下雨 咖啡机 硬水 研磨机 著名 名字 漫画 机器 注射 绿茶，' +
      '火车 飞机 行李 酒店 城市 早上 晚上 朋友 学校 老师 医生 医院 电脑 银行 商店 公园 音乐。';
    const recall = crossing.recall(pasted, queryTerms(pasted), 100)!;
    expect(recall.unread.size).toBeGreaterThan(10);
    const searcher = new Searcher(db, new ScoreFusionRanker(0.15), undefined, undefined, lexicon);
    const top = (await searcher.search(pasted, 1, 'bm25', null)).results[0];
    const read = searcher.evidence(pasted, top, false, recall).absentShare;
    const all = searcher.evidence(pasted, top, false, { ...recall, unread: new Set() }).absentShare;
    expect(read).toBeLessThan(all);
  });

  it("counts a Chinese question's missing words by the lexicon's words, not its characters", async () => {
    // 红 and 绿 are in the library (红茶, 绿茶), 分钟 too; 红绿灯 (traffic light) and 等 are not.
    const question = '红绿灯要等多少分钟？';
    const withLexicon = new Searcher(db, new ScoreFusionRanker(0.15), undefined, undefined, () =>
      builtinLexicon(),
    );
    const top = (await withLexicon.search(question, 1, 'bm25', null)).results[0];
    expect(withLexicon.evidence(question, top, false).absentShare).toBeCloseTo(2 / 3, 5);
    // Without a lexicon, by characters: 灯 and 等 of 红 绿 灯 等 分 钟.
    expect(searcher().evidence(question, top, false).absentShare).toBeCloseTo(2 / 6, 5);
  });

  it('answers a question in other words when the library holds its words, and names what it lacks', async () => {
    // Few of its words in any one passage (coverage under the rule's 0.4), but every word is
    // somewhere in the library: a paraphrase, answered.
    const paraphrase = await searcher().search(
      'phone settings water tickets autumn grinder',
      3,
      'bm25',
      null,
    );
    expect(paraphrase.notFound).toBe(false);
    expect(paraphrase.weakMatch).toBe(true); // answered, and said to be a weak match
    expect(paraphrase.missingNames).toEqual([]);
    const weak = searcher().evidence(
      'phone settings water tickets autumn grinder',
      paraphrase.results[0],
      false,
    );
    expect(weak.coverage).toBeLessThan(0.4);
    expect(weak.absentShare).toBe(0);
    // A name that no passage holds, and the best passage weak: not found, and why.
    const named = await searcher().search('Does the Moccamaster need filtered water?', 3, 'bm25', null);
    expect(named.missingNames).toEqual(['Moccamaster']);
    expect(named.notFound).toBe(true);
    expect(named.weakMatch).toBe(false);
    // The same name beside a passage that covers the question: answered, the name still reported.
    const covered = await searcher().search('Descale the espresso machine Moccamaster', 3, 'bm25', null);
    expect(covered.notFound).toBe(false);
    expect(covered.weakMatch).toBe(false);
    expect(covered.missingNames).toEqual(['Moccamaster']);
  });
});

describe('names of a Chinese question', () => {
  it('says which name the library holds in neither language', async () => {
    const withLexicon = new Searcher(db, new ScoreFusionRanker(0.15), undefined, undefined, () =>
      builtinLexicon(),
    );
    const question = '树莓派的咖啡机要多久除一次水垢？';
    expect((await withLexicon.search(question, 3, 'bm25', null)).missingNames).toEqual(['树莓派']);
    // The travel notes cover the question through its translations; with a name they never
    // mention, most of what it asks about is not there.
    const plain = await withLexicon.search('旅行要带护照和充电器吗？', 3, 'bm25', null);
    expect(plain.notFound).toBe(false);
    const named = await withLexicon.search('树莓派旅行要带护照和充电器吗？', 3, 'bm25', null);
    expect(named.missingNames).toEqual(['树莓派']);
    expect(named.notFound).toBe(true);
    // Beside words a passage covers well, the missing name leaves the question answered.
    const covered = await withLexicon.search('树莓派的浓缩咖啡机多久清洗一次？', 3, 'bm25', null);
    expect(covered.missingNames).toEqual(['树莓派']);
    expect(covered.notFound).toBe(false);
    // Without a lexicon there is no telling a name from other words.
    const withoutLexicon = new Searcher(db, new ScoreFusionRanker(0.15));
    expect((await withoutLexicon.search(question, 3, 'bm25', null)).missingNames).toEqual([]);
  });
});

describe('score fusion ranker', () => {
  it('normalises BM25 by the best score and adds the weighted cosine', () => {
    const ranked = new ScoreFusionRanker(0.5).rank({
      question: 'q',
      mode: 'hybrid',
      candidates: [
        { chunkId: 1, bm25: 10, dense: 0.1 },
        { chunkId: 2, bm25: 8, dense: 0.9 },
        { chunkId: 3, dense: 0.95 },
      ],
    });
    expect(ranked.map((r) => r.chunkId)).toEqual([2, 1, 3]);
    // 8/10 + 0.5 × 0.9/0.95
    expect(ranked[0].score).toBeCloseTo(0.8 + (0.5 * 0.9) / 0.95);
    expect(ranked[2].score).toBeCloseTo(0.5);
    expect(
      new ScoreFusionRanker(0.5).rank({
        question: 'q',
        mode: 'bm25',
        candidates: [
          { chunkId: 1, bm25: 1 },
          { chunkId: 2, bm25: 3 },
        ],
      })[0].chunkId,
    ).toBe(2);
  });
});

describe('highlights and not-found rule', () => {
  it('highlights the sentence holding the rare question terms', () => {
    const text = 'The grinder has twelve settings. Descale every two months. Clean the tray weekly.';
    const stats = {
      chunks: 100,
      df: new Map([
        ['descal', 2],
        ['month', 10],
        ['the', 90],
      ]),
    };
    const [h] = highlightSentences(text, ['descal', 'month', 'the'], stats);
    expect(text.slice(h.start, h.end)).toBe('Descale every two months.');
  });

  it('does not highlight a heading line that only repeats the question', () => {
    const text = '## 提前退租\n\n提前退租须提前三十天书面通知对方。';
    const stats = {
      chunks: 10,
      df: new Map([
        ['提前', 2],
        ['退租', 1],
      ]),
    };
    const ranges = highlightSentences(text, ['提前', '退租'], stats, ['租房合同要点', '提前退租']);
    expect(ranges.map((r) => text.slice(r.start, r.end))).toEqual(['提前退租须提前三十天书面通知对方。']);
  });

  it('needs either term coverage or dense similarity, and something of the question missing from the library', () => {
    const rule = new NotFoundRule({ minCoverage: 0.5, minCosine: 0.6, minAbsentShare: 0.5 });
    const missing = { absentNames: ['Docker'], absentShare: 0.1 };
    expect(rule.isNotFound({ coverage: 0.7, cosine: null, ...missing })).toBe(false);
    expect(rule.isNotFound({ coverage: 0.2, cosine: 0.9, ...missing })).toBe(false);
    expect(rule.isNotFound({ coverage: 0.2, cosine: 0.3, ...missing })).toBe(true);
    expect(rule.isNotFound({ coverage: 0.2, cosine: null, ...missing })).toBe(true);
    // Every name and most words are in the library: a paraphrase, answered from the best passage.
    expect(rule.isNotFound({ coverage: 0.2, cosine: 0.3, absentNames: [], absentShare: 0.3 })).toBe(false);
    // Most of its words are nowhere in the library: about something else.
    expect(rule.isNotFound({ coverage: 0.2, cosine: 0.3, absentNames: [], absentShare: 0.5 })).toBe(true);
  });
});

describe('binary-quantised coarse search', () => {
  it('finds most of the exact top 10 after rescoring, and new vectors appear without a reload', () => {
    const file = path.join(tmp.dir, 'bq.sqlite');
    const bq = openDatabase(file);
    const DIM = 64;
    const N = 12_000;
    const r = seededRandom(5);
    const s = createVectorSet(
      bq,
      { answerHash: 'x', questionHash: 'y', packName: 'p', packVersion: '1', packDir: '/p', dim: DIM },
      'active',
    );
    const docId = Number(
      bq
        .prepare(
          `INSERT INTO documents(folder_id, rel_path, size, mtime_ms, status, indexed_at) VALUES (?, 'a', 0, 0, 'ok', '')`,
        )
        .run(insertFolder(bq, '/f')).lastInsertRowid,
    );
    const insChunk = bq.prepare(
      `INSERT INTO chunks(document_id, ord, start, end, heading_path, line, text) VALUES (?, ?, 0, 1, '[]', 1, 'x')`,
    );
    const vectors = new Float32Array(N * DIM);
    const tables = new VectorTables(bq);
    bq.transaction(() => {
      for (let i = 0; i < N; i++) {
        let norm = 0;
        for (let j = 0; j < DIM; j++) norm += (vectors[i * DIM + j] = r() - 0.5) ** 2;
        for (let j = 0; j < DIM; j++) vectors[i * DIM + j] /= Math.sqrt(norm);
        tables.insert(s, Number(insChunk.run(docId, i).lastInsertRowid), vectors, i);
      }
    })();
    const channel = new DenseChannel(bq, s);
    let overlap = 0;
    for (let t = 0; t < 20; t++) {
      const q = vectors.slice(t * 7 * DIM, (t * 7 + 1) * DIM).map((x) => x + (r() - 0.5) * 0.05);
      const exact = [...channel.exact(q, 10).keys()];
      const coarse = new Set(channel.coarseThenRescore(q, 10).keys());
      overlap += exact.filter((id) => coarse.has(id)).length;
    }
    expect(overlap / 200).toBeGreaterThan(0.85);

    const index = new BinaryIndex(bq, s);
    index.refresh(N);
    expect(index.length).toBe(N);
    bq.transaction(() => tables.insert(s, Number(insChunk.run(docId, N).lastInsertRowid), vectors, 0))();
    index.refresh(N + 1);
    expect(index.length).toBe(N + 1);
    bq.close();
  });
});

describe('dense search in its own thread (large libraries)', () => {
  it('returns what the in-thread coarse search returns, and hybrid ranks the same with it', async () => {
    const worker = new DenseSearchWorker(path.join(tmp.dir, 'lib.sqlite'));
    try {
      // exactMaxVectors 0: this small library takes the large-library (binary) path.
      const channel = new DenseChannel(db, set, 0);
      expect(channel.choosePath()).toBe('binary');
      for (const q of ['绿茶用多少度的水冲泡？', 'descale the espresso machine', 'umbrella autumn rain']) {
        const v = (await pack.embedQuestions([q])).subarray(0, pack.dim);
        const inThread = channel.coarseThenRescore(v, 5);
        const remote = await worker.top(set.id, v, 5);
        expect([...remote.keys()]).toEqual([...inThread.keys()]);
        for (const [id, cos] of inThread) expect(remote.get(id)).toBeCloseTo(cos, 6);

        let remoteCalls = 0;
        const embedQuestion = async (x: string) => (await pack.embedQuestions([x])).subarray(0, pack.dim);
        const parallelTop = (x: Float32Array, k: number) => {
          remoteCalls++;
          return worker.top(set.id, x, k);
        };
        const searcher = new Searcher(db, new ScoreFusionRanker(0.5));
        const one = await searcher.search(q, 5, 'hybrid', { channel, embedQuestion });
        const two = await searcher.search(q, 5, 'hybrid', { channel, embedQuestion, parallelTop });
        expect(remoteCalls).toBe(1);
        expect(two.results.map((r) => [r.chunkId, r.score])).toEqual(
          one.results.map((r) => [r.chunkId, r.score]),
        );

        // A worker still searching when the lexical channels are done: this thread reads their
        // candidates' cosines meanwhile. Same ranking, same scores, translated candidates included.
        const crossing = new Searcher(db, new ScoreFusionRanker(0.5), undefined, undefined, builtinLexicon);
        const inOrder = await crossing.search(q, 10, 'hybrid', { channel, embedQuestion });
        let answered = false;
        let readWhileSearching = 0;
        const similarities = channel.similarities.bind(channel);
        channel.similarities = (x, ids) => {
          if (!answered) readWhileSearching++;
          return similarities(x, ids);
        };
        const slowTop = async (x: Float32Array, k: number) => {
          const top = await worker.top(set.id, x, k);
          await new Promise((resolve) => setTimeout(resolve, 50));
          answered = true;
          return top;
        };
        try {
          const early = await crossing.search(q, 10, 'hybrid', {
            channel,
            embedQuestion,
            parallelTop: slowTop,
          });
          expect(readWhileSearching).toBe(1);
          expect(early.results.map((r) => [r.chunkId, r.score, r.channels])).toEqual(
            inOrder.results.map((r) => [r.chunkId, r.score, r.channels]),
          );
          expect(early.translatedTerms).toEqual(inOrder.translatedTerms);
        } finally {
          delete (channel as Partial<DenseChannel>).similarities;
        }
      }
      await expect(worker.top(9999, new Float32Array(pack.dim), 5)).rejects.toThrow(
        /vector set 9999 is gone/,
      );
    } finally {
      await worker.close();
    }
    await expect(worker.top(set.id, new Float32Array(pack.dim), 5)).rejects.toThrow(/closed/);
  });

  it('falls back to the calling thread when the worker cannot answer', async () => {
    const channel = new DenseChannel(db, set, 0);
    const embedQuestion = async (x: string) => (await pack.embedQuestions([x])).subarray(0, pack.dim);
    const closed = new DenseSearchWorker(path.join(tmp.dir, 'lib.sqlite'));
    await closed.close();
    const { results } = await new Searcher(db, new ScoreFusionRanker(0.5)).search(
      '绿茶用多少度的水冲泡？',
      3,
      'hybrid',
      {
        channel,
        embedQuestion,
        parallelTop: (x, k) => closed.top(set.id, x, k),
      },
    );
    expect(results[0].path).toBe('tea.md');
    expect(results[0].channels.dense).toBeTypeOf('number');
  });
});

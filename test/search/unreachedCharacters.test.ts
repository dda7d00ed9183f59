import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { characterRuns, unreachedCharacters } from '../../main/engine/search/unreachedCharacters.js';
import { builtinLexicon } from '../../main/engine/search/lexicon.js';
import { ScoreFusionRanker } from '../../main/engine/search/ranker.js';
import { Searcher } from '../../main/engine/search/searcher.js';
import { openDatabase, type Db } from '../../main/engine/store/database.js';
import { DocumentStore } from '../../main/engine/store/documentStore.js';
import { insertFolder } from '../../main/engine/store/folders.js';
import { tempDir } from '../library/helpers.js';
import { onePassageDocument } from './onePassageDocument.js';

describe('characterRuns', () => {
  it('reads each run of Han characters as the index does: folded characters and their pairs', () => {
    expect(characterRuns('鯽魚 lives in 河裡，對吧?')).toEqual([
      { chars: ['鲫', '鱼'], pairs: ['鲫鱼'] },
      { chars: ['河', '里'], pairs: ['河里'] },
      { chars: ['对', '吧'], pairs: ['对吧'] },
    ]);
    // A lone character is already a term of its own; Latin text has no runs.
    expect(characterRuns('茶 and coffee')).toEqual([]);
  });
});

describe('unreachedCharacters', () => {
  const pairs = new Map([
    ['又叫', 12],
    ['叫做', 9],
    ['什么', 30],
  ]);
  const pairDf = (t: string) => pairs.get(t) ?? 0;

  it('takes a character whose pairs with its neighbours the library never writes', () => {
    // 䲟又 occurs nowhere: 䲟 would not be searched at all. 又 is reached through 又叫.
    expect(unreachedCharacters(characterRuns('䲟又叫做什么'), pairDf)).toEqual(['䲟']);
    expect(unreachedCharacters(characterRuns('䲟又叫做什麼'), pairDf)).toEqual(['䲟']); // folded
  });

  it('leaves the characters a pair reaches', () => {
    expect(unreachedCharacters(characterRuns('又叫做'), pairDf)).toEqual([]);
  });
});

describe('a rare character beside a function word', () => {
  const tmp = tempDir('docqa-unreached-');
  let db: Db;
  const DOCS: Record<string, string> = {
    'remora.txt': '䲟，鱼类的一种，头顶有吸盘，常吸附在鲨鱼身上。',
    'names.txt': '这种花又叫做什么？人们又叫它迎春，也叫做金腰带。',
    'tools.txt': '这个工具又叫做扳手，叫做什么都可以。',
    'teaware.txt': '茶具用完以后要洗干净晾干。',
  };

  beforeAll(() => {
    db = openDatabase(path.join(tmp.dir, 'lib.sqlite'));
    const folderId = insertFolder(db, path.join(tmp.dir, 'docs'));
    const store = new DocumentStore(db);
    for (const [relPath, text] of Object.entries(DOCS))
      store.write(onePassageDocument(folderId, relPath, text));
  });

  afterAll(() => {
    db?.close();
    tmp.cleanup();
  });

  it('finds the passage that holds the character, though no pair of the question reaches it', async () => {
    const searcher = new Searcher(db, new ScoreFusionRanker(0.15));
    const { results } = await searcher.search('䲟又叫做什么？', 3, 'bm25', null);
    expect(results[0]?.path).toBe('remora.txt');
  });

  it('leaves alone the characters of a longer word the lexicon knows: 茶 of 绿茶 is not tea ware', async () => {
    const question = '绿茶的水温';
    const plain = new Searcher(db, new ScoreFusionRanker(0.15));
    expect((await plain.search(question, 3, 'bm25', null)).results[0]?.path).toBe('teaware.txt');
    const withLexicon = new Searcher(db, new ScoreFusionRanker(0.15), undefined, undefined, () =>
      builtinLexicon(),
    );
    const { results } = await withLexicon.search(question, 3, 'bm25', null);
    expect(results.map((r) => r.path)).not.toContain('teaware.txt');
    // A one-character word is still searched alone.
    expect((await withLexicon.search('䲟又叫做什么？', 3, 'bm25', null)).results[0]?.path).toBe('remora.txt');
  });
});

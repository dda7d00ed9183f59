import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Bm25Index } from '../../main/engine/train/bm25.js';
import { bm25Tokens } from '../../main/engine/train/bm25Tokens.js';
import { isUserError } from '../../main/engine/errors.js';
import { loadPairs } from '../../main/engine/train/pairs.js';
import { Rng } from '../../main/engine/train/rng.js';
import { splitByPassage } from '../../main/engine/train/split.js';
import { makeBatches } from '../../main/engine/train/trainer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'docqa-train-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, lines.join('\n'));
  return file;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('loadPairs', () => {
  it('reads question/passage lines, skipping blank lines, and keeps lang, id and source', () => {
    const file = write('ok.jsonl', [
      JSON.stringify({ question: 'q1', passage: 'p1', lang: 'en', id: 'a' }),
      '',
      JSON.stringify({ question: '问题', passage: '段落', lang: 'zh', id: 7 }),
    ]);
    expect(loadPairs([file])).toEqual([
      { question: 'q1', passage: 'p1', lang: 'en', id: 'a', source: 'ok.jsonl' },
      { question: '问题', passage: '段落', lang: 'zh', id: '7', source: 'ok.jsonl' },
    ]);
  });

  it.each([
    ['broken JSON', '{"question": "q", "passage": ', /bad1\.jsonl:2: not valid JSON/],
    ['a missing passage', '{"question": "q"}', /bad2\.jsonl:2: "passage" must be a string/],
    ['an empty question', '{"question": "  ", "passage": "p"}', /bad3\.jsonl:2: "question" is empty/],
    ['an array', '[1, 2]', /bad4\.jsonl:2: expected a JSON object/],
  ])('names the file and line of %s', (_what, line, message) => {
    const name = `bad${String(message).match(/bad(\d)/)![1]}.jsonl`;
    const file = write(name, [JSON.stringify({ question: 'fine', passage: 'fine' }), line]);
    const e = errorOf(() => loadPairs([file]));
    expect(isUserError(e)).toBe(true);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('rejects a missing file and an empty file with the path', () => {
    const missing = path.join(dir, 'nope.jsonl');
    expect(errorOf(() => loadPairs([missing])).message).toContain(missing);
    const empty = write('empty.jsonl', ['', '']);
    expect(errorOf(() => loadPairs([empty])).message).toMatch(/empty\.jsonl: no pairs/);
  });
});

describe('splitByPassage', () => {
  const pairs = Array.from({ length: 300 }, (_, i) => ({
    question: `q${i}`,
    passage: `passage ${i % 100}`,
    source: 't',
  }));

  it('holds out whole passages: no held-out passage appears in training', () => {
    const { train, heldout } = splitByPassage(pairs, 0.2, 3);
    expect(heldout.passages).toHaveLength(20);
    expect(heldout.questions).toHaveLength(60);
    const trainPassages = new Set(train.map((p) => p.passage));
    for (const p of heldout.passages) expect(trainPassages.has(p)).toBe(false);
    heldout.questions.forEach((q, i) => {
      const original = pairs.find((p) => p.question === q)!;
      expect(heldout.passages[heldout.gold[i]!]).toBe(original.passage);
    });
    expect(train.length + heldout.questions.length).toBe(pairs.length);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(splitByPassage(pairs, 0.2, 3)).toEqual(splitByPassage(pairs, 0.2, 3));
    expect(splitByPassage(pairs, 0.2, 4).heldout.passages).not.toEqual(
      splitByPassage(pairs, 0.2, 3).heldout.passages,
    );
  });
});

describe('makeBatches', () => {
  it('never puts one passage twice in a batch and keeps every pair exactly once', () => {
    const passageOf = Int32Array.from({ length: 500 }, (_, i) => (i * 7) % 40);
    const batches = makeBatches(passageOf, 16, new Rng(1));
    const seen = new Set<number>();
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(16);
      const passages = Array.from(b, (p) => passageOf[p]!);
      expect(new Set(passages).size).toBe(passages.length);
      for (const p of b) {
        expect(seen.has(p)).toBe(false);
        seen.add(p);
      }
    }
    expect(seen.size).toBe(500);
  });
});

describe('BM25 baseline', () => {
  it('tokenises like the measured BM25 baseline: words, CJK unigrams and bigrams, Traditional folded', () => {
    expect(bm25Tokens('Hello, 台灣 World')).toEqual(['hello', '台', '台湾', '湾', 'world']);
    expect(bm25Tokens('ＡＢＣ')).toEqual(bm25Tokens('abc'));
  });

  it('ranks the document sharing the rare query term first and ignores unknown terms', () => {
    const docs = [
      'the cat sat on the mat',
      'the dog chased the cat',
      'quantum chromodynamics of the gluon',
      'the the the',
    ];
    const index = new Bm25Index(docs.map(bm25Tokens));
    expect(index.search(bm25Tokens('gluon physics'), 2).map((h) => h.doc)).toEqual([2]);
    const hits = index.search(bm25Tokens('dog cat'), 4);
    expect(hits[0]!.doc).toBe(1);
    expect(hits.map((h) => h.doc)).toContain(0);
    expect(index.search(bm25Tokens('zebra'), 3)).toEqual([]);
    // A term in every document is worth less than one in a single document.
    expect(index.idfOf('the')).toBeLessThan(index.idfOf('gluon'));
  });
});

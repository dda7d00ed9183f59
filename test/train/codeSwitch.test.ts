import { describe, expect, it } from 'vitest';
import { builtinLexicon, type Lexicon } from '../../main/engine/search/lexicon.js';
import { inflectionKeys } from '../../main/engine/text/inflection.js';
import { codeSwitchedPairs, codeSwitchQuestion, lexiconPairs } from '../../main/engine/train/codeSwitch.js';
import type { Pair } from '../../main/engine/train/pairs.js';
import { Rng } from '../../main/engine/train/rng.js';

function lexicon(): Lexicon {
  const lex = builtinLexicon();
  expect(lex, 'the built-in pack has lexicon.bin').not.toBeNull();
  return lex!;
}

/** The Chinese words the code-switcher may put in place of an English word: its first two entries. */
function chineseFor(lex: Lexicon, word: string): string[] {
  const id = lex.firstEnWord(inflectionKeys(word));
  expect(id, word).toBeGreaterThanOrEqual(0);
  return lex
    .zhForEn(id)
    .slice(0, 2)
    .map((e) => lex.zhKey(e));
}

/** The English glosses that may replace a Chinese word: its first two senses. */
function englishFor(lex: Lexicon, word: string): string[] {
  const entry = lex.zhEntry(word);
  expect(entry, word).toBeGreaterThanOrEqual(0);
  return lex
    .senses(entry)
    .slice(0, 2)
    .map((s) => s.map((w) => lex.enDisplayForm(w)).join(' '));
}

describe('code-switched training questions', () => {
  it('replaces English content words by their Chinese translations and keeps the rest', () => {
    const lex = lexicon();
    const out = codeSwitchQuestion(lex, 'How do I restore the zzzqqq database backup?', new Rng(7), 1);
    const m = /^How do I (\S+) the zzzqqq (\S+) (\S+)\?$/u.exec(out);
    expect(m, out).not.toBeNull();
    expect(chineseFor(lex, 'restore')).toContain(m![1]);
    expect(chineseFor(lex, 'database')).toContain(m![2]);
    expect(chineseFor(lex, 'backup')).toContain(m![3]);
  });

  it('replaces Chinese content words by English glosses, in the folded form', () => {
    const lex = lexicon();
    const out = codeSwitchQuestion(lex, '怎麼恢復數據庫備份？', new Rng(7), 1);
    // 怎么 only frames the question: kept (folded as the lexicon folds it); the rest is English.
    const m = /^怎幺 (.+?) ?\?$/u.exec(out);
    expect(m, out).not.toBeNull();
    const gloss = m![1]!;
    const options = ['恢复', '数据库', '备份'].map((w) => englishFor(lex, w));
    expect(
      options[0]!.some((a) => options[1]!.some((b) => options[2]!.some((c) => gloss === `${a} ${b} ${c}`))),
      gloss,
    ).toBe(true);
    expect(out).not.toMatch(/[恢复数据库备份]/u);
  });

  it('is deterministic for a seed, and replaces nothing at chance 0', () => {
    const lex = lexicon();
    const q = 'Which river flows through the capital city of the country?';
    const a = codeSwitchQuestion(lex, q, new Rng(3), 0.5);
    expect(codeSwitchQuestion(lex, q, new Rng(3), 0.5)).toBe(a);
    expect(a).not.toBe(q);
    expect(codeSwitchQuestion(lex, q, new Rng(3), 0)).toBe(q);
  });

  it('copies only pairs with something to translate, keeping their passages', () => {
    const lex = lexicon();
    const pairs: Pair[] = [
      { question: 'How do I restore the database backup?', passage: 'Restoring: run restore.', source: 'a' },
      { question: 'zzzqqq xyzzy?', passage: 'Nothing translatable here.', source: 'a' },
      { question: '数据库备份在哪里？', passage: '备份保存在 /var/backups。', source: 'b' },
    ];
    const out = codeSwitchedPairs(lex, pairs, { fraction: 1, wordProb: 1 }, 1);
    expect(out.map((p) => p.passage)).toEqual([pairs[0]!.passage, pairs[2]!.passage]);
    expect(out.map((p) => p.source)).toEqual(['a (code-switched)', 'b (code-switched)']);
    expect(out[0]!.question).toMatch(/[\u4e00-\u9fff]/u);
    expect(out[1]!.question).toMatch(/[a-z]/u);
    expect(codeSwitchedPairs(lex, pairs, { fraction: 1, wordProb: 1 }, 1)).toEqual(out);
    expect(codeSwitchedPairs(lex, pairs, { fraction: 0, wordProb: 1 }, 1)).toEqual([]);
  });

  it('makes lexicon pairs from the commonest question words first', () => {
    const lex = lexicon();
    const pairs: Pair[] = [
      { question: 'Where is the database?', passage: 'x', source: 'a' },
      { question: 'Is the database backed up?', passage: 'y', source: 'a' },
      { question: '数据库在哪里？', passage: 'z', source: 'b' },
    ];
    const out = lexiconPairs(lex, pairs, 2);
    expect(out).toHaveLength(2);
    expect(out[0]!.question).toBe('database');
    expect(chineseFor(lex, 'database').join('，')).toBe(out[0]!.passage);
    expect(lexiconPairs(lex, pairs, 0)).toEqual([]);
  });

  it('can take every Chinese entry of two characters or more, with its gloss', () => {
    const lex = lexicon();
    const out = lexiconPairs(lex, [], 50, 'lexicon');
    expect(out).toHaveLength(50);
    for (const p of out) {
      expect([...p.question].length).toBeGreaterThanOrEqual(2);
      expect(englishFor(lex, p.question).join('; ')).toBe(p.passage);
    }
    expect(new Set(out.map((p) => p.question)).size).toBe(50);
  });
});

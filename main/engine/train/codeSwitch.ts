import type { Lexicon } from '../search/lexicon.js';
import { foldForLexicon, GLOSS_FILLER_WORDS } from '../search/lexiconText.js';
import { chineseContentWords, segmentChinese } from '../search/translateQuery.js';
import { analyze } from '../text/analyzer.js';
import { isIndexedCjk as isCjk } from '../text/cjk.js';
import { inflectionKeys } from '../text/inflection.js';
import { stopwordSet } from '../search/coverage.js';
import type { Pair } from './pairs.js';
import { Rng } from './rng.js';
import { seededCopies } from './seededCopies.js';

/**
 * Cross-lingual training pairs made with the bilingual lexicon, so that the
 * tied table learns to put a Chinese word near its English translations (and
 * back) from the question/answer signal the towers already train on:
 *
 * - code-switched questions: a training question with some of its content
 *   words replaced by a dictionary translation (English → Chinese words,
 *   Chinese → English glosses), paired with the same passage. The passage
 *   stays in its language, so the replaced words must learn to point at it.
 * - lexicon pairs: a word of the training questions → its translations, as a
 *   short pair.
 */
export interface CodeSwitchOptions {
  /** Share of the training pairs that get one code-switched copy (a seeded sample). */
  fraction: number;
  /** Chance that each translatable content word of a chosen question is replaced. */
  wordProb: number;
  /** How many lexicon entries (words of the training questions) become short pairs; 0: none. */
  lexiconPairs: number;
  /**
   * Where the lexicon pairs' words come from: the commonest words of the
   * training questions (default), or of their passages too (a wider
   * vocabulary), or every Chinese entry of the lexicon in its order
   * ('lexicon': the technical words that Wikipedia training data lacks).
   */
  lexiconVocabulary?: 'questions' | 'questions+passages' | 'lexicon';
}

/** Translations picked from: the lexicon lists senses and inverse entries best first. */
const MAX_CHOICES = 2;

const LATIN_WORD = /[A-Za-z][A-Za-z'’-]*/g;

/**
 * Shorter words are left alone: single letters and two-letter words are mostly
 * abbreviations ("D" → 四号电池), and single Chinese characters are mostly
 * pieces of names cut by the longest-match segmentation (陸特 → 陆 + 特).
 */
const MIN_ENGLISH_LENGTH = 3;
const MIN_CHINESE_LENGTH = 2;

function hasCjk(text: string): boolean {
  for (const ch of text) if (isCjk(ch.codePointAt(0)!)) return true;
  return false;
}

/** The English gloss of a sense, readable (display forms joined). */
function senseText(lexicon: Lexicon, sense: number[]): string {
  return sense.map((w) => lexicon.enDisplayForm(w)).join(' ');
}

/** The lexicon word of an English surface word (by its inflections), or -1 for function words and unknown ones. */
function englishWord(lexicon: Lexicon, word: string): number {
  const lower = word.toLowerCase();
  if (word.length < MIN_ENGLISH_LENGTH || GLOSS_FILLER_WORDS.has(lower)) return -1;
  const surfaces: string[] = [];
  const stems = analyze(word, { surfaces });
  if (stems.length !== 1) return -1;
  const stem = stems[0]!;
  if (stopwordSet().has(stem) || GLOSS_FILLER_WORDS.has(stem)) return -1;
  const id = lexicon.firstEnWord(inflectionKeys(surfaces[0]!));
  return id >= 0 && lexicon.zhForEn(id).length > 0 ? id : -1;
}

/**
 * `question` with each translatable content word replaced, with chance
 * `wordProb`, by one of its first translations. A question holding Chinese is
 * switched Chinese → English (in the lexicon's folded form); otherwise English
 * → Chinese. Words the lexicon does not know, and function words, are kept.
 * Deterministic for a given rng state.
 */
export function codeSwitchQuestion(lexicon: Lexicon, question: string, rng: Rng, wordProb: number): string {
  return switchQuestion(lexicon, question, rng, wordProb).text;
}

interface Switched {
  text: string;
  /** How many words were replaced. */
  replaced: number;
}

function switchQuestion(lexicon: Lexicon, question: string, rng: Rng, wordProb: number): Switched {
  if (hasCjk(question)) return switchChinese(lexicon, question, rng, wordProb);
  let replaced = 0;
  const text = question.replace(LATIN_WORD, (word) => {
    const id = englishWord(lexicon, word);
    if (id < 0 || rng.next() >= wordProb) return word;
    const choices = lexicon.zhForEn(id);
    replaced++;
    return lexicon.zhKey(choices[rng.int(Math.min(MAX_CHOICES, choices.length))]!);
  });
  return { text, replaced };
}

function switchChinese(lexicon: Lexicon, question: string, rng: Rng, wordProb: number): Switched {
  const content = new Set(chineseContentWords(lexicon, question));
  // segmentChinese walks the same folded text: its words are its CJK runs, in order.
  const words = segmentChinese(lexicon, question);
  const chars = [...foldForLexicon(question)];
  let out = '';
  let next = 0;
  let replaced = 0;
  for (let i = 0; i < chars.length;) {
    if (!isCjk(chars[i]!.codePointAt(0)!) || next >= words.length) {
      out += chars[i++];
      continue;
    }
    const word = words[next++]!;
    i += [...word].length;
    const entry = content.has(word) && word.length >= MIN_CHINESE_LENGTH ? lexicon.zhEntry(word) : -1;
    const senses = entry >= 0 ? lexicon.senses(entry).filter((s) => s.length > 0) : [];
    if (senses.length === 0 || rng.next() >= wordProb) {
      out += word;
      continue;
    }
    replaced++;
    out += ` ${senseText(lexicon, senses[rng.int(Math.min(MAX_CHOICES, senses.length))]!)} `;
  }
  return { text: out.replace(/\s+/g, ' ').trim(), replaced };
}

/**
 * One code-switched copy for a seeded sample (`fraction`) of the pairs; a copy
 * that came out unchanged (nothing translatable was drawn) is left out.
 */
export function codeSwitchedPairs(
  lexicon: Lexicon,
  pairs: Pair[],
  options: Pick<CodeSwitchOptions, 'fraction' | 'wordProb'>,
  seed: number,
): Pair[] {
  return seededCopies(pairs, options.fraction, seed ^ 0xc0de5, (p, rng) => {
    const switched = switchQuestion(lexicon, p.question, rng, options.wordProb);
    return switched.replaced === 0
      ? null
      : { ...p, question: switched.text, source: `${p.source} (code-switched)` };
  });
}

/**
 * Short pairs from the lexicon: the `count` content words most frequent in the
 * training questions (either language; with `vocabulary` their passages too,
 * each text counting a word once), each paired with its first
 * translations (Chinese word → its first senses' glosses; English word → its
 * first Chinese entries). Ties are broken by first appearance, so the choice
 * is deterministic.
 */
export function lexiconPairs(
  lexicon: Lexicon,
  pairs: Pair[],
  count: number,
  vocabulary: CodeSwitchOptions['lexiconVocabulary'] = 'questions',
): Pair[] {
  if (count <= 0) return [];
  if (vocabulary === 'lexicon') return wholeLexiconPairs(lexicon, count);
  const seenPassages = new Set<string>();
  const texts: string[] = [];
  for (const p of pairs) {
    texts.push(p.question);
    if (vocabulary === 'questions+passages' && !seenPassages.has(p.passage)) {
      seenPassages.add(p.passage);
      texts.push(p.passage);
    }
  }
  const freq = new Map<string, { n: number; make: () => Pair | null }>();
  const bump = (key: string, make: () => Pair | null) => {
    const f = freq.get(key);
    if (f) f.n++;
    else freq.set(key, { n: 1, make });
  };
  for (const text of texts) {
    if (hasCjk(text)) {
      for (const word of chineseContentWords(lexicon, text)) {
        const entry = word.length >= MIN_CHINESE_LENGTH ? lexicon.zhEntry(word) : -1;
        if (entry < 0) continue;
        bump(`zh:${word}`, () => {
          const gloss = entryGloss(lexicon, entry);
          return gloss ? { question: word, passage: gloss, lang: 'zh', source: LEXICON_ZH_EN } : null;
        });
      }
    } else {
      for (const word of new Set(text.match(LATIN_WORD) ?? [])) {
        const id = englishWord(lexicon, word);
        if (id < 0) continue;
        bump(`en:${lexicon.enStem(id)}`, () => ({
          question: word.toLowerCase(),
          passage: lexicon
            .zhForEn(id)
            .slice(0, MAX_CHOICES)
            .map((e) => lexicon.zhKey(e))
            .join('，'),
          lang: 'en',
          source: 'lexicon (en→zh)',
        }));
      }
    }
  }
  const ranked = [...freq.values()].sort((a, b) => b.n - a.n); // stable: first appearance breaks ties
  const out: Pair[] = [];
  for (const f of ranked) {
    if (out.length >= count) break;
    const pair = f.make();
    if (pair) out.push(pair);
  }
  return out;
}

const LEXICON_ZH_EN = 'lexicon (zh→en)';

/** The gloss of a Chinese entry: its first senses, or null when it has none. */
function entryGloss(lexicon: Lexicon, entry: number): string | null {
  const senses = lexicon.senses(entry).filter((s) => s.length > 0);
  if (senses.length === 0) return null;
  return senses
    .slice(0, MAX_CHOICES)
    .map((s) => senseText(lexicon, s))
    .join('; ');
}

/** Chinese entries of two characters or more, in the lexicon's order, each → its gloss (at most `count`). */
function wholeLexiconPairs(lexicon: Lexicon, count: number): Pair[] {
  const out: Pair[] = [];
  for (let entry = 0; entry < lexicon.zhCount && out.length < count; entry++) {
    const word = lexicon.zhKey(entry);
    if (word.length < MIN_CHINESE_LENGTH) continue;
    const gloss = entryGloss(lexicon, entry);
    if (gloss) out.push({ question: word, passage: gloss, lang: 'zh', source: LEXICON_ZH_EN });
  }
  return out;
}

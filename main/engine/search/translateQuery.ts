import { analyze } from '../text/analyzer.js';
import { isIndexedCjk as isCjk } from '../text/cjk.js';
import { inflectionKeys, inflectionStem } from '../text/inflection.js';
import { stopwordSet } from './coverage.js';
import type { Lexicon } from './lexicon.js';
import { foldForLexicon, GLOSS_FILLER_WORDS } from './lexiconText.js';

/** One translation of a question word: index terms searched together (their BM25 adds up). */
export interface TranslationMember {
  /** FTS index terms (English stems, or a Chinese word's bigrams / single character). */
  terms: string[];
  /** What the user is shown ("source code", "安装"). */
  display: string;
  /**
   * An English translation's words as written, one per term: "also searched" shows those of
   * the terms that were searched (a gloss whose other words the library lacks is searched,
   * and shown, by the words it holds). Of a Chinese translation the library holds only in
   * part, set by crossLingual.ts: the held stretches of the word, not one per term.
   */
  words?: string[];
}

/**
 * A question word and its translations (members). Searched as one word (see
 * crossLingual.ts), so a word with many glosses does not drown the others.
 */
export interface TranslationGroup {
  /** The question word (folded form for Chinese, the stem for English). */
  source: string;
  /** The question's content units this word stands for (its characters, or its stem): for coverage. */
  sourceUnits: string[];
  members: TranslationMember[];
}

export interface TranslatedQuestion {
  groups: TranslationGroup[];
  /** The translatable words past `limit` groups (folded Chinese words, English stems): never looked up. */
  unread: string[];
  /** Characters of the words that only frame the question (我想, 怎么, 应该…): not evidence either way. */
  framingUnits: Set<string>;
}

/**
 * Words of Chinese questions that only frame the question (I, want, how,
 * should, can…). Single characters of the coverage stop list are dropped too.
 * The last line: place words and particles left alone by segmentation
 * (服务器上 "on the server", 看着, 一台): their glosses ("top", "upon",
 * "above", "single") only add noise to the translated query.
 */
const CHINESE_QUESTION_WORDS = new Set(
  `我 你 他 她 它 我们 你们 他们 自己 想 要 想要 需要 应该 应当 可以 能够 能不能 可不可以 怎么 怎样 怎么样 如何 什么 为什么 哪些 哪个 哪里
  哪儿 多少 几 是否 是不是 有没有 一个 一下 这个 那个 这些 那些 这样 那样 还是 已经 没有 如果 的话 时候 但是 因为 所以 然后 还 又 再
  就是 只是 直接 根本 到底 其实 比如 之前 之后 以后 以前 里 里面 上面 下面 东西 办法 情况 问题 请问 一般 通常 现在 结果 有点 一些
  上 下 中 内 前 后 着 过 一 得`
    .split(/\s+/)
    .map(foldForLexicon), // segments are folded (怎么 → 怎幺)
);

/**
 * Chinese runs of the question cut into lexicon words: at each position the
 * longest key of the lexicon, else one character. Input is folded first
 * (Traditional → Simplified, NFKC, lower case), so the words are in the
 * lexicon's form.
 */
export function segmentChinese(lexicon: Lexicon, text: string): readonly string[] {
  // One search reads the same question's segments four times (translation, unreached
  // characters, names, missing words): the last one is kept.
  if (lastSegmented?.lexicon === lexicon && lastSegmented.text === text) return lastSegmented.words;
  const words = Object.freeze(segmentRuns(lexicon, text));
  lastSegmented = { lexicon, text, words };
  return words;
}

let lastSegmented: { lexicon: Lexicon; text: string; words: readonly string[] } | null = null;

function segmentRuns(lexicon: Lexicon, text: string): string[] {
  const folded = foldForLexicon(text);
  const words: string[] = [];
  const chars = [...folded];
  for (let i = 0; i < chars.length;) {
    if (!isCjk(chars[i].codePointAt(0)!)) {
      i++;
      continue;
    }
    let runEnd = i;
    while (runEnd < chars.length && isCjk(chars[runEnd].codePointAt(0)!)) runEnd++;
    let matched = 1;
    for (let n = Math.min(lexicon.maxZhKeyLength, runEnd - i); n >= 2; n--) {
      if (lexicon.zhEntry(chars.slice(i, i + n).join('')) >= 0) {
        matched = n;
        break;
      }
    }
    words.push(chars.slice(i, i + matched).join(''));
    i += matched;
  }
  return words;
}

/**
 * The Chinese content words of a question, each once, in the lexicon's form:
 * its segmentation without the words that only frame the question and
 * without single function characters.
 */
export function chineseContentWords(lexicon: Lexicon, question: string): string[] {
  const stop = stopwordSet();
  const words = new Set<string>();
  for (const word of segmentChinese(lexicon, question))
    if (!CHINESE_QUESTION_WORDS.has(word) && !stop.has(word)) words.add(word);
  return [...words];
}

/** A name of a Chinese question (树莓派) with its index terms and its English translations' stems. */
export interface ChineseName {
  name: string;
  terms: string[];
  translations: string[][];
}

/**
 * The words of a Chinese question that the lexicon marks as names (a product,
 * a place, an organisation): like a Latin name, what the documents must
 * mention if they answer it, in Chinese or in translation.
 */
export function chineseNames(lexicon: Lexicon, question: string): ChineseName[] {
  const names = new Map<string, ChineseName>();
  for (const word of segmentChinese(lexicon, question)) {
    const entry = lexicon.zhEntry(word);
    if (entry < 0 || names.has(word) || !lexicon.isName(entry)) continue;
    const translations = lexicon.senses(entry).map((sense) => sense.map((w) => lexicon.enStem(w)));
    names.set(word, { name: word, terms: analyze(word), translations });
  }
  return [...names.values()];
}

/**
 * The English word at token `i` and its Chinese entries, looked up by its
 * inflections only (`surfaces`: the words before stemming; "policy" is not
 * "police", though the index stems both "polic"). A phrasal verb is one word
 * ("log in" is 登录, "log" alone is 日志), and so is its noun written as one
 * ("backup": CC-CEDICT glosses 备份 by the noun, "to back up" by 倒灌, of
 * water); `length` says how many tokens it took.
 */
function englishWordAt(
  lexicon: Lexicon,
  stems: readonly string[],
  surfaces: readonly string[],
  i: number,
): { source: string; entries: number[]; length: 1 | 2 } {
  const keys = inflectionKeys(surfaces[i]);
  if (i + 1 < stems.length && surfaces[i + 1]) {
    const particle = inflectionStem(surfaces[i + 1]);
    const phrase = lexicon.firstEnWord(keys.map((k) => `${k} ${particle}`));
    if (phrase >= 0) {
      const joined = lexicon.firstEnWord(inflectionKeys(`${surfaces[i]}${surfaces[i + 1]}`));
      const entries = new Set([...(joined < 0 ? [] : lexicon.zhForEn(joined)), ...lexicon.zhForEn(phrase)]);
      return { source: lexicon.enStem(phrase), entries: [...entries], length: 2 };
    }
  }
  const found = lexicon.firstEnWord(keys);
  const word = found >= 0 ? found : closestByStem(lexicon, stems[i]);
  return { source: stems[i], entries: word < 0 ? [] : lexicon.zhForEn(word), length: 1 };
}

/**
 * A word that is no key of its own ("systemic", "credible") is translated as
 * the shortest word of its index stem that has translations (system,
 * credibility): what the derivation most likely kept, where the alternative
 * is no translation at all. -1 when the stem has none.
 */
function closestByStem(lexicon: Lexicon, stem: string): number {
  let best = -1;
  for (const word of lexicon.enWordsWithStem(stem)) {
    if (!lexicon.zhForEn(word).length) continue;
    if (best < 0 || lexicon.enKey(word).length < lexicon.enKey(best).length) best = word;
  }
  return best;
}

/**
 * The question in the other language, as weighted groups: Chinese words
 * (segmented by the lexicon) → their English senses; English words → their
 * best Chinese entries. Function words are left out; a word that the lexicon
 * does not know is left out (the untranslated question is searched anyway).
 * Past `limit` groups, translatable words are only listed (`unread`): reading
 * their senses is most of the cost of a pasted paragraph's ~100 words.
 */
export function translateQuestion(lexicon: Lexicon, question: string, limit = Infinity): TranslatedQuestion {
  const groups: TranslationGroup[] = [];
  const unread: string[] = [];
  const framingUnits = new Set<string>();
  const seen = new Set<string>();
  const stop = stopwordSet();
  for (const word of segmentChinese(lexicon, question)) {
    if (CHINESE_QUESTION_WORDS.has(word)) for (const c of word) framingUnits.add(c);
    if (seen.has(word) || CHINESE_QUESTION_WORDS.has(word) || stop.has(word)) continue;
    seen.add(word);
    const entry = lexicon.zhEntry(word);
    if (entry < 0) continue;
    if (groups.length >= limit) {
      unread.push(word);
      continue;
    }
    const members: TranslationMember[] = lexicon.senses(entry).map((sense) => ({
      terms: sense.map((w) => lexicon.enStem(w)),
      display: sense.map((w) => lexicon.enDisplayForm(w)).join(' '),
      words: sense.map((w) => lexicon.enDisplayForm(w)),
    }));
    groups.push({
      source: word,
      sourceUnits: [...word].filter((c) => !stop.has(c)),
      members,
    });
  }
  const surfaces: string[] = [];
  const stems = analyze(question, { maxChars: 4000, surfaces });
  for (let i = 0; i < stems.length; i++) {
    const stem = stems[i];
    if (isCjk(stem.codePointAt(0)!) || seen.has(stem) || stop.has(stem) || GLOSS_FILLER_WORDS.has(stem))
      continue;
    const { source, entries, length } = englishWordAt(lexicon, stems, surfaces, i);
    i += length - 1;
    // Each word once, a phrasal verb too ("log in … log in"); "log" alone is another word.
    if (seen.has(source)) continue;
    seen.add(source);
    if (!entries.length) continue;
    if (groups.length >= limit) {
      unread.push(stem);
      continue;
    }
    const members = entries.map((entry) => {
      const key = lexicon.zhKey(entry);
      return { terms: [...new Set(analyze(key))], display: key };
    });
    // A phrasal verb's particle is a function word: the verb stands for both in coverage.
    groups.push({ source, sourceUnits: [stem], members });
  }
  // A character that also belongs to a content word stays a content unit.
  for (const g of groups) for (const u of g.sourceUnits) framingUnits.delete(u);
  return { groups, unread, framingUnits };
}

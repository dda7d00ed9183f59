import { analyze, termOfPlainWord } from '../text/analyzer.js';
import { stopwordSet } from './coverage.js';
import { QUERY_MAX_CHARS, queryTerms } from './ftsQuery.js';

/** A word of the question that no passage holds, and the library's word that was searched instead. */
export interface SpellingCorrection {
  /** As the question wrote it. */
  written: string;
  /** As searched (the written word's capital kept). */
  searched: string;
}

export interface CorrectedQuestion {
  /** The question with each corrected word replaced; the question itself when nothing was corrected. */
  question: string;
  corrections: SpellingCorrection[];
}

/** What the corrector reads of the library. */
export interface SpellingLibrary {
  /** Chunk counts of index terms (the question's own words: cached by the searcher). */
  df(terms: string[]): Map<string, number>;
  /** Which of many terms the index holds, with their chunk counts. */
  presentTerms(terms: string[]): Map<string, number>;
  /** At least half of the library is in English (asked only when a word is absent). */
  writesEnglish(): boolean;
  /** The word (lower case) is an English word of the dictionary: absent from the library, not misspelt. */
  knownWord(word: string): boolean;
  /**
   * Whether a passage holding `term` writes `word`, exactly: true, false, or null when
   * too many hold it to read them. FTS holds stems, and an edit can reach a stem through a
   * word nobody writes ("toppers" → "toppeds").
   */
  writes(term: string, word: string, df: number): boolean | null;
}

/**
 * Shorter words are left alone, and are never what a word is corrected to: a
 * four-letter word the library lacks ("rust") is one edit from several it
 * holds ("rest", "just", "trust"), and a five-letter name one letter from a
 * common short word ("steph", "step"), so a "correction" there would mostly
 * change the question's meaning.
 */
export const MIN_CORRECTED_LETTERS = 5;
/**
 * Longer "words" are no words people mistype (a pasted hash, a line of letters): their
 * variants would be ~54 × n strings of n letters each.
 */
export const MAX_CORRECTED_LETTERS = 30;
/** Corrected words per question at most (each is a few milliseconds of look-ups). */
export const MAX_CORRECTED_WORDS = 3;

/** Words with joiners or digits ("Node.js", "ext4", "x86_64") are names or code: never corrected. */
const LATIN_TOKEN = /[A-Za-z][A-Za-z0-9]*(?:[._+#-][A-Za-z0-9]+)*\+*/g;
const PLAIN_WORD = /^[A-Za-z]+$/;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Every lower-case word one edit from `word` after its first letter: a letter
 * left out, added, changed or two swapped (Damerau). People rarely mistype a
 * word's first letter, and names one first letter apart are different names
 * (Pratt, Ratt; Payton, Dayton).
 */
export function wordsOneEditAway(word: string): string[] {
  const out = new Set<string>();
  for (let i = 1; i <= word.length; i++) {
    const head = word.slice(0, i);
    for (const c of LETTERS) {
      out.add(head + c + word.slice(i));
      if (i < word.length) out.add(head + c + word.slice(i + 1));
    }
    if (i < word.length) out.add(head + word.slice(i + 1));
    if (i < word.length - 1) out.add(head + word[i + 1] + word[i] + word.slice(i + 2));
  }
  out.delete(word);
  return [...out];
}

/** The words of a question that may be corrected, with where they are: plain Latin words, hyphenated parts too. */
function correctableWords(question: string): { word: string; index: number }[] {
  const out: { word: string; index: number }[] = [];
  // As far as queryTerms reads a question.
  for (const m of question.slice(0, QUERY_MAX_CHARS).matchAll(LATIN_TOKEN)) {
    if (/[0-9._+#]/.test(m[0])) continue;
    // A clitic's host or the clitic ("doesn't", "O'Reilly") is read by the analyzer's rules.
    const end = m.index + m[0].length;
    if (/^['’]\p{L}/u.test(question.slice(end, end + 2)) || /['’]$/u.test(question.slice(0, m.index)))
      continue;
    let offset = 0;
    for (const part of m[0].split('-')) {
      const index = m.index + offset;
      offset += part.length + 1;
      if (part.length < MIN_CORRECTED_LETTERS || part.length > MAX_CORRECTED_LETTERS) continue;
      if (!PLAIN_WORD.test(part)) continue;
      // Capitals after the first letter (RPM, GOsa, iPhone) are written on purpose.
      if (/[A-Z]/.test(part.slice(1))) continue;
      out.push({ word: part, index });
    }
  }
  return out;
}

/**
 * A question's words that no passage of the library holds, each replaced by
 * the library's word one edit away that most passages hold (the way a
 * spelling corrector chooses by frequency): "lintain" → "lintian",
 * "Christchruch" → "Christchurch". A word is looked at only when its index
 * term is absent, so a question whose words the library all holds is searched
 * exactly as written; and a word with no neighbour in the library stays (the
 * library then lacks it, which the not-found rule weighs).
 *
 * Only in a library mostly in English: in a Chinese library an English
 * word is absent because the library says it in Chinese (translation finds
 * it), and its English neighbours there are stray words of code listings and
 * notices ("ships" → "skips"). `questionTerms`: the question's queryTerms,
 * when the caller has read them already.
 */
export function correctSpelling(
  question: string,
  library: SpellingLibrary,
  questionTerms: readonly string[] = queryTerms(question),
): CorrectedQuestion {
  const stop = stopwordSet();
  // Only words the search reads (a pasted page is cut to its first terms): their counts are read
  // for the search anyway, so a question whose words are all there costs nothing more.
  const searched = new Set(questionTerms);
  const words = correctableWords(question).map((w) => ({ ...w, term: analyze(w.word)[0] ?? '' }));
  const candidates = words.filter((w) => searched.has(w.term) && !stop.has(w.term));
  if (!candidates.length) return { question, corrections: [] };
  const counts = library.df([...new Set(candidates.map((w) => w.term))]);
  const absent = candidates.filter((w) => !counts.get(w.term)).slice(0, MAX_CORRECTED_WORDS);
  if (!absent.length || !library.writesEnglish()) return { question, corrections: [] };
  const corrections: (SpellingCorrection & { index: number })[] = [];
  const chosen = new Map<string, string | null>();
  for (const { word, index } of absent) {
    const lower = word.toLowerCase();
    if (library.knownWord(lower)) continue;
    if (!chosen.has(lower)) chosen.set(lower, nearestLibraryWord(lower, library));
    const best = chosen.get(lower)!;
    if (!best) continue;
    const searched = word[0] === word[0].toUpperCase() ? best[0].toUpperCase() + best.slice(1) : best;
    corrections.push({ written: word, searched, index });
  }
  if (!corrections.length) return { question, corrections: [] };
  let text = '';
  let at = 0;
  for (const c of corrections) {
    text += question.slice(at, c.index) + c.searched;
    at = c.index + c.written.length;
  }
  return {
    question: text + question.slice(at),
    corrections: corrections.map(({ written, searched }) => ({ written, searched })),
  };
}

/** Library terms tried per misspelt word, most frequent first, until one is written as the variant. */
const TERMS_TRIED = 4;

/**
 * The variant one edit away that the library writes, of the index term the
 * most passages hold; ties go to the alphabetically first term, and a variant
 * that is its own stem or comes first alphabetically is tried first, so the
 * choice never depends on the order of look-ups.
 */
function nearestLibraryWord(word: string, library: SpellingLibrary): string | null {
  const stem = termOfPlainWord(word);
  const variantsOf = new Map<string, string[]>();
  for (const v of wordsOneEditAway(word)) {
    if (v.length < MIN_CORRECTED_LETTERS) continue;
    const term = termOfPlainWord(v);
    // An edit that makes the stemmer cut a longer suffix ("finalists" → "finalisms", stem
    // "final") reaches a common stem through a word nobody writes: only a dictionary word may.
    if (stem.length - term.length >= 2 && !library.knownWord(v)) continue;
    const list = variantsOf.get(term);
    if (list) list.push(v);
    else variantsOf.set(term, [v]);
  }
  const present = [...library.presentTerms([...variantsOf.keys()])]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TERMS_TRIED);
  for (const [term, n] of present) {
    const variants = variantsOf
      .get(term)!
      .sort((a, b) => Number(b === term) - Number(a === term) || (a < b ? -1 : 1));
    for (const v of variants) if (library.writes(term, v, n) !== false) return v;
  }
  return null;
}

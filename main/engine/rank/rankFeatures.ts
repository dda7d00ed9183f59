import { analyze } from '../text/analyzer.js';
import { isIndexedCjk as isCjk } from '../text/cjk.js';
import type { TermStats } from '../search/bm25.js';
import { contentUnits, coverage } from '../search/coverage.js';
import { idf } from '../search/idf.js';
import { namedTokens } from '../search/namedTerms.js';
import { passageShape } from './passageKind.js';
import { builtinWordVectors, type WordVectors } from './wordVectors.js';

/**
 * The ranking stage's features, version 1. Every feature is normalised per
 * question (shares, ranks, scores over the question's best) so that it means the
 * same whatever the library's size and whatever pack made the dense scores: a
 * pack without its own ranker can use the built-in one. Changing a feature's
 * meaning or order needs a new version (a ranker names the version it was trained on).
 */
export const RANK_FEATURE_SET = 'docqa-rank-features-4';
export const FEATURE_NAMES = [
  'bm25OverBest',
  'bm25ReciprocalRank',
  'denseOverBest',
  'denseZ',
  'denseReciprocalRank',
  'coverageBody',
  'coverageHeading',
  'coverageBestSentence',
  'coverageBestWindow',
  'proximity',
  'wordPairShare',
  'cjkBigramShare',
  'numberShare',
  'tableOfContents',
  'codeLines',
  'shortLines',
  'logLength',
  'logStart',
  'channelsAgree',
  'questionUnits',
  'questionCjkShare',
  'languageGap',
  'headingInQuestion',
  'headingVerbatim',
  'relatedWords',
] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;

/**
 * Feature sets this engine computes, by how many of FEATURE_NAMES' first columns each has.
 * Features are only ever appended, so trees of an earlier set (a pack trained before a
 * feature was added) read the same columns they were trained on.
 */
const FEATURE_SET_WIDTHS: Readonly<Record<string, number>> = {
  'docqa-rank-features-1': 22,
  'docqa-rank-features-2': 23,
  'docqa-rank-features-3': 24,
  [RANK_FEATURE_SET]: FEATURE_COUNT,
};

/** Whether trees trained on `featureSet` with these feature names can score this engine's rows. */
export function computesFeatureSet(featureSet: string, features: readonly string[]): boolean {
  const width = FEATURE_SET_WIDTHS[featureSet];
  return width === features.length && features.every((name, i) => FEATURE_NAMES[i] === name);
}

/** A recalled passage with what the ranking stage looks at. */
export interface RankPassage {
  chunkId: number;
  bm25?: number;
  dense?: number;
  text: string;
  title: string;
  headingPath: readonly string[];
  /** Offset of the passage in its document. */
  start: number;
}

/** The question's side, analysed once per question. */
export interface QuestionAnalysis {
  units: Set<string>;
  tokens: Set<string>;
  wordPairs: Set<string>;
  /** First words of `wordPairs`. */
  pairStarts: Set<string>;
  cjkBigrams: Set<string>;
  numbers: string[];
  cjkShare: number;
  /** The question in `verbatimForm`, for headings it holds word for word. */
  verbatim: string;
  /** Index terms of the words that name a specific thing ("Fedora", "RPM"): matched as written or not at all. */
  named: Set<string>;
}

const NUMBER = /\d+(?:[.,]\d+)*/gu;

function cjkShare(text: string): number {
  let cjk = 0;
  let letters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x3040 && isCjk(c)) {
      cjk++;
      letters++;
    } else if (((c | 32) >= 97 && (c | 32) <= 122) || (c >= 0xc0 && c < 0x3040)) letters++;
  }
  return letters ? cjk / letters : 0;
}

const isCjkToken = (t: string) => isCjk(t.codePointAt(0)!) && t.codePointAt(0)! >= 0x3040;

export function analyseQuestion(question: string): QuestionAnalysis {
  const units = contentUnits(question);
  const tokens = analyze(question);
  const wordPairs = new Set<string>();
  const cjkBigrams = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isCjkToken(t)) {
      if (t.length >= 2) cjkBigrams.add(t);
    } else if (i + 1 < tokens.length && !isCjkToken(tokens[i + 1])) {
      wordPairs.add(`${t} ${tokens[i + 1]}`);
    }
  }
  const contentTokens = new Set(tokens.filter((t) => units.has(t) || (isCjkToken(t) && t.length === 2)));
  return {
    units,
    tokens: contentTokens,
    wordPairs,
    pairStarts: new Set([...wordPairs].map((p) => p.slice(0, p.indexOf(' ')))),
    cjkBigrams,
    numbers: [...new Set(question.match(NUMBER) ?? [])],
    cjkShare: cjkShare(question),
    verbatim: verbatimForm(question),
    named: new Set(namedTokens(question).flatMap((name) => analyze(name))),
  };
}

/**
 * Text as headings are compared word for word: width and case folded, a "(disambiguation)"
 * and a leading section number dropped, punctuation read as a space.
 */
export function verbatimForm(text: string): string {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[(（][^()（）]*[)）]/gu, ' ')
      // A section number has a dot ("7.", "5.4"); "2012 Summer Olympics" and "1984" keep theirs.
      .replace(/^\s*\d+(?:\.\d+)*\.\d*\s+(?=\S)/u, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
  );
}

/** A letter or digit of a spaced script: a match may not start or end inside such a word. */
const inWord = (c: number | undefined) => c !== undefined && c !== 32 && !isCjk(c);

/**
 * Length of the longest heading (title or section heading, in `verbatimForm`) the question
 * holds word for word, 0 when none: "前肛鳗以什么为食" holds the title 前肛鳗, not 异齿前肛鳗,
 * whose characters it mostly holds too. Two characters of Chinese or three letters at least,
 * so a word that happens to be a title ("It") does not count.
 */
function verbatimHeadingLength(
  question: string,
  headings: readonly string[],
  heldLength: Map<string, number>,
): number {
  let best = 0;
  for (const heading of headings) {
    let held = heldLength.get(heading);
    if (held === undefined) heldLength.set(heading, (held = heldVerbatim(question, verbatimForm(heading))));
    best = Math.max(best, held);
  }
  return best;
}

/** The heading's length when the question holds it word for word (long enough to count), else 0. */
function heldVerbatim(question: string, h: string): number {
  if (h.length < (isCjk(h.codePointAt(0)!) ? 2 : 3)) return 0;
  for (let at = question.indexOf(h); at >= 0; at = question.indexOf(h, at + 1)) {
    const cutsBefore = inWord(question.codePointAt(at - 1)) && inWord(h.codePointAt(0));
    const cutsAfter = inWord(question.codePointAt(at + h.length)) && inWord(h.codePointAt(h.length - 1));
    if (!cutsBefore && !cutsAfter) return h.length;
  }
  return 0;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 0x3000 || c === 0xa0;

/**
 * Sentences for the best-sentence features: cut after . ! ? ; followed by space,
 * after 。！？ (Chinese needs no space), at blank lines, and before lines that
 * start a list item or a number. A character loop: the same cuts as a look-behind
 * regex, several times faster on the candidates of every question.
 */
export function featureSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const cut = (end: number) => {
    const piece = text.slice(start, end);
    if (piece.trim()) out.push(piece);
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3002 || c === 0xff01 || c === 0xff1f) cut(i + 1);
    else if (
      (c === 46 || c === 33 || c === 63 || c === 59 || c === 0xff1b) &&
      isSpace(text.charCodeAt(i + 1))
    )
      cut(i + 1);
    else if (c === 10) {
      let j = i + 1;
      while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      const next = text.charCodeAt(j);
      if (next === 10 || next === 45 || next === 42 || next === 0x2022 || (next >= 48 && next <= 57))
        cut(i + 1);
    }
  }
  cut(text.length);
  return out;
}

/**
 * The largest share of one heading's content units (the document's title, a section's heading)
 * that the question holds: "Royal Air Force" is all in "What is the purpose of the Royal Air
 * Force?", "United States Air Force in Thailand" two fifths. The other direction from
 * `coverageHeading` (how much of the question a heading holds): a passage under a heading the
 * question names is about the question's subject, not merely mentioning its words.
 */
function headingInQuestion(
  questionUnits: ReadonlySet<string>,
  headings: readonly string[],
  unitsOf: Map<string, Set<string>>,
): number {
  let best = 0;
  for (const heading of headings) {
    let units = unitsOf.get(heading);
    if (!units) unitsOf.set(heading, (units = contentUnits(heading)));
    if (!units.size) continue;
    let held = 0;
    for (const u of units) if (questionUnits.has(u)) held++;
    best = Math.max(best, held / units.size);
  }
  return best;
}

/** Reciprocal rank of each value among the present ones (1 = best), 0 when absent. */
function reciprocalRanks(values: (number | undefined)[]): number[] {
  const order = values
    .map((v, i) => [v, i] as const)
    .filter((x): x is readonly [number, number] => x[0] !== undefined)
    .sort((a, b) => b[0] - a[0]);
  const out = new Array<number>(values.length).fill(0);
  order.forEach(([, i], r) => (out[i] = 1 / (r + 1)));
  return out;
}

/** Shortest run of passage tokens holding every question token the passage has, as matched/length (0..1). */
function proximity(passageTokens: string[], wanted: Set<string>): number {
  const present = new Set(passageTokens.filter((t) => wanted.has(t)));
  if (present.size < 2) return present.size ? 1 : 0;
  const counts = new Map<string, number>();
  let have = 0;
  let best = Infinity;
  let left = 0;
  for (let right = 0; right < passageTokens.length; right++) {
    const t = passageTokens[right];
    if (!present.has(t)) continue;
    const c = (counts.get(t) ?? 0) + 1;
    counts.set(t, c);
    if (c === 1) have++;
    while (have === present.size) {
      best = Math.min(best, right - left + 1);
      const l = passageTokens[left];
      if (present.has(l)) {
        const lc = counts.get(l)! - 1;
        counts.set(l, lc);
        if (lc === 0) have--;
      }
      left++;
    }
  }
  return Number.isFinite(best) ? present.size / best : 0;
}

/**
 * Relatedness (CSLS, wordVectors.ts) counted as closeness 0 and 1: "delete" and "remove"
 * (0.01) just count, "printer" and "inkjet" (0.47) nearly fully.
 */
const RELATED_FLOOR = -0.1;
const RELATED_FULL = 0.5;

/**
 * How near a passage comes to the question's words it does not hold: for each such unit with
 * a word vector, its most related word of the passage, counted from RELATED_FLOOR (0) to
 * RELATED_FULL (1). Similarities are kept per question, since candidates share most of their words.
 */
class RelatedWords {
  private readonly unitRows: number[];
  /** Each passage word's closeness to every unit (null: the word has no vector), once per question. */
  private readonly closenessOf = new Map<string, Float64Array | null>();
  private readonly best: Float64Array;

  constructor(
    private readonly vectors: WordVectors,
    units: readonly string[],
    named: ReadonlySet<string>,
  ) {
    // Word vectors put names of one kind together ("Fedora" beside "Debian"): a name is not paraphrased.
    this.unitRows = units.map((u) => (named.has(u) ? -1 : vectors.row(u)));
    this.best = new Float64Array(units.length);
  }

  private closeness(word: string): Float64Array | null {
    let out = this.closenessOf.get(word);
    if (out === undefined) {
      const row = this.vectors.row(word);
      if (row < 0) out = null;
      else {
        out = new Float64Array(this.unitRows.length);
        for (let u = 0; u < out.length; u++)
          if (this.unitRows[u] >= 0)
            out[u] =
              (this.vectors.relatedness(this.unitRows[u], row) - RELATED_FLOOR) /
              (RELATED_FULL - RELATED_FLOOR);
      }
      this.closenessOf.set(word, out);
    }
    return out;
  }

  /** Whether any of the question's units has a vector (a Chinese question's characters have none, nor names). */
  get relatable(): boolean {
    return this.unitRows.some((row) => row >= 0);
  }

  /** The IDF-weighted sum over the units the passage lacks (`held[u]` 0) of their closeness. */
  weightedCloseness(held: Uint8Array, words: ReadonlySet<string>, weights: readonly number[]): number {
    const best = this.best.fill(0);
    let wanted = false;
    for (let u = 0; u < best.length; u++) wanted ||= !held[u] && this.unitRows[u] >= 0;
    if (!wanted) return 0;
    for (const word of words) {
      const closeness = this.closeness(word);
      if (!closeness) continue;
      for (let u = 0; u < best.length; u++) if (closeness[u] > best[u]) best[u] = closeness[u];
    }
    let sum = 0;
    for (let u = 0; u < best.length; u++)
      if (!held[u] && this.unitRows[u] >= 0) sum += weights[u] * Math.min(1, best[u]);
    return sum;
  }
}

/**
 * One row of FEATURE_COUNT values per passage, in `passages` order. `stats`
 * holds the document frequencies of the question's content units (for IDF).
 */
export function rankingFeatures(
  q: QuestionAnalysis,
  passages: readonly RankPassage[],
  stats: TermStats,
): Float32Array[] {
  let bestBm25 = 0;
  let bestDense = -Infinity;
  let denseSum = 0;
  let denseSq = 0;
  let denseN = 0;
  for (const p of passages) {
    if ((p.bm25 ?? 0) > bestBm25) bestBm25 = p.bm25!;
    if (p.dense !== undefined) {
      bestDense = Math.max(bestDense, p.dense);
      denseSum += p.dense;
      denseSq += p.dense * p.dense;
      denseN++;
    }
  }
  const denseMean = denseN ? denseSum / denseN : 0;
  const denseStd = denseN ? Math.sqrt(Math.max(denseSq / denseN - denseMean * denseMean, 1e-12)) : 1;
  const bm25Rr = reciprocalRanks(passages.map((p) => p.bm25));
  const denseRr = reciprocalRanks(passages.map((p) => p.dense));
  const questionUnits = Math.log1p(q.units.size);
  // Many candidates share a document title and heading path: analyse each once.
  const headingFeatures = new Map<string, { coverage: number; held: number; verbatim: number }>();
  // A document's title heads every passage of it, and sections share their chapter's heading.
  const headingUnits = new Map<string, Set<string>>();
  const headingHeldLength = new Map<string, number>();
  // Coverage of the question by a passage, a sentence and each window of three: the same sums
  // as `coverage` (each unit's IDF, in the question's unit order), with the IDFs read once per
  // question and each sentence's units kept as flags, so windows need no new sets.
  const units = [...q.units];
  const unitIndex = new Map(units.map((u, i) => [u, i]));
  const weights = units.map((u) => idf(u, stats));
  let totalWeight = 0;
  for (const w of weights) totalWeight += w;
  const share = (has: (i: number) => boolean) => {
    if (!(totalWeight > 0)) return 0;
    let found = 0;
    for (let u = 0; u < units.length; u++) if (has(u)) found += weights[u];
    return found / totalWeight;
  };
  const vectors = builtinWordVectors();
  const relatedWords = vectors && totalWeight > 0 ? new RelatedWords(vectors, units, q.named) : null;
  // −1 when nothing of the question can be said in other words: not the same as a passage that
  // says none of it so (0), which the trees would otherwise have to learn from the same value.
  const related = relatedWords?.relatable ? relatedWords : null;
  const verbatim: number[] = [];
  const rows = passages.map((p, i) => {
    const f = new Float32Array(FEATURE_COUNT);
    const headings = [p.title, ...p.headingPath];
    const headingText = headings.join('\n');
    let heading = headingFeatures.get(headingText);
    if (!heading) {
      heading = {
        coverage: coverage(q.units, contentUnits(headingText), stats),
        held: headingInQuestion(q.units, headings, headingUnits),
        verbatim: verbatimHeadingLength(q.verbatim, headings, headingHeldLength),
      };
      headingFeatures.set(headingText, heading);
    }
    // One analysis per sentence gives everything: the passage's tokens (for proximity and
    // word pairs), and which of the question's units each sentence holds (for coverage).
    const sentences = featureSentences(p.text);
    const tokens: string[] = [];
    const sentenceHits: Uint8Array[] = [];
    const body = new Uint8Array(units.length);
    for (const sentence of sentences) {
      const chars: string[] = [];
      const hits = new Uint8Array(units.length);
      // The question's units are content words and characters only (contentUnits): no stop word.
      for (const t of analyze(sentence, { chars })) {
        tokens.push(t);
        const u = unitIndex.get(t);
        if (u !== undefined) hits[u] = body[u] = 1;
      }
      for (const c of chars) {
        const u = unitIndex.get(c);
        if (u !== undefined) hits[u] = body[u] = 1;
      }
      sentenceHits.push(hits);
    }
    const none = new Uint8Array(units.length);
    let bestSentence = 0;
    let bestWindow = 0;
    for (let s = 0; s < sentenceHits.length; s++) {
      const [a, b, c] = [sentenceHits[s], sentenceHits[s + 1] ?? none, sentenceHits[s + 2] ?? none];
      bestSentence = Math.max(
        bestSentence,
        share((u) => a[u] === 1),
      );
      bestWindow = Math.max(
        bestWindow,
        share((u) => (a[u] | b[u] | c[u]) === 1),
      );
    }
    const tokenSet = new Set(tokens);
    let pairs = 0;
    for (let t = 0; t + 1 < tokens.length; t++)
      if (q.pairStarts.has(tokens[t]) && q.wordPairs.has(`${tokens[t]} ${tokens[t + 1]}`)) pairs++;
    let bigrams = 0;
    for (const b of q.cjkBigrams) if (tokenSet.has(b)) bigrams++;
    const numbers = q.numbers.filter((n) => p.text.includes(n)).length;
    const shape = passageShape(p.text);
    f[0] = bestBm25 > 0 ? (p.bm25 ?? 0) / bestBm25 : 0;
    f[1] = bm25Rr[i];
    f[2] = p.dense !== undefined && bestDense > 0 ? Math.max(0, p.dense) / bestDense : 0;
    f[3] = p.dense !== undefined ? (p.dense - denseMean) / denseStd : -3;
    f[4] = denseRr[i];
    f[5] = share((u) => body[u] === 1);
    f[6] = heading.coverage;
    f[7] = bestSentence;
    f[8] = bestWindow;
    f[9] = proximity(tokens, q.tokens);
    f[10] = q.wordPairs.size ? Math.min(1, pairs / q.wordPairs.size) : 0;
    f[11] = q.cjkBigrams.size ? bigrams / q.cjkBigrams.size : 0;
    f[12] = q.numbers.length ? numbers / q.numbers.length : 0;
    f[13] = shape.toc;
    f[14] = shape.code;
    f[15] = shape.shortLines;
    f[16] = Math.log1p(p.text.length) / 8;
    f[17] = Math.log1p(p.start) / 12;
    f[18] = bm25Rr[i] >= 0.1 && denseRr[i] >= 0.1 ? 1 : 0;
    f[19] = questionUnits;
    f[20] = q.cjkShare;
    f[21] = Math.abs(q.cjkShare - cjkShare(p.text.slice(0, 400)));
    f[22] = heading.held;
    f[24] = related ? related.weightedCloseness(body, tokenSet, weights) / totalWeight : -1;
    verbatim.push(heading.verbatim);
    return f;
  });
  // Over the longest heading any candidate's question holds: the most specific subject named.
  const longest = Math.max(0, ...verbatim);
  if (longest > 0) rows.forEach((f, i) => (f[23] = verbatim[i] / longest));
  return rows;
}

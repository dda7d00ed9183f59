import { Bm25Channel, type TermStats } from './bm25.js';
import { isIndexedCjk as isCjk } from '../text/cjk.js';
import { idf } from './idf.js';
import { contentUnits } from './coverage.js';
import type { Lexicon } from './lexicon.js';
import { translateQuestion, type TranslationGroup, type TranslationMember } from './translateQuery.js';

/** What the translated query added to recall. */
export interface CrossLingualRecall {
  /** Chunk id → weighted BM25 of the searched translations (added to the chunk's own BM25). */
  candidates: Map<number, number>;
  /** The translations that were searched (present in the library), for "also searched: …". */
  translatedTerms: string[];
  /** The groups that were searched, reduced to the members present in the library (for coverage). */
  groups: TranslationGroup[];
  /** Question characters that only frame the question (left out of coverage of a translated match). */
  framingUnits: Set<string>;
  /**
   * Translatable words past MAX_TRANSLATED_WORDS (pasted text), never looked up: evidence
   * neither way, like framing words (counted as missing, they made a pasted English
   * paragraph "not found" in the Chinese library that holds its translation).
   */
  unread: Set<string>;
  /** Question words the lexicon translates but none of whose translations occur in the library. */
  absentGroups: TranslationGroup[];
  /** Document frequencies of the question's terms and of every translation's terms. */
  stats: TermStats;
}

/**
 * A searched translation's BM25 counts 1/4 of a word of the question itself
 * (a translated word, two translations searched, at most 1/2): in a library
 * holding both languages a passage matching the question's own words stays
 * ahead of one matching only its translations. Measured against 0.5 and 1
 * (manuals-xling-dev, and manuals-dev over its mixed library): higher weights
 * lift en2zh hit@10 (0.47 at 0.25 and 0.5, 0.67 at 1) but cost the
 * same-language kinds (manuals-dev zh strict hit@10 0.68 → 0.55 at 0.5, 0.32
 * at 1; zh2en hit@1 0.375 → 0.375 → 0.275).
 */
const TRANSLATION_WEIGHT = 0.25;
/** Translations searched per translated word: the two this library uses most. */
const MEMBERS_SEARCHED = 2;
/**
 * Words of one question translated at most, in question order. A question is a
 * sentence or two; a pasted paragraph of 150 Chinese characters segments into
 * ~100 words and 650 translation terms, whose document-frequency look-ups and
 * one FTS query cost 35 ms (p95 at 10k passages, bench/engine.ts) where a
 * question's 10 words cost under 5.
 */
export const MAX_TRANSLATED_WORDS = 16;
/**
 * Input with more distinct translatable words than this is pasted text, not a
 * question: the questions of every dev set translate 3–24 (cmrc2018-dev's
 * longest 24, manuals-dev's 19), a pasted 150-character Chinese paragraph
 * 80–100.
 */
export const PASTED_TEXT_WORDS = 32;
/**
 * Of pasted text, the translated query searches only this many words of the
 * first MAX_TRANSLATED_WORDS, each by the one translation this library uses
 * most: the words whose translation is rarest in the library. Common
 * translations are what FTS5 pays for (every row holding one is scored over
 * all ~32 phrases) and what tells passages apart least; a paragraph's many
 * words make up for the second translation. At 100k passages a pasted
 * 150-character Chinese paragraph's added latency fell from +14–16 to +6–7 ms
 * (p50); 35 maint-guide-zh-cn paragraphs pasted over the English maint-guide
 * found their section first 30 times (31 before), in the top 10 always
 * (scripts/measure-pasted.ts, main/engine/eval/README.md).
 */
export const PASTED_TEXT_TRANSLATED = 8;
/** Passages the translated query of pasted text adds at most (a question's adds RECALL_K). */
export const PASTED_TEXT_RECALL = 25;
/**
 * Passages the translated query adds when the library also holds the question's
 * own language (at least OWN_LANGUAGE_HELD of its passages): there the question's
 * own words and the dense channel fill the list, and the translations' candidates
 * compete for the other language's places and for fusion. Measured against 100
 * (all sizes, manuals-dev's mixed library): zh hit@3 0.727 → 0.773, zh2en hit@3
 * 0 → 0.125, the rest identical, pooled SQuAD-style sets identical; 30 lost a
 * zh first place. A library without the question's language (manuals-xling-dev)
 * keeps 100: there the translations are the recall, and 50 lost a zh2en first place.
 */
export const TRANSLATED_RECALL_BESIDE_OWN = 50;
export const OWN_LANGUAGE_HELD = 0.2;

/** How many passages the translated query recalls, given the share of the library in the question's language. */
export function translatedRecallDepth(ownLanguageShare: number, k: number): number {
  return ownLanguageShare >= OWN_LANGUAGE_HELD ? Math.min(k, TRANSLATED_RECALL_BESIDE_OWN) : k;
}

/**
 * Translated recall: each translated word of the question (through the
 * lexicon) is searched by the translations this library uses most (highest
 * document frequency: the lexicon lists a word's senses in dictionary order,
 * the library tells which ones its documents speak of), at most
 * MEMBERS_SEARCHED of them, so that a word with many glosses counts no more
 * than any other word. One FTS5 query over these translations recalls and
 * scores the candidates natively (a grouped BM25 rescored in JS over re-analysed passages measured
 * 35-90 ms a question on 900 chunks). Words whose translations do not occur in
 * the library cost only their df look-up: a library in one language answers a
 * question in the same language as before.
 */
export class CrossLingualSearch {
  constructor(
    private readonly bm25: Bm25Channel,
    private readonly lexicon: () => Lexicon | null,
  ) {}

  recall(question: string, questionTerms: readonly string[], k: number): CrossLingualRecall | null {
    const lexicon = this.lexicon();
    if (!lexicon) return null;
    const {
      groups: translated,
      unread,
      framingUnits,
    } = translateQuestion(lexicon, question, MAX_TRANSLATED_WORDS);
    if (!translated.length) return null;
    // Pasted text: only its most distinctive words, each by its most-used translation.
    const pasted = translated.length + unread.length > PASTED_TEXT_WORDS;
    const allTerms = new Set(questionTerms);
    for (const g of translated) for (const m of g.members) for (const t of m.terms) allTerms.add(t);
    const stats = this.bm25.termStats([...allTerms]);
    const df = (t: string) => stats.df.get(t) ?? 0;
    const present: { group: TranslationGroup; searched: TranslationMember[] }[] = [];
    const absentGroups: TranslationGroup[] = [];
    for (const g of translated) {
      const members = g.members
        .map((m) => {
          const held = m.terms.map((t) => df(t) > 0);
          return {
            ...m,
            terms: m.terms.filter((_, i) => held[i]),
            words: m.words?.filter((_, i) => held[i]) ?? heldParts(m.terms, held),
          };
        })
        .filter((m) => m.terms.length > 0);
      if (!members.length) {
        absentGroups.push(g);
        continue;
      }
      // The translations this library uses most, best first.
      const mostUsed = members
        .map((m) => ({ m, d: Math.min(...m.terms.map(df)) }))
        .sort((a, b) => b.d - a.d)
        .slice(0, pasted ? 1 : MEMBERS_SEARCHED)
        .map((x) => x.m);
      present.push({ group: { ...g, members }, searched: mostUsed });
    }
    const cost = (p: (typeof present)[number]) => Math.max(...p.searched[0].terms.map(df));
    const kept = pasted
      ? new Set([...present].sort((a, b) => cost(a) - cost(b)).slice(0, PASTED_TEXT_TRANSLATED))
      : null;
    const groups: TranslationGroup[] = [];
    const query: string[] = [];
    const searched: string[] = [];
    for (const p of present) {
      // Every present word still counts for coverage: leaving it out of the query is no evidence it is absent.
      groups.push(p.group);
      if (kept && !kept.has(p)) continue;
      for (const m of p.searched) {
        query.push(...m.terms);
        searched.push(m.words?.join(' ') ?? m.display);
      }
    }
    if (!groups.length) return null;
    // Recall by the translations alone: the question's own terms already recalled
    // BM25's candidates, and the searcher adds these scores to theirs.
    const candidates = new Map<number, number>();
    // On a large library a translation held by more than 1 passage in 20 recalls nothing by
    // itself (a question translated into one common word was a 10 ms query at 100k passages
    // for candidates ordered by their length); it still scores what the other translations
    // recall, and counts in coverage.
    const depth = pasted ? Math.min(k, PASTED_TEXT_RECALL) : k;
    for (const [id, s] of this.bm25.top(query, depth, stats, 'selective'))
      candidates.set(id, s * TRANSLATION_WEIGHT);
    return {
      candidates,
      translatedTerms: [...new Set(searched)],
      groups,
      framingUnits,
      unread: new Set(unread),
      absentGroups,
      stats,
    };
  }
}

/**
 * What is searched of a Chinese translation whose bigrams the library holds only
 * in part: the held stretches of the word (服务生 "waiter", held as 服务, is shown
 * as 服务, what the search looks for). Undefined when it holds them all (the word
 * itself is shown) or the translation is not one Chinese word.
 */
function heldParts(terms: readonly string[], held: readonly boolean[]): string[] | undefined {
  if (!held.includes(false) || !terms.every((t) => [...t].length === 2 && isCjk(t.codePointAt(0)!)))
    return undefined;
  const parts: string[] = [];
  let part = '';
  for (let i = 0; i < terms.length; i++) {
    if (!held[i]) {
      if (part) parts.push(part);
      part = '';
    } else if (part && [...part].at(-1) === [...terms[i]][0]) part += [...terms[i]][1];
    else {
      if (part) parts.push(part);
      part = terms[i];
    }
  }
  if (part) parts.push(part);
  return parts;
}

/**
 * How much of a question a passage covers when translations count, in words
 * of the library: each translated word whose translations occur in the
 * library (weighted by the IDF of its most-used translation, covered when one
 * of its translations occurs whole in the passage) and each word of the
 * question that is not Chinese and has no translation in the library (names,
 * commands: weighted and covered as themselves). Words that only frame the
 * question, and Chinese words without a translation in the library, are left
 * out: they are evidence neither way. (Counting the latter as uncovered, with
 * the IDF of an absent term, measured 35 instead of 27 of manuals-xling-dev's
 * 40 zh2en questions answered "not found", with the same 5 of 5 kind none.)
 * Except names (`absentNames`: 树莓派, a product the lexicon marks as a name,
 * found in no passage in either language): a passage cannot answer a question
 * about what it never names, so each counts as uncovered with the IDF of an
 * absent term, as an absent English name counts in the plain coverage.
 */
export function translatedCoverage(
  recall: CrossLingualRecall,
  questionUnits: ReadonlySet<string>,
  passageUnits: ReadonlySet<string>,
  absentNames: readonly string[] = [],
): number {
  return translatedCoverageOf(recall, questionUnits, absentNames)(passageUnits);
}

/**
 * translatedCoverage for one question, its weights read once, to be asked of
 * many passages (the other language's candidates for the first page).
 */
export function translatedCoverageOf(
  recall: CrossLingualRecall,
  questionUnits: ReadonlySet<string>,
  absentNames: readonly string[] = [],
): (passageUnits: ReadonlySet<string>) => number {
  let total = absentNames.length * idf('', { chunks: recall.stats.chunks, df: new Map() });
  const groups: { g: TranslationGroup; w: number }[] = [];
  const grouped = new Set<string>();
  for (const g of recall.groups) {
    for (const u of g.sourceUnits) grouped.add(u);
    let w = Infinity;
    for (const m of g.members) for (const t of m.terms) w = Math.min(w, idf(t, recall.stats));
    total += w;
    groups.push({ g, w });
  }
  const units: { u: string; w: number }[] = [];
  for (const u of questionUnits) {
    if (grouped.has(u) || recall.framingUnits.has(u) || recall.unread.has(u) || isCjk(u.codePointAt(0)!))
      continue;
    const w = idf(u, recall.stats);
    total += w;
    units.push({ u, w });
  }
  return (passageUnits) => {
    if (!(total > 0)) return 0;
    let found = 0;
    for (const { g, w } of groups) if (memberInPassage(g, passageUnits)) found += w;
    for (const { u, w } of units) if (passageUnits.has(u)) found += w;
    return found / total;
  };
}

/** Each translation's content units, analysed once per search however many passages are weighed. */
const memberUnits = new WeakMap<TranslationMember, Set<string>>();

function memberInPassage(g: TranslationGroup, passageUnits: ReadonlySet<string>): boolean {
  return g.members.some((m) => {
    let units = memberUnits.get(m);
    if (!units) memberUnits.set(m, (units = contentUnits(m.display)));
    if (!units.size) return false;
    for (const u of units) if (!passageUnits.has(u)) return false;
    return true;
  });
}

import path from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import type { SearchResult } from '../vocabulary/shapes.js';
import type { SearchMode } from '../vocabulary/values.js';
import { Bm25Channel, type TermStats } from './bm25.js';
import type { DenseChannel } from './dense.js';
import { queryTerms } from './ftsQuery.js';
import { unreachedCharacterTerms } from './unreachedCharacters.js';
import { highlightSentences } from './highlight.js';
import { NotFoundRule, type TopEvidence } from './notFound.js';
import { passageText } from '../text/passageText.js';
import { isPlainTextType, linesAreRows, pagesAreSlides } from '../ingest/fileTypes.js';
import type { DocumentType } from '../ingest/types.js';
import type {
  Candidate,
  CandidatePassage,
  RankContext,
  RankedCandidate,
  Ranker,
  RankInput,
} from './ranker.js';
import { contentUnits, coverage } from './coverage.js';
import { absentChineseNames, absentNames, namedWords } from './namedTerms.js';
import { chineseContentWords, chineseNames } from './translateQuery.js';
import { analyze } from '../text/analyzer.js';
import { isIndexedCjk } from '../text/cjk.js';
import {
  collapseDuplicates,
  comparableLength,
  demoteTablesOfContents,
  nearDuplicate,
  otherFile,
  shingles,
} from '../rank/passageHygiene.js';
import {
  FIRST_PAGE,
  OTHER_LANGUAGE_PLACES,
  OTHER_LANGUAGE_PLACES_FOR,
  withOtherLanguagePlaces,
} from '../rank/otherLanguagePlaces.js';
import { isTableOfContents, passageShape } from '../rank/passageKind.js';
import {
  CrossLingualSearch,
  translatedCoverage,
  translatedCoverageOf,
  translatedRecallDepth,
  type CrossLingualRecall,
} from './crossLingual.js';
import type { Lexicon } from './lexicon.js';
import { textLanguage, type TextLanguage } from './textLanguage.js';
import { LibraryLanguages } from './libraryLanguages.js';
import { NameInPassages } from './nameInPassages.js';
import { MINORITY_SHARE, withoutMinorityFunctionWords } from './minorityFunctionWords.js';
import { keepLanguageSlots } from '../rank/languageSlots.js';
import { boostRanking, type FeedbackBoosts } from '../feedback/boostRanking.js';
import { inflectionKeys } from '../text/inflection.js';
import { builtinEnglishWords } from './englishWords.js';
import { correctSpelling, type SpellingCorrection, type SpellingLibrary } from './spelling.js';

/** Candidates each channel recalls before ranking: enough for fusion to reorder, few enough to rank in milliseconds. */
export const RECALL_K = 100;
/** Ranked candidates looked at beyond k, to fill places freed by passage hygiene. */
const HYGIENE_EXTRA = 20;
/**
 * Other-language passages read at most (each: its coverage through the
 * translations) to fill the first page's places for that language: 10 and 20
 * gave the same manuals-dev figures; 10 costs half.
 */
const OFFER_READ = 10;
/** Share of a passage's lines that look like code from which it reads the same in any language. */
const MOSTLY_CODE = 0.5;

/** The dense side of a search: a vector set and the question tower that matches it. */
export interface DenseRecall {
  channel: DenseChannel;
  embedQuestion(question: string): Promise<Float32Array>;
  /** The channel's coarse search in another thread (large libraries), so hybrid runs BM25 beside it. */
  parallelTop?(question: Float32Array, k: number): Promise<Map<number, number>>;
}

export interface SearchOutcome {
  results: SearchResult[];
  notFound: boolean;
  /** Translations of the question's words that were also searched (cross-lingual recall); [] when none. */
  translatedTerms: string[];
  /** The question's named words that no passage of the library holds ("Docker"); [] when none. */
  missingNames: string[];
  /**
   * Answered, but the best passage shares few of the question's words and is not close to it in
   * the dense space: a paraphrase of what the library holds, or a question it does not answer
   * that names nothing it lacks. The answer says so.
   */
  weakMatch: boolean;
  /** Words of the question no passage holds that were searched as the library's nearest word; [] when none. */
  corrections: SpellingCorrection[];
}

export interface SearchOptions {
  /** Also search the question translated into the other language (default true). */
  crossLingual?: boolean;
  /** Search a word no passage holds as the library's word one edit away (default true). */
  correctSpelling?: boolean;
  /** What the user's earlier signals say (learning from use); asked once the question is embedded. */
  feedback?: () => Promise<FeedbackBoosts> | FeedbackBoosts;
}

/** What BM25 (and the translated query) recalled, read by this thread. */
interface LexicalRecall {
  stats: TermStats;
  top: Map<number, number>;
  crossing: CrossLingualRecall | null;
}

/** One search's reads of the library, all from one state of it. */
interface Recalled {
  candidates: Candidate[];
  /** Statistics of the question's terms (highlights). */
  stats: TermStats;
  crossing: CrossLingualRecall | null;
  /** Every candidate's passage, read in the same state as its scores (ranker, hygiene, results). */
  info: Map<number, ChunkInfo>;
  /** Statistics of the question's content units (the ranker's features, the not-found rule), same state. */
  unitStats: TermStats;
}

interface ChunkInfo {
  id: number;
  document_id: number;
  start: number;
  end: number;
  heading_path: string;
  page: number | null;
  line: number;
  text: string;
  rel_path: string;
  title: string | null;
  type: string | null;
  folder_id: number;
  folder_path: string;
}

/**
 * Two-stage search: recall (BM25 top-k ∪ dense top-k), then a Ranker over the
 * union with both channels' scores filled in for every candidate, then the
 * answer: passages with highlighted sentences, positions, and a calibrated
 * "not found in your documents".
 */
export class Searcher {
  private readonly bm25: Bm25Channel;
  private readonly chunkInfo: Statement;
  private readonly dataVersion: Statement;
  private readonly crossLingual: CrossLingualSearch | null;
  private readonly languages: LibraryLanguages;
  private readonly names: NameInPassages;
  /** What spelling correction reads of this library. */
  private readonly spelling: SpellingLibrary;

  constructor(
    private readonly db: Database,
    private readonly ranker: Ranker,
    private readonly notFoundRule: NotFoundRule = new NotFoundRule(),
    bm25: Bm25Channel = new Bm25Channel(db),
    private readonly lexicon: (() => Lexicon | null) | null = null,
  ) {
    this.bm25 = bm25;
    this.crossLingual = lexicon ? new CrossLingualSearch(bm25, lexicon) : null;
    this.languages = new LibraryLanguages(db);
    this.names = new NameInPassages(db);
    this.spelling = {
      df: (t) => this.bm25.termStats(t).df,
      presentTerms: (t) => this.bm25.presentTerms(t),
      writesEnglish: () => this.languages.share('en', this.bm25.termStats([]).chunks) >= MINORITY_SHARE,
      writes: (term, word, df) => this.names.written(term, word, df, true),
      // An English word of the built-in word list or the lexicon: absent from the library, not misspelt.
      knownWord: (w) => {
        if (builtinEnglishWords()?.has(w)) return true;
        const lexicon = this.lexicon?.();
        return !!lexicon && lexicon.firstEnWord(inflectionKeys(w)) >= 0;
      },
    };
    this.chunkInfo = db.prepare(
      `SELECT c.id, c.document_id, c.start, c.end, c.heading_path, c.page, c.line, c.text,
              d.rel_path, d.title, d.type, d.folder_id, f.path AS folder_path
       FROM chunks c JOIN documents d ON d.id = c.document_id JOIN folders f ON f.id = d.folder_id
       WHERE c.id IN (SELECT value FROM json_each(?))`,
    );
    // Changes whenever another connection commits (SQLite's PRAGMA data_version).
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  async search(
    question: string,
    k: number,
    mode: SearchMode,
    dense: DenseRecall | null,
    ranker: Ranker = this.ranker,
    options: SearchOptions = {},
  ): Promise<SearchOutcome> {
    // Everything below (both towers, translation, the not-found rule, highlights) reads the
    // corrected question, so a misspelt word counts as the word the library holds.
    const written = queryTerms(question);
    const spelled =
      options.correctSpelling === false
        ? { question, corrections: [] }
        : correctSpelling(question, this.spelling, written);
    const corrections = spelled.corrections;
    // Read again only when a word changed.
    const terms = corrections.length ? queryTerms(spelled.question) : written;
    question = spelled.question;
    if (!terms.length)
      return {
        results: [],
        notFound: true,
        translatedTerms: [],
        missingNames: [],
        weakMatch: false,
        corrections,
      };
    const denseOn = mode !== 'bm25' && dense !== null;
    // The question tower runs in a worker: start it before BM25 occupies this thread.
    const questionVector = denseOn ? dense.embedQuestion(question) : null;
    questionVector?.catch(() => {}); // awaited below; a BM25 failure must not leave it unhandled
    const crossLingual = mode !== 'dense' && options.crossLingual !== false;

    // Recall, the candidates' passages and the statistics the ranker weighs are
    // several reads, some awaited, one maybe in the dense worker's own
    // connection. While an ingest commits (a --force run rewrites every chunk
    // under new ids), they could see different states of the library: a
    // passage recalled under an id that is gone, scored by one channel in one
    // state and by the other in the next. A search no other connection wrote during saw one state; any
    // other is read again in one read transaction, in this thread, with nothing
    // awaited inside it. The ranker and passage hygiene then read only what was
    // read here (snapshotContext).
    const version = this.dataVersion.get();
    let found = await this.recall(question, terms, mode, dense, questionVector, crossLingual);
    if (this.dataVersion.get() !== version) {
      const q = questionVector ? await questionVector : null;
      found = this.db.transaction(() => this.read(question, terms, mode, dense, q, crossLingual, null))();
    }
    const { candidates, stats, crossing, info } = found;
    const translated = crossing?.translatedTerms.length ? crossing.translatedTerms : null;
    const input = { question, mode, candidates, context: snapshotContext(found, this.bm25) };
    let ranking = await ranker.rank(input);
    const own = textLanguage(question);
    // Each passage's language is read once (a scan of its text), however many steps ask.
    const languages = new Map<number, TextLanguage>();
    const languageOf = (c: ChunkInfo) => {
      let language = languages.get(c.id);
      if (!language) languages.set(c.id, (language = textLanguage(c.text)));
      return language;
    };
    // A learned ranker orders the question's own language only; crossing passages keep
    // their fused places (rank/languageSlots.ts).
    if (translated && ranker !== this.ranker) {
      const fused = await this.ranker.rank(input);
      ranking = keepLanguageSlots(fused, ranking, (id) => {
        const c = info.get(id);
        return !c || languageOf(c) === own;
      });
    }
    const feedback = options.feedback ? await options.feedback() : null;
    if (feedback?.active) {
      // A passage the user chose before joins the list even when recall missed it this time.
      const missing = feedback.join.filter((id) => !info.has(id));
      const joined: RankedCandidate[] = [];
      if (missing.length) {
        const q = questionVector ? await questionVector : null;
        const cosines = q && dense ? dense.channel.similarities(q, missing) : new Map<number, number>();
        // Below every recalled passage until its boost is added.
        const floor = ranking.reduce((lo, r) => Math.min(lo, r.score), 0);
        for (const row of this.chunkInfo.all(JSON.stringify(missing)) as ChunkInfo[]) {
          info.set(row.id, row);
          joined.push({ chunkId: row.id, dense: cosines.get(row.id), score: floor });
        }
      }
      ranking = boostRanking([...ranking, ...joined], (id) => feedback.boost(id));
    }
    // A few more than asked: tables of contents go last and duplicates collapse into one.
    const withPassages = (list: readonly RankedCandidate[]) =>
      list.flatMap((r) => {
        const c = info.get(r.chunkId);
        // Every candidate's passage was read with its scores; none is missing unless a ranker made one up.
        return c ? [hitOf(r, c)] : [];
      });
    const hits: Hit[] = withPassages(ranking.slice(0, k + HYGIENE_EXTRA));
    const place = (c: ChunkInfo) => ({
      path: c.rel_path,
      absPath: path.join(c.folder_path, ...c.rel_path.split('/')),
      folderId: c.folder_id,
      documentId: c.document_id,
      chunkId: c.id,
    });
    const results: SearchResult[] = [];
    const other = (c: ChunkInfo) => languageOf(c) !== own;
    const atHome = (c: ChunkInfo) => inOwnDocument(c, languageOf(c));
    const copies = collapseDuplicates(
      demoteTablesOfContents(hits),
      ({ c }) => atHome(c),
      () => withPassages(ranking.slice(k + HYGIENE_EXTRA)),
    );
    const page = Math.min(k, FIRST_PAGE);
    const offered =
      translated && crossing && own === OTHER_LANGUAGE_PLACES_FOR
        ? await this.otherLanguageOffer(question, input, copies.slice(0, page), other, atHome, crossing, info)
        : [];
    const listed = offered.length ? withoutOffered(copies, page, offered) : copies;
    // Scores belong to places: a passage moved into the first page takes the score of its place.
    const placeScores = listed.map((x) => x.place.r.score);
    const shown = withOtherLanguagePlaces(listed, offered, (x) => other(x.c), page);
    for (const [i, { r, c, alsoIn, place: slot }] of shown.slice(0, k).entries()) {
      const headingPath = JSON.parse(c.heading_path) as string[];
      results.push({
        ...place(c),
        start: c.start,
        end: c.end,
        score: placeScores[i] ?? slot.r.score,
        text: c.text,
        title: c.title ?? '',
        headingPath,
        line: c.line,
        page: c.page,
        lineInFile: c.type !== null && isPlainTextType(c.type as DocumentType),
        ...(c.page !== null && c.type !== null && pagesAreSlides(c.type as DocumentType)
          ? { pageIsSlide: true as const }
          : {}),
        ...(c.type !== null && linesAreRows(c.type as DocumentType) ? { lineIsRow: true as const } : {}),
        highlights: highlightSentences(c.text, terms, stats, headingPath),
        channels: { bm25: r.bm25, dense: r.dense },
        lang: languageOf(c),
        ...(alsoIn.length ? { alsoIn: alsoIn.map((d) => place(d.c)) } : {}),
      });
    }
    // The learned not-found calibration speaks only for its own first passage; when a crossing
    // passage comes first, the coverage rule (which counts the translated words) decides alone.
    const probability = ranking[0]?.answerProbability;
    // Both must agree: the coverage rule (few of the question's words in the best passage,
    // also counted in the library's own language when the question was translated, and it
    // is not close in the dense space) and, with a learned ranker, its calibrated
    // probability that the best passage answers.
    const evidence = results.length
      ? this.evidence(question, results[0], denseOn, crossing, found.unitStats)
      : null;
    // The rule is asked for every answer (cheap), so what it weighed can be recorded
    // (scripts/measure-not-found.ts) whatever the probability says.
    const ruleSays = evidence !== null && this.notFoundRule.isNotFound(evidence);
    // A name of the question that no passage holds is the plainest evidence, and the same
    // however many passages the library has: the probability (whose features are normalised
    // over the recalled list, short in a small library) cannot overrule it.
    const notFound =
      evidence === null ||
      (!feedback?.chosen.has(results[0].chunkId) &&
        (probability === undefined ||
          ranker.notFoundBelow === undefined ||
          probability < ranker.notFoundBelow ||
          evidence.absentNames.length > 0) &&
        ruleSays);
    return {
      results,
      notFound,
      translatedTerms: crossing?.translatedTerms ?? [],
      missingNames: evidence ? [...evidence.absentNames] : [],
      weakMatch: !notFound && evidence !== null && this.notFoundRule.isWeak(evidence),
      corrections,
    };
  }

  /**
   * The other language's best passages for its places on the first page
   * (rank/otherLanguagePlaces.ts): the recalled passages in that language, in
   * score-fusion order among themselves (as a library in that language alone
   * would order them, not normalised against the question's own-language
   * matches), that are at home in their document, are not tables of contents,
   * cover the question through its translations as much as the not-found rule
   * asks of a best passage, and are not the text of a passage already offered
   * or on the page. At most OFFER_READ of them are read.
   */
  private async otherLanguageOffer(
    question: string,
    input: RankInput,
    page: readonly Copy[],
    other: (c: ChunkInfo) => boolean,
    atHome: (c: ChunkInfo) => boolean,
    crossing: CrossLingualRecall,
    info: ReadonlyMap<number, ChunkInfo>,
  ): Promise<Copy[]> {
    const onPage = passageIds(page);
    const others = input.candidates.filter((cd) => {
      const c = info.get(cd.chunkId);
      return !!c && other(c) && !onPage.has(cd.chunkId);
    });
    if (!others.length) return [];
    const texts = page
      .filter((x) => other(x.c))
      .map((x) => ({ copy: null as Copy | null, sh: shingles(x.text) }));
    const coverageOf = translatedCoverageOf(crossing, contentUnits(question));
    const offer: Copy[] = [];
    let read = 0;
    const ordered = await this.ranker.rank({ ...input, candidates: others });
    const hitAt = (r: RankedCandidate): Hit => hitOf(r, info.get(r.chunkId)!);
    // The copies at home, read only when a passage away from home (an English paragraph of a
    // Chinese manual) needs its English edition's copy to stand for it.
    let homes: { hit: Hit; sh: Set<number> | null }[] | null = null;
    const used = new Set<number>();
    for (const r of ordered) {
      if (offer.length >= OTHER_LANGUAGE_PLACES || read >= OFFER_READ) break;
      if (used.has(r.chunkId)) continue;
      let hit = hitAt(r);
      if (isTableOfContents(passageShape(hit.text))) continue;
      let sh: Set<number> | null = null;
      const away = atHome(hit.c) ? null : hit;
      if (away) {
        homes ??= ordered
          .filter((o) => atHome(info.get(o.chunkId)!))
          .map((o) => ({ hit: hitAt(o), sh: null }));
        const awaySh = shingles(away.text);
        const home = homes.find(
          (h) =>
            !used.has(h.hit.c.id) &&
            comparableLength(away.text, h.hit.text) &&
            nearDuplicate((h.sh ??= shingles(h.hit.text)), awaySh),
        );
        if (!home) continue;
        hit = home.hit;
        sh = home.sh;
      }
      used.add(hit.c.id);
      read++;
      const headingPath = JSON.parse(hit.c.heading_path) as string[];
      const units = contentUnits(passageText(hit.c.title ?? '', headingPath, hit.text));
      if (coverageOf(units) < this.notFoundRule.thresholds.minCoverage) continue;
      sh ??= shingles(hit.text);
      const same = texts.find((t) => nearDuplicate(t.sh, sh));
      if (same) {
        same.copy?.alsoIn.push(hit, ...(away ? [away] : []));
        continue;
      }
      const copy: Copy = { ...hit, alsoIn: away ? [away] : [], place: hit };
      texts.push({ copy, sh });
      offer.push(copy);
    }
    return offer;
  }

  /**
   * Recall with the dense channel's coarse search of a large library in its own
   * thread while BM25 runs in this one; on a smaller one BM25 runs while the
   * question tower does.
   */
  private async recall(
    question: string,
    terms: string[],
    mode: SearchMode,
    dense: DenseRecall | null,
    questionVector: Promise<Float32Array> | null,
    crossLingual: boolean,
  ): Promise<Recalled> {
    let denseTop: Promise<Map<number, number>> | null = null;
    if (mode === 'hybrid' && dense?.parallelTop && dense.channel.choosePath() === 'binary') {
      const q = await questionVector!;
      denseTop = dense.parallelTop(q, RECALL_K).catch(() => dense.channel.top(q, RECALL_K));
    }
    const lexical = mode !== 'dense' ? this.lexicalRecall(question, terms, crossLingual) : null;
    const q = questionVector ? await questionVector : null;
    // The lexical candidates' cosines (a vector look-up each, ~30 µs at 100k) are read now,
    // while the worker may still be searching, rather than after it answers: this thread would
    // only wait. (Its answer cannot arrive before this thread yields to the event loop, so
    // there is no telling here whether it already has one; reading the few candidates the
    // worker will also return is the price, measured smaller than the wait it saves.) The same
    // stored vectors and the same product, so the same scores.
    const cosines = denseTop && lexical && q ? dense!.channel.similarities(q, lexicalIds(lexical)) : null;
    return this.read(
      question,
      terms,
      mode,
      dense,
      q,
      crossLingual,
      denseTop ? await denseTop : null,
      lexical,
      cosines,
    );
  }

  /**
   * BM25's top k (the question's terms, and its characters that no pair of it
   * reaches: unreachedCharacters.ts) and the translated query's candidates
   * (cross-lingual recall).
   */
  private lexicalRecall(question: string, terms: string[], crossLingual: boolean): LexicalRecall {
    const stats = this.bm25.termStats(terms);
    const lone = unreachedCharacterTerms(question, terms, stats, this.bm25, this.lexicon?.() ?? null);
    const searchStats = lone.terms.length
      ? { chunks: stats.chunks, df: new Map([...stats.df, ...lone.df]) }
      : stats;
    const language = textLanguage(question);
    const ownShare = this.languages.share(language, stats.chunks);
    const searched = withoutMinorityFunctionWords([...terms, ...lone.terms], language, ownShare);
    const useful = Bm25Channel.usefulTerms(searched, searchStats);
    const depth = translatedRecallDepth(ownShare, RECALL_K);
    return {
      stats,
      top: this.bm25.top(useful, RECALL_K, searchStats),
      crossing: crossLingual ? (this.crossLingual?.recall(question, terms, depth) ?? null) : null,
    };
  }

  /**
   * Every candidate with both channels' scores, its passage, and the term
   * statistics the ranker and the not-found rule weigh, read by this connection
   * without awaiting anything (so inside a transaction, one state).
   * `denseTop`/`lexical`: what a channel already read; `cosines`: cosines of candidates
   * already read (the same values `similarities` would give now).
   */
  private read(
    question: string,
    terms: string[],
    mode: SearchMode,
    dense: DenseRecall | null,
    q: Float32Array | null,
    crossLingual: boolean,
    denseTop: Map<number, number> | null,
    lexical: LexicalRecall | null = mode !== 'dense'
      ? this.lexicalRecall(question, terms, crossLingual)
      : null,
    cosines: ReadonlyMap<number, number> | null = null,
  ): Recalled {
    const byId = new Map<number, Candidate>();
    const candidate = (id: number): Candidate => {
      let c = byId.get(id);
      if (!c) byId.set(id, (c = { chunkId: id }));
      return c;
    };
    if (lexical) for (const [id, s] of lexical.top) candidate(id).bm25 = s;
    // Cross-lingual recall: the translations' candidates join BM25's, and a chunk's
    // weighted BM25 over the translations adds to its BM25 over the question's own terms
    // (a chunk outside BM25's top k counts 0 for the own terms: less than the k-th).
    const crossing = lexical?.crossing ?? null;
    for (const [id, s] of crossing?.candidates ?? []) {
      const c = candidate(id);
      c.bm25 = (c.bm25 ?? 0) + s;
    }
    if (dense && q) {
      for (const [id, s] of denseTop ?? dense.channel.top(q, RECALL_K)) candidate(id).dense = s;
      if (mode === 'hybrid') {
        // BM25's candidates get their cosine (a vector lookup each). Dense-only candidates
        // keep no BM25 score: filling it in costs a second FTS query (tens of ms) and
        // changed no ranking measurably on the dev sets (main/engine/eval/README.md).
        const noDense: number[] = [];
        for (const c of byId.values()) {
          if (c.dense !== undefined) continue;
          const s = cosines?.get(c.chunkId);
          if (s === undefined) noDense.push(c.chunkId);
          else c.dense = s;
        }
        for (const [id, s] of dense.channel.similarities(q, noDense)) candidate(id).dense = s;
      }
    }
    // The passages of all candidates (a few hundred rows at most): the ranker reads them, and
    // hygiene may reach past k.
    const info = new Map(
      (this.chunkInfo.all(JSON.stringify([...byId.keys()])) as ChunkInfo[]).map((r) => [r.id, r]),
    );
    // A candidate without a passage was removed by this connection (a folder removal) while the
    // search awaited: another connection's commit moves data_version, and then this is read again.
    return {
      candidates: [...byId.values()].filter((c) => info.has(c.chunkId)),
      stats: lexical?.stats ?? this.bm25.termStats(terms),
      crossing,
      info,
      unitStats: this.bm25.termStats([...contentUnits(question)]),
    };
  }

  /**
   * What the not-found rule weighs: the best passage's coverage of the question,
   * and its cosine. When the question was also searched in translation, the
   * coverage is the better of the plain one and the one counted in the
   * library's words (translatedCoverage), so an English passage answering a
   * Chinese question is not "not found" for lack of Chinese characters. And
   * what of the question the whole library lacks: its named words that no
   * passage holds, and the share of its content units that neither occur in
   * the library nor were found through a translation.
   */
  evidence(
    question: string,
    top: SearchResult,
    denseOn: boolean,
    crossing: CrossLingualRecall | null = null,
    unitStats: TermStats | null = null,
  ): TopEvidence {
    const units = contentUnits(question);
    // The search's own reading of these units when given (mostly cached otherwise).
    const stats = unitStats ?? this.bm25.termStats([...units]);
    const passageUnits = contentUnits(passageText(top.title, top.headingPath, top.text));
    const own = coverage(units, passageUnits, stats);
    const absent = this.absentShare(question, units, stats, crossing);
    const language = textLanguage(question);
    const named = namedWords(question, {
      compounds: this.languages.share(language, stats.chunks) >= MINORITY_SHARE,
    });
    const lexicon = this.lexicon?.() ?? null;
    const namedChinese = lexicon ? chineseNames(lexicon, question) : [];
    const nameStats = this.bm25.termStats([
      ...named.flatMap((w) => w.terms),
      ...namedChinese.flatMap((n) => [...n.terms, ...n.translations.flat()]),
    ]);
    const nameDf = (t: string) => nameStats.df.get(t) ?? 0;
    const absentChinese = absentChineseNames(namedChinese, nameDf);
    const crossed = crossing ? translatedCoverage(crossing, units, passageUnits, absentChinese) : 0;
    return {
      coverage: Math.max(own, crossed),
      cosine: denseOn ? (top.channels.dense ?? null) : null,
      absentNames: [...absentNames(named, nameDf, this.names.forOneSearch(nameDf)), ...absentChinese],
      absentShare: absent,
    };
  }

  /**
   * The share of the question's content that occurs in no passage and was not
   * found through a translation either. English counts by word stems; Chinese
   * by the lexicon's words (a word is there when all its index bigrams are),
   * since nearly every character of a question occurs somewhere in a Chinese
   * library ("绿茶" is absent from a Debian manual, 绿 and 茶 may not be);
   * by characters when there is no lexicon. A question of function words alone ("How do
   * I do this?", "的") has nothing the library could be shown to hold: all of it is absent,
   * so a weak best passage is "not found" rather than a weak match that shares only
   * "the" and "and" with it.
   */
  private absentShare(
    question: string,
    units: ReadonlySet<string>,
    stats: TermStats,
    crossing: CrossLingualRecall | null,
  ): number {
    const lexicon = this.lexicon?.() ?? null;
    const translated = new Set(crossing?.groups.flatMap((g) => [g.source, ...g.sourceUnits]) ?? []);
    // Words of pasted text past the translated ones were never looked up: no evidence either way.
    const read = (w: string) => !crossing?.unread.has(w);
    const latin = [...units].filter((u) => !isIndexedCjk(u.codePointAt(0)!) && read(u));
    const chinese = lexicon
      ? chineseContentWords(lexicon, question).filter(read)
      : [...units].filter((u) => isIndexedCjk(u.codePointAt(0)!) && !crossing?.framingUnits.has(u));
    const termsOf = (word: string) => ([...word].length === 1 ? [word] : analyze(word));
    const wordStats = this.bm25.termStats(chinese.flatMap(termsOf));
    const absent =
      latin.filter((u) => !stats.df.get(u) && !translated.has(u)).length +
      chinese.filter((w) => !translated.has(w) && termsOf(w).some((t) => !wordStats.df.get(t))).length;
    const total = latin.length + chinese.length;
    return total ? absent / total : 1;
  }
}

/** A ranked candidate with its passage, as passage hygiene reads it. */
interface Hit {
  r: RankedCandidate;
  c: ChunkInfo;
  text: string;
  path: string;
  folderId: number;
}

/** One result: a passage, its copies in other files, and the candidate whose place it took. */
type Copy = Hit & { alsoIn: Hit[]; place: Hit };

function hitOf(r: RankedCandidate, c: ChunkInfo): Hit {
  return { r, c, text: c.text, path: c.rel_path, folderId: c.folder_id };
}

/** The chunk ids of results and of their copies in other files. */
function passageIds(copies: readonly Copy[]): Set<number> {
  return new Set(copies.flatMap((x) => [x.c.id, ...x.alsoIn.map((a) => a.c.id)]));
}

/**
 * The results past the first page without the passages offered into it, nor
 * their copies (a copy in another file joins the offered passage's alsoIn).
 */
function withoutOffered(copies: readonly Copy[], page: number, offered: readonly Copy[]): Copy[] {
  const ids = passageIds(offered);
  const offeredShingles = new Map<Copy, Set<number>>();
  const shinglesOf = (x: Copy) => {
    let sh = offeredShingles.get(x);
    if (!sh) offeredShingles.set(x, (sh = shingles(x.text)));
    return sh;
  };
  return copies.filter((x, i) => {
    if (i < page) return true;
    if (ids.has(x.c.id) || x.alsoIn.some((a) => ids.has(a.c.id))) return false;
    // Another file's copy, as collapseDuplicates groups them.
    const comparable = offered.filter((o) => otherFile(o, x) && comparableLength(o.text, x.text));
    if (!comparable.length) return true;
    const sh = shingles(x.text);
    const twin = comparable.find((o) => nearDuplicate(shinglesOf(o), sh));
    if (!twin) return true;
    twin.alsoIn.push(x, ...x.alsoIn);
    return false;
  });
}

/**
 * Whether a passage is written in its document's language, as its headings
 * tell: not an English paragraph left untranslated in a Chinese manual. Code
 * reads the same in every edition, and a passage without headings gives no
 * evidence: both count as at home. (Not the title: a file's title is often its
 * name, in Latin letters whatever the language of its text.) `language`: the
 * passage's, as the search already read it.
 */
function inOwnDocument(c: ChunkInfo, language: TextLanguage): boolean {
  const headings = (JSON.parse(c.heading_path) as string[]).join('\n');
  if (!headings.trim() || textLanguage(headings) === language) return true;
  return passageShape(c.text).code >= MOSTLY_CODE;
}

/** Every chunk the lexical channels recalled: BM25's and the translated query's. */
function lexicalIds(lexical: LexicalRecall): number[] {
  const ids = new Set(lexical.top.keys());
  for (const id of lexical.crossing?.candidates.keys() ?? []) ids.add(id);
  return [...ids];
}

/**
 * What a ranker may read during one search: the candidates' passages and the
 * statistics of the question's content units, as the search read them with the
 * candidates' scores (one state of the library). Statistics of other terms are
 * looked up now (df counts move little; passages are what must not).
 */
function snapshotContext(found: Recalled, bm25: Bm25Channel): RankContext {
  return {
    passages: (ids) => {
      const passages = new Map<number, CandidatePassage>();
      for (const id of ids) {
        const c = found.info.get(id);
        if (c)
          passages.set(id, {
            text: c.text,
            title: c.title ?? '',
            headingPath: JSON.parse(c.heading_path) as string[],
            start: c.start,
          });
      }
      return passages;
    },
    termStats: (terms) =>
      terms.every((t) => found.unitStats.df.has(t))
        ? { chunks: found.unitStats.chunks, df: new Map(terms.map((t) => [t, found.unitStats.df.get(t)!])) }
        : bm25.termStats(terms),
  };
}

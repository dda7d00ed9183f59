import path from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import type { SearchResult } from '../vocabulary/shapes.js';
import type { SearchMode } from '../vocabulary/values.js';
import { Bm25Channel } from './bm25.js';
import type { DenseChannel } from './dense.js';
import { queryTerms } from './ftsQuery.js';
import { highlightSentences } from './highlight.js';
import { NotFoundRule, type TopEvidence } from './notFound.js';
import { passageText } from '../text/passageText.js';
import type { Candidate, RankContext, Ranker } from './ranker.js';
import { contentUnits, coverage } from './coverage.js';
import { collapseDuplicates, demoteTablesOfContents } from '../rank/passageHygiene.js';
import { CrossLingualSearch, translatedCoverage, type CrossLingualRecall } from './crossLingual.js';
import type { Lexicon } from './lexicon.js';
import { textLanguage } from './textLanguage.js';

/** Candidates each channel recalls before ranking: enough for fusion to reorder, few enough to rank in milliseconds. */
export const RECALL_K = 100;
/** Ranked candidates looked at beyond k, to fill places freed by passage hygiene. */
const HYGIENE_EXTRA = 20;

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
}

export interface SearchOptions {
  /** Also search the question translated into the other language (default true). */
  crossLingual?: boolean;
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
  private readonly candidatePassages: Statement;
  /** What a ranker may read: candidate passages and term statistics. */
  readonly rankContext: RankContext;
  private readonly crossLingual: CrossLingualSearch | null;

  constructor(
    db: Database,
    private readonly ranker: Ranker,
    private readonly notFoundRule: NotFoundRule = new NotFoundRule(),
    bm25: Bm25Channel = new Bm25Channel(db),
    lexicon: (() => Lexicon | null) | null = null,
  ) {
    this.bm25 = bm25;
    this.crossLingual = lexicon ? new CrossLingualSearch(bm25, lexicon) : null;
    this.chunkInfo = db.prepare(
      `SELECT c.id, c.document_id, c.start, c.end, c.heading_path, c.page, c.line, c.text,
              d.rel_path, d.title, d.folder_id, f.path AS folder_path
       FROM chunks c JOIN documents d ON d.id = c.document_id JOIN folders f ON f.id = d.folder_id
       WHERE c.id IN (SELECT value FROM json_each(?))`,
    );
    this.candidatePassages = db.prepare(
      `SELECT c.id, c.start, c.heading_path, c.text, d.title FROM chunks c JOIN documents d ON d.id = c.document_id
       WHERE c.id IN (SELECT value FROM json_each(?))`,
    );
    this.rankContext = {
      passages: (ids) => {
        const rows = this.candidatePassages.all(JSON.stringify(ids)) as {
          id: number;
          start: number;
          heading_path: string;
          text: string;
          title: string | null;
        }[];
        return new Map(
          rows.map((r) => [
            r.id,
            {
              text: r.text,
              title: r.title ?? '',
              headingPath: JSON.parse(r.heading_path) as string[],
              start: r.start,
            },
          ]),
        );
      },
      termStats: (terms) => this.bm25.termStats(terms),
    };
  }

  async search(
    question: string,
    k: number,
    mode: SearchMode,
    dense: DenseRecall | null,
    ranker: Ranker = this.ranker,
    options: SearchOptions = {},
  ): Promise<SearchOutcome> {
    const terms = queryTerms(question);
    if (!terms.length) return { results: [], notFound: true, translatedTerms: [] };
    const stats = this.bm25.termStats(terms);
    const useful = Bm25Channel.usefulTerms(terms, stats);
    const byId = new Map<number, Candidate>();
    const candidate = (id: number): Candidate => {
      let c = byId.get(id);
      if (!c) byId.set(id, (c = { chunkId: id }));
      return c;
    };
    const denseOn = mode !== 'bm25' && dense !== null;
    // The question tower runs in a worker: start it before BM25 occupies this thread.
    const questionVector = denseOn ? dense.embedQuestion(question) : null;
    questionVector?.catch(() => {}); // awaited below; a BM25 failure must not leave it unhandled
    // On a large library the dense channel's coarse search runs in its own thread while BM25 runs in this one.
    let denseTop: Promise<Map<number, number>> | null = null;
    if (mode === 'hybrid' && dense?.parallelTop && dense.channel.choosePath() === 'binary') {
      const q = await questionVector!;
      denseTop = dense.parallelTop(q, RECALL_K).catch(() => dense.channel.top(q, RECALL_K));
    }
    if (mode !== 'dense')
      for (const [id, s] of this.bm25.top(useful, RECALL_K, stats)) candidate(id).bm25 = s;
    // Cross-lingual recall: the translations' candidates join BM25's, and a chunk's
    // weighted BM25 over the translations adds to its BM25 over the question's own terms
    // (a chunk outside BM25's top k counts 0 for the own terms: less than the k-th).
    const crossing =
      mode !== 'dense' && options.crossLingual !== false
        ? (this.crossLingual?.recall(question, terms, RECALL_K) ?? null)
        : null;
    for (const [id, s] of crossing?.candidates ?? []) {
      const c = candidate(id);
      c.bm25 = (c.bm25 ?? 0) + s;
    }
    if (denseOn) {
      const q = await questionVector!;
      for (const [id, s] of denseTop ? await denseTop : dense.channel.top(q, RECALL_K))
        candidate(id).dense = s;
      if (mode === 'hybrid') {
        // BM25's candidates get their cosine (a vector lookup each). Dense-only candidates
        // keep no BM25 score: filling it in costs a second FTS query (tens of ms) and
        // changed no ranking measurably on the dev sets (main/engine/eval/README.md).
        const noDense = [...byId.values()].filter((c) => c.dense === undefined).map((c) => c.chunkId);
        for (const [id, s] of dense.channel.similarities(q, noDense)) candidate(id).dense = s;
      }
    }
    const translated = crossing?.translatedTerms.length ? crossing.translatedTerms : null;
    const input = { question, mode, candidates: [...byId.values()], context: this.rankContext };
    let ranking = await ranker.rank(input);
    // The learned ranker was trained on questions in the passages' own language: when the best
    // fused passage is in the question's other language, the fused order (which counts the
    // translated words) is kept.
    let crossed = false;
    if (translated && ranker !== this.ranker) {
      const fused = await this.ranker.rank(input);
      const best = fused[0] && this.rankContext.passages([fused[0].chunkId]).get(fused[0].chunkId);
      if (best && textLanguage(best.text) !== textLanguage(question)) {
        ranking = fused;
        crossed = true;
      }
    }
    // A few more than asked: tables of contents go last and duplicates collapse into one.
    const ranked = ranking.slice(0, k + HYGIENE_EXTRA);
    const info = new Map(
      (this.chunkInfo.all(JSON.stringify(ranked.map((r) => r.chunkId))) as ChunkInfo[]).map((r) => [r.id, r]),
    );
    const found = ranked.flatMap((r) => {
      const c = info.get(r.chunkId);
      return c ? [{ r, c, text: c.text, path: c.rel_path, folderId: c.folder_id }] : []; // deleted since recall
    });
    const place = (c: ChunkInfo) => ({
      path: c.rel_path,
      absPath: path.join(c.folder_path, ...c.rel_path.split('/')),
      folderId: c.folder_id,
      documentId: c.document_id,
      chunkId: c.id,
    });
    const results: SearchResult[] = [];
    for (const { r, c, alsoIn } of collapseDuplicates(demoteTablesOfContents(found)).slice(0, k)) {
      const headingPath = JSON.parse(c.heading_path) as string[];
      results.push({
        ...place(c),
        start: c.start,
        end: c.end,
        score: r.score,
        text: c.text,
        title: c.title ?? '',
        headingPath,
        line: c.line,
        page: c.page,
        highlights: highlightSentences(c.text, terms, stats, headingPath),
        channels: { bm25: r.bm25, dense: r.dense },
        lang: textLanguage(c.text),
        ...(alsoIn.length ? { alsoIn: alsoIn.map((d) => place(d.c)) } : {}),
      });
    }
    // Nor does its not-found calibration apply then: the coverage rule (which counts the
    // translated words) decides alone.
    const probability = crossed ? undefined : ranking[0]?.answerProbability;
    // Both must agree: the coverage rule (few of the question's words in the best passage,
    // also counted in the library's own language when the question was translated, and it
    // is not close in the dense space) and, with a learned ranker, its calibrated
    // probability that the best passage answers.
    const notFound =
      results.length === 0 ||
      ((probability === undefined ||
        ranker.notFoundBelow === undefined ||
        probability < ranker.notFoundBelow) &&
        this.notFoundRule.isNotFound(this.evidence(question, results[0], denseOn, crossing)));
    return { results, notFound, translatedTerms: crossing?.translatedTerms ?? [] };
  }

  /**
   * What the not-found rule weighs: the best passage's coverage of the question,
   * and its cosine. When the question was also searched in translation, the
   * coverage is the better of the plain one and the one counted in the
   * library's words (translatedCoverage), so an English passage answering a
   * Chinese question is not "not found" for lack of Chinese characters.
   */
  evidence(
    question: string,
    top: SearchResult,
    denseOn: boolean,
    crossing: CrossLingualRecall | null = null,
  ): TopEvidence {
    const units = contentUnits(question);
    const stats = this.bm25.termStats([...units]); // mostly cached: the search just looked these up
    const passageUnits = contentUnits(passageText(top.title, top.headingPath, top.text));
    const own = coverage(units, passageUnits, stats);
    const crossed = crossing ? translatedCoverage(crossing, units, passageUnits) : 0;
    return {
      coverage: Math.max(own, crossed),
      cosine: denseOn ? (top.channels.dense ?? null) : null,
    };
  }
}

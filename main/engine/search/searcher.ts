import path from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import type { SearchMode, SearchResult } from '../library/types.js';
import { Bm25Channel, type TermStats } from './bm25.js';
import type { DenseChannel } from './dense.js';
import { queryTerms } from './ftsQuery.js';
import { highlightSentences } from './highlight.js';
import { NotFoundRule, type TopEvidence } from './notFound.js';
import { passageText } from './passageText.js';
import type { Candidate, Ranker } from './ranker.js';
import { contentUnits, coverage } from './coverage.js';

/** Candidates each channel recalls before ranking (issue 3: k ≈ 100). */
export const RECALL_K = 100;

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
}

interface Recalled {
  candidates: Candidate[];
  stats: TermStats;
  /** The candidates' passages, read in the same state as their scores. */
  info: Map<number, ChunkInfo>;
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
  private readonly dataVersion: Statement;

  constructor(
    private readonly db: Database,
    private readonly ranker: Ranker,
    private readonly notFoundRule: NotFoundRule = new NotFoundRule(),
    bm25: Bm25Channel = new Bm25Channel(db),
  ) {
    this.bm25 = bm25;
    this.chunkInfo = db.prepare(
      `SELECT c.id, c.document_id, c.start, c.end, c.heading_path, c.page, c.line, c.text,
              d.rel_path, d.title, d.folder_id, f.path AS folder_path
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
  ): Promise<SearchOutcome> {
    const terms = queryTerms(question);
    if (!terms.length) return { results: [], notFound: true };
    const denseOn = mode !== 'bm25' && dense !== null;
    // The question tower runs in a worker: start it before BM25 occupies this thread.
    const questionVector = denseOn ? dense.embedQuestion(question) : null;
    questionVector?.catch(() => {}); // awaited below; a BM25 failure must not leave it unhandled

    // Recall and the passages' text are several reads, some awaited, one maybe in
    // the dense worker's own connection. While an ingest commits (a --force run
    // rewrites every chunk, and chunk ids are reused), they could see different
    // states of the library: a score recalled for one passage paired with the
    // text now stored under its id. A search no other connection wrote during
    // saw one state; any other is read again in one read transaction, in this
    // thread, with nothing awaited inside it.
    const version = this.dataVersion.get();
    let found = await this.recall(terms, mode, dense, questionVector);
    if (this.dataVersion.get() !== version) {
      const q = questionVector ? await questionVector : null;
      found = this.db.transaction(() => this.read(terms, mode, dense, q, null))();
    }
    const { candidates, stats, info } = found;

    const ranked = (await this.ranker.rank({ question, mode, candidates })).slice(0, k);
    const results: SearchResult[] = [];
    for (const r of ranked) {
      const c = info.get(r.chunkId);
      if (!c) continue; // removed by this thread (a folder removal) while the search awaited
      const headingPath = JSON.parse(c.heading_path) as string[];
      results.push({
        path: c.rel_path,
        absPath: path.join(c.folder_path, ...c.rel_path.split('/')),
        folderId: c.folder_id,
        documentId: c.document_id,
        chunkId: c.id,
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
      });
    }
    return {
      results,
      notFound:
        results.length === 0 || this.notFoundRule.isNotFound(this.evidence(question, results[0], denseOn)),
    };
  }

  /**
   * Recall with the dense channel's coarse search of a large library in its own
   * thread, while BM25 runs in this one.
   */
  private async recall(
    terms: string[],
    mode: SearchMode,
    dense: DenseRecall | null,
    questionVector: Promise<Float32Array> | null,
  ): Promise<Recalled> {
    let denseTop: Promise<Map<number, number>> | null = null;
    if (mode === 'hybrid' && dense?.parallelTop && dense.channel.choosePath() === 'binary') {
      const q = await questionVector!;
      denseTop = dense.parallelTop(q, RECALL_K).catch(() => dense.channel.top(q, RECALL_K));
    }
    const bm25 = mode !== 'dense' ? this.bm25Top(terms) : null;
    const q = questionVector ? await questionVector : null;
    return this.read(terms, mode, dense, q, denseTop ? await denseTop : null, bm25);
  }

  private bm25Top(terms: string[]): { stats: TermStats; top: Map<number, number> } {
    const stats = this.bm25.termStats(terms);
    const useful = Bm25Channel.usefulTerms(terms, stats);
    return { stats, top: this.bm25.top(useful, RECALL_K, stats) };
  }

  /**
   * Every candidate with both channels' scores, and its passage, read by this
   * connection without awaiting anything (so inside a transaction, one state).
   * `denseTop`/`bm25`: a channel's top-k already read.
   */
  private read(
    terms: string[],
    mode: SearchMode,
    dense: DenseRecall | null,
    q: Float32Array | null,
    denseTop: Map<number, number> | null,
    bm25: { stats: TermStats; top: Map<number, number> } | null = mode !== 'dense'
      ? this.bm25Top(terms)
      : null,
  ): Recalled {
    const byId = new Map<number, Candidate>();
    const candidate = (id: number): Candidate => {
      let c = byId.get(id);
      if (!c) byId.set(id, (c = { chunkId: id }));
      return c;
    };
    if (bm25) for (const [id, s] of bm25.top) candidate(id).bm25 = s;
    if (dense && q) {
      for (const [id, s] of denseTop ?? dense.channel.top(q, RECALL_K)) candidate(id).dense = s;
      if (mode === 'hybrid') {
        // BM25's candidates get their cosine (a vector lookup each). Dense-only candidates
        // keep no BM25 score: filling it in costs a second FTS query (tens of ms) and
        // changed no ranking measurably on the dev sets (main/engine/eval/README.md).
        const noDense = [...byId.values()].filter((c) => c.dense === undefined).map((c) => c.chunkId);
        for (const [id, s] of dense.channel.similarities(q, noDense)) candidate(id).dense = s;
      }
    }
    const info = new Map(
      (this.chunkInfo.all(JSON.stringify([...byId.keys()])) as ChunkInfo[]).map((r) => [r.id, r]),
    );
    return {
      candidates: [...byId.values()],
      stats: bm25?.stats ?? this.bm25.termStats(terms),
      info,
    };
  }

  /** What the not-found rule weighs: the best passage's coverage of the question, and its cosine. */
  evidence(question: string, top: SearchResult, denseOn: boolean): TopEvidence {
    const units = contentUnits(question);
    const stats = this.bm25.termStats([...units]); // mostly cached: the search just looked these up
    return {
      coverage: coverage(units, contentUnits(passageText(top.title, top.headingPath, top.text)), stats),
      cosine: denseOn ? (top.channels.dense ?? null) : null,
    };
  }
}

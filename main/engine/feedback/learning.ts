import type { Database, Statement } from 'better-sqlite3';
import { UserError } from '../errors.js';
import type { TowerPack } from '../towers/types.js';
import type { SignalKind } from '../vocabulary/values.js';
import { SIGNAL_KINDS } from '../vocabulary/values.js';
import type { LearningState, SearchResult } from '../vocabulary/shapes.js';
import { FeedbackMemory, isPositive, questionKey, SIGNAL_VOTE, SKIPPED_VOTE } from './feedbackMemory.js';
import { learnFromSignals, type LearningQuestion, type LearningReport } from './learner.js';
import { decodeParams, encodeParams, memoryBoosts, type LearnedParams } from './learnedParams.js';
import type { FeedbackBoosts } from './boostRanking.js';
import { adaptQuestion } from './questionAdapter.js';
import type { RankingRows } from '../rank/learnedRanker.js';
import type { GbdtModel } from '../rank/gbdt.js';
import {
  answersWithSignals,
  eraseSignals,
  listSignals,
  loggedAnswer,
  passageHash,
  recordAnswer,
  recordSignal,
  resolvePassage,
  signalCounts,
  type ShownPassage,
} from './signalStore.js';

/** Held-back questions a new model is judged on before it may become active. */
export const MIN_HELD_BACK = 20;
/** New signals that start a background learning run. */
export const LEARN_AFTER_SIGNALS = 5;

/** The question tower a learned model belongs to: learning starts afresh for another pack. */
export const packKey = (pack: TowerPack): string => `${pack.questionTower.hash}:${pack.answerTower.hash}`;
const packLabel = (pack: TowerPack): string =>
  `${pack.name}@${pack.version}#${pack.questionTower.hash.slice(0, 12)}`;

/** What a search needs from learning: the question vector to use, and boosts for passages. */
export interface LearnedView {
  params: LearnedParams | null;
  modelId: number | null;
  /** The question tower's vector as learning adapted it. */
  adapt(vector: Float32Array): Float32Array;
  /** Passages moved by the user's earlier signals, and those chosen for this very question. */
  boosts(question: string, baseVector: Float32Array | null): FeedbackBoosts;
  /** Sees the ranking stage's feature rows (learning collects its training rows this way). */
  onRankingRows?: (rows: RankingRows) => void;
}

/** A search's view of a model and a memory; `excludeKey` leaves one question's own signals out. */
function learnedView(
  params: LearnedParams | null,
  modelId: number | null,
  memory: FeedbackMemory,
  excludeKey: string | null = null,
  onRankingRows?: (rows: RankingRows) => void,
): LearnedView {
  const adapter = params?.adapter ?? null;
  return {
    ...(onRankingRows ? { onRankingRows } : {}),
    params,
    modelId,
    adapt: (v) => (adapter && adapter.length === v.length * v.length ? adaptQuestion(adapter, v) : v),
    boosts: (question, baseVector) =>
      memoryBoosts(
        memory.scores(questionKey(question), baseVector, params?.memoryThreshold ?? 1, excludeKey),
        params,
      ),
  };
}

/** Searches a question as the library would with a given view; the chunk ids of the first ten, in order. */
export type SearchWithView = (question: string, view: LearnedView) => Promise<number[][]>;

interface LibraryChanges {
  models: string;
  signals: number;
  lastSignal: number;
  lastChunk: number;
}

interface ModelRow {
  id: number;
  pack_key: string;
  state: 'active' | 'previous' | 'retired' | 'rejected';
  created_at: string;
  through_signal: number;
  report: string;
  params: Buffer;
}

/** Reads of vectors that learning needs from the library's dense side. */
export interface DenseAccess {
  pack: TowerPack;
  answerVectors(chunkIds: readonly number[]): Map<number, Float32Array>;
}

/**
 * Learning from use, for one library: logs the answers shown, records the user's
 * signals on them, keeps the memory of chosen passages, and learns (in the background,
 * at low priority) a question-side model per pack that becomes active only when it
 * does better on held-back signals. Nothing here changes an answer-tower vector.
 */
export class Learning {
  private memoryCache: { key: string; memory: FeedbackMemory } | null = null;
  private readonly questionVectors = new Map<string, Map<string, Float32Array>>();
  private readonly modelCache = new Map<string, { id: number; params: LearnedParams } | null>();
  private running: Promise<LearningReport | null> | null = null;
  /** The learned_models table as last read (count, newest id, active ids), to notice other processes' changes. */
  private modelsSeen = '';
  private lastReport: (LearningReport & { at: string }) | null = null;
  /** Signals through this id were seen by a learning run of this process (one that found too few is not stored). */
  private lastRunThrough = 0;

  /**
   * What search's view depends on, read in one statement per question: the learned models
   * (count, newest, active ones: another process may learn, restore or erase), the signals
   * (count, newest) and the newest chunk id (passages re-cut: signals re-attach elsewhere).
   */
  private readonly changes: Statement;

  constructor(private readonly db: Database) {
    this.changes = db.prepare(
      `SELECT (SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) || ':' || COALESCE(SUM(id * (state = 'active')), 0)
               FROM learned_models) AS models,
              (SELECT COUNT(*) FROM signals) AS signals,
              (SELECT COALESCE(MAX(id), 0) FROM signals) AS lastSignal,
              (SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'chunks') AS lastChunk`,
    );
  }

  // ---- logging

  /** Logs an answer as shown; returns its id (the id feedback names). */
  logAnswer(
    question: string,
    mode: string,
    pack: TowerPack | null,
    ranker: string,
    results: readonly SearchResult[],
    channels: ReadonlyMap<number, { bm25?: number; dense?: number }>,
  ): number {
    const shown: ShownPassage[] = results.map((r) => ({
      documentId: r.documentId,
      chunkId: r.chunkId,
      start: r.start,
      end: r.end,
      textHash: passageHash(r.text),
      ...(channels.get(r.chunkId) ?? {}),
    }));
    return recordAnswer(this.db, {
      question,
      mode,
      pack: pack ? packLabel(pack) : 'none',
      ranker,
      shown,
    });
  }

  /** Records what the user said of the passage at `rank` (1-based) of a logged answer. */
  record(answerId: unknown, rank: unknown, kind: unknown): { signalId: number; learningDue: boolean } {
    if (!Number.isInteger(answerId) || (answerId as number) < 1)
      throw new UserError('the answer id must be a whole number', 'answerId');
    if (!Number.isInteger(rank) || (rank as number) < 1)
      throw new UserError('the rank must be a whole number from 1', 'rank');
    if (typeof kind !== 'string' || !(SIGNAL_KINDS as readonly string[]).includes(kind))
      throw new UserError(`the signal must be one of ${SIGNAL_KINDS.join(', ')}`, 'signal');
    const answer = loggedAnswer(this.db, answerId as number);
    if (!answer)
      throw new UserError(`no answer with id ${String(answerId)} in this library`, String(answerId));
    const passage = answer.shown[(rank as number) - 1];
    if (!passage)
      throw new UserError(
        `answer ${answer.id} showed ${answer.shown.length} passage(s); there is no passage ${String(rank)}`,
        String(rank),
      );
    const exists = this.db.prepare('SELECT 1 FROM documents WHERE id = ?').get(passage.documentId);
    if (!exists)
      throw new UserError(
        `the document of passage ${String(rank)} is no longer in the library`,
        String(rank),
      );
    const signalId = recordSignal(this.db, answer.id, rank as number, kind as SignalKind, passage);
    return { signalId, learningDue: this.pendingSignals() >= LEARN_AFTER_SIGNALS };
  }

  /** The last "this answered it" / "not this" per rank of each of these answers. */
  verdicts(answerIds: readonly number[]): Map<number, Record<number, 'good' | 'bad'>> {
    const out = new Map<number, Record<number, 'good' | 'bad'>>();
    if (!answerIds.length) return out;
    const rows = this.db
      .prepare(
        `SELECT answer_id, rank, kind FROM signals
         WHERE kind IN ('good', 'bad') AND answer_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
      )
      .all(JSON.stringify(answerIds)) as { answer_id: number; rank: number; kind: 'good' | 'bad' }[];
    for (const r of rows) {
      let v = out.get(r.answer_id);
      if (!v) out.set(r.answer_id, (v = {}));
      v[r.rank] = r.kind;
    }
    return out;
  }

  // ---- what search uses

  async view(dense: DenseAccess | null): Promise<LearnedView> {
    const changes = this.changes.get() as LibraryChanges;
    if (changes.models !== this.modelsSeen) {
      this.modelCache.clear();
      this.modelsSeen = changes.models;
    }
    const model = dense ? this.activeModel(packKey(dense.pack)) : null;
    const params = model?.params ?? null;
    return learnedView(params, model?.id ?? null, await this.memory(dense?.pack ?? null, changes));
  }

  private activeModel(key: string): { id: number; params: LearnedParams } | null {
    if (!this.modelCache.has(key)) {
      const row = this.db
        .prepare(
          "SELECT * FROM learned_models WHERE pack_key = ? AND state = 'active' ORDER BY id DESC LIMIT 1",
        )
        .get(key) as ModelRow | undefined;
      let model: { id: number; params: LearnedParams } | null = null;
      if (row) {
        try {
          model = { id: row.id, params: decodeParams(row.params) };
        } catch (e) {
          // A damaged model must not stop search: the pack's own tower answers, and the next run learns again.
          console.error(`DocQA: learned model ${row.id} was not loaded (${(e as Error).message})`);
        }
      }
      this.modelCache.set(key, model);
    }
    return this.modelCache.get(key)!;
  }

  /** Every logged question with its signals' votes, passages resolved to today's chunks. */
  private collect(throughSignal: number): Omit<LearningQuestion, 'vector'>[] {
    const answers = answersWithSignals(this.db, throughSignal);
    const byAnswer = new Map<number, ReturnType<typeof listSignals>>();
    for (const s of listSignals(this.db, throughSignal)) {
      const list = byAnswer.get(s.answerId);
      if (list) list.push(s);
      else byAnswer.set(s.answerId, [s]);
    }
    const resolved = new Map<string, number | null>();
    const resolve = (p: { documentId: number; start: number; end: number }) => {
      const k = `${p.documentId}:${p.start}:${p.end}`;
      if (!resolved.has(k)) resolved.set(k, resolvePassage(this.db, p));
      return resolved.get(k)!;
    };
    const out: Omit<LearningQuestion, 'vector'>[] = [];
    for (const [answerId, signals] of byAnswer) {
      const answer = answers.get(answerId);
      if (!answer) continue;
      const shown = answer.shown.map((p) => ({ chunkId: resolve(p), bm25: p.bm25 ?? 0 }));
      const votes = new Map<number, number>();
      const add = (id: number | null, v: number) => {
        if (id !== null) votes.set(id, Math.max(-1, Math.min(1, (votes.get(id) ?? 0) + v)));
      };
      const chosen = new Set<number>();
      for (const s of signals) {
        const id = resolve(s);
        add(id, SIGNAL_VOTE[s.kind]);
        if (isPositive(s.kind) && id !== null) chosen.add(id);
      }
      // Skipped above a chosen passage, and not chosen itself: a weak "not this".
      for (const s of signals) {
        if (!isPositive(s.kind)) continue;
        for (const above of shown.slice(0, s.rank - 1))
          if (above.chunkId !== null && !chosen.has(above.chunkId)) add(above.chunkId, SKIPPED_VOTE);
      }
      let target: number | null = null;
      let weight = 0;
      for (const [id, v] of votes) if (v > weight) [target, weight] = [id, v];
      out.push({
        key: questionKey(answer.question),
        shown: shown.filter((s): s is { chunkId: number; bm25: number } => s.chunkId !== null),
        votes,
        target,
        weight,
        negatives: [...votes].filter(([, v]) => v < 0).map(([id]) => id),
        question: answer.question,
      });
    }
    return out;
  }

  private async memory(pack: TowerPack | null, changes: LibraryChanges): Promise<FeedbackMemory> {
    const key = `${pack ? packKey(pack) : 'none'}:${changes.lastSignal}:${changes.signals}:${changes.lastChunk}`;
    if (this.memoryCache?.key === key) return this.memoryCache.memory;
    const questions = changes.signals ? this.collect(changes.lastSignal) : [];
    const vectors = pack ? await this.questionVectorsOf(pack, questions.map(questionText)) : null;
    const memory = new FeedbackMemory(
      questions.map((q) => ({ key: q.key, votes: q.votes, vector: vectors?.get(questionText(q)) ?? null })),
    );
    this.memoryCache = { key, memory };
    return memory;
  }

  /** The pack's own question vectors of logged questions (cached: a question is embedded once per pack). */
  private async questionVectorsOf(pack: TowerPack, texts: string[]): Promise<Map<string, Float32Array>> {
    const k = packKey(pack);
    let cache = this.questionVectors.get(k);
    if (!cache) this.questionVectors.set(k, (cache = new Map()));
    const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
    for (let i = 0; i < missing.length; i += 64) {
      const batch = missing.slice(i, i + 64);
      const rows = await pack.embedQuestions(batch);
      batch.forEach((t, j) => cache.set(t, rows.slice(j * pack.dim, (j + 1) * pack.dim)));
    }
    return cache;
  }

  // ---- learning

  /** Signals that arrived after the last learning run. */
  pendingSignals(): number {
    const last = this.db
      .prepare('SELECT COALESCE(MAX(through_signal), 0) FROM learned_models')
      .pluck()
      .get() as number;
    const since = Math.max(last, this.lastRunThrough);
    return this.db.prepare('SELECT COUNT(*) FROM signals WHERE id > ?').pluck().get(since) as number;
  }

  get isLearning(): boolean {
    return this.running !== null;
  }

  /** Learns now from every signal so far (one run at a time); null when there is no dense side to learn. */
  learn(
    dense: DenseAccess | null,
    baseDenseWeight: number,
    baseRanker: GbdtModel | null,
    search: SearchWithView,
  ): Promise<LearningReport | null> {
    if (!dense) return Promise.resolve(null);
    if (this.running) return this.running;
    const run = this.runLearning(dense, baseDenseWeight, baseRanker, search).finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  private async runLearning(
    dense: DenseAccess,
    baseDenseWeight: number,
    baseRanker: GbdtModel | null,
    search: SearchWithView,
  ): Promise<LearningReport> {
    const through = signalCounts(this.db).lastSignal;
    const collected = this.collect(through);
    const texts = collected.map(questionText);
    const vectors = await this.questionVectorsOf(dense.pack, texts);
    const questions: LearningQuestion[] = collected.map((q) => ({
      ...q,
      vector: vectors.get(questionText(q))!,
    }));
    const ids = new Set<number>();
    for (const q of questions) {
      for (const s of q.shown) ids.add(s.chunkId);
      for (const id of q.votes.keys()) ids.add(id);
    }
    const key = packKey(dense.pack);
    const current = this.activeModel(key);
    // Candidate lists for the ranker's trees are recalled without any memory of signals.
    const noMemory = new FeedbackMemory([]);
    const { report, params } = await learnFromSignals({
      questions,
      answerVectors: dense.answerVectors([...ids]),
      dim: dense.pack.dim,
      current: current?.params ?? null,
      baseDenseWeight,
      minHeldBack: MIN_HELD_BACK,
      baseRanker,
      rankingRows: async (q, params) => {
        let rows: RankingRows | null = null;
        await search(
          q.question,
          learnedView(params, null, noMemory, null, (r) => (rows = r)),
        );
        return rows;
      },
      yieldNow: () => new Promise((r) => setImmediate(r)),
      judge: async (params, memory, judged, leaveOneOut) => {
        const ranks: number[] = [];
        for (const q of judged) {
          const view = learnedView(params, null, memory, leaveOneOut ? q.key : null);
          const ranked = await search(q.question, view);
          ranks.push(ranked.findIndex((ids) => ids.includes(q.target!)) + 1);
          await new Promise((r) => setImmediate(r));
        }
        const n = Math.max(judged.length, 1);
        return {
          hit1: ranks.filter((r) => r === 1).length / n,
          mrr: ranks.reduce((sum, r) => sum + (r ? 1 / r : 0), 0) / n,
          ranks,
        };
      },
    });
    const at = new Date().toISOString();
    this.lastReport = { ...report, at };
    this.lastRunThrough = through;
    if (report.outcome !== 'too-few') {
      this.db
        .transaction(() => {
          if (params) {
            this.db
              .prepare(
                "UPDATE learned_models SET state = 'retired' WHERE pack_key = ? AND state = 'previous'",
              )
              .run(key);
            this.db
              .prepare("UPDATE learned_models SET state = 'previous' WHERE pack_key = ? AND state = 'active'")
              .run(key);
          }
          this.db
            .prepare(
              'INSERT INTO learned_models(pack_key, state, created_at, through_signal, report, params) VALUES (?, ?, ?, ?, ?, ?)',
            )
            .run(
              key,
              params ? 'active' : 'rejected',
              at,
              through,
              JSON.stringify(report),
              params ? encodeParams(params) : Buffer.alloc(0),
            );
        })
        .immediate();
      this.modelCache.delete(key);
    }
    return report;
  }

  /** Makes the model before the active one active again (or the pack's own tower when there was none). */
  restorePrevious(pack: TowerPack | null): void {
    if (!pack) throw new UserError('nothing has been learned for this library', 'learning');
    const key = packKey(pack);
    const active = this.db
      .prepare("SELECT id FROM learned_models WHERE pack_key = ? AND state = 'active'")
      .pluck()
      .get(key) as number | undefined;
    if (active === undefined) throw new UserError('there is no learned model to undo', 'learning');
    this.db
      .transaction(() => {
        this.db.prepare("UPDATE learned_models SET state = 'retired' WHERE id = ?").run(active);
        this.db
          .prepare("UPDATE learned_models SET state = 'active' WHERE pack_key = ? AND state = 'previous'")
          .run(key);
      })
      .immediate();
    this.modelCache.delete(key);
  }

  /**
   * Forgets every signal and every learned model: search is as before learning. The answers
   * log stays (like the chat's history), so an answer still on screen can be marked again.
   */
  erase(): void {
    this.db
      .transaction(() => {
        eraseSignals(this.db);
        this.db.prepare('DELETE FROM learned_models').run();
      })
      .immediate();
    this.modelCache.clear();
    this.memoryCache = null;
    this.lastReport = null;
    this.lastRunThrough = 0;
  }

  state(pack: TowerPack | null, enabled: boolean): LearningState {
    const counts = signalCounts(this.db);
    const byKind = Object.fromEntries(SIGNAL_KINDS.map((k) => [k, 0])) as Record<SignalKind, number>;
    for (const r of this.db.prepare('SELECT kind, COUNT(*) AS n FROM signals GROUP BY kind').all() as {
      kind: SignalKind;
      n: number;
    }[])
      byKind[r.kind] = r.n;
    const key = pack ? packKey(pack) : null;
    const rows = key
      ? (this.db
          .prepare(
            "SELECT * FROM learned_models WHERE pack_key = ? AND state IN ('active', 'previous') ORDER BY id DESC",
          )
          .all(key) as ModelRow[])
      : [];
    const active = rows.find((r) => r.state === 'active') ?? null;
    const last = key
      ? (this.db
          .prepare('SELECT * FROM learned_models WHERE pack_key = ? ORDER BY id DESC LIMIT 1')
          .get(key) as ModelRow | undefined)
      : undefined;
    const lastRun =
      this.lastReport ??
      (last ? { ...(JSON.parse(last.report) as LearningReport), at: last.created_at } : null);
    return {
      enabled,
      learning: this.isLearning,
      signals: counts.signals,
      signalsByKind: byKind,
      questions: counts.questions,
      pending: this.pendingSignals(),
      minHeldBack: MIN_HELD_BACK,
      model: active
        ? {
            id: active.id,
            changedAt: active.created_at,
            throughSignal: active.through_signal,
            report: JSON.parse(active.report) as LearningReport,
          }
        : null,
      canRestorePrevious: active !== null,
      lastRun,
    };
  }

  /** Every signal as one JSON object per line: question, passage, signal, time, pack and ranker, what was shown above. */
  exportSignals(): string {
    const signals = listSignals(this.db);
    const answers = answersWithSignals(this.db, Number.MAX_SAFE_INTEGER);
    const paths = new Map(
      (this.db.prepare('SELECT id, rel_path FROM documents').all() as { id: number; rel_path: string }[]).map(
        (r) => [r.id, r.rel_path],
      ),
    );
    const where = (p: { documentId: number; start: number; end: number; textHash: string }) => ({
      path: paths.get(p.documentId) ?? null,
      start: p.start,
      end: p.end,
      textHash: p.textHash,
    });
    return signals
      .map((s) => {
        const a = answers.get(s.answerId)!;
        return JSON.stringify({
          signal: s.kind,
          at: s.createdAt,
          answerId: s.answerId,
          question: a.question,
          askedAt: a.askedAt,
          mode: a.mode,
          pack: a.pack,
          ranker: a.ranker,
          rank: s.rank,
          passage: where(s),
          shownAbove: a.shown.slice(0, s.rank - 1).map(where),
        });
      })
      .map((line) => line + '\n')
      .join('');
  }
}

const questionText = (q: Omit<LearningQuestion, 'vector'>): string => q.question;

import { promises as fs, statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeError, UserError } from '../errors.js';
import { DenseChannel } from '../search/dense.js';
import { DenseSearchWorker } from '../search/denseSearchWorker.js';
import { LearnedRanker } from '../rank/learnedRanker.js';
import { readPackRanker, type PackRanker } from '../rank/packRanker.js';
import { ScoreFusionRanker, type Ranker } from '../search/ranker.js';
import { builtinLexicon } from '../search/lexicon.js';
import { Searcher, type DenseRecall, type SearchOutcome } from '../search/searcher.js';
import { openDatabase, type Db } from '../store/database.js';
import * as conversations from '../store/conversations.js';
import { DocumentStore } from '../store/documentStore.js';
import { KeptVectors } from '../store/keptVectors.js';
import {
  failedFiles,
  findFolderByPath,
  folderIgnore,
  getFolder,
  insertFolder,
  listFolders,
  setFolderIgnore,
} from '../store/folders.js';
import {
  absorbEarlierRemovals,
  FOLDER_RESTORE_WINDOW_MS,
  markRestored,
  purgeRemovedFolders,
  recordRemovedFolder,
  restorableRemoval,
  restorableRemovalOf,
  restorableRemovals,
} from '../store/removedFolders.js';
import { signalsToCarry } from '../feedback/carriedSignals.js';
import { readSettings, writeSettings } from '../store/settings.js';
import { Learning, type DenseAccess, type LearnedView } from '../feedback/learning.js';
import { refinedModel, type RankerRefinement } from '../feedback/learnedParams.js';
import type { LearningRunReport, LearningState } from '../vocabulary/shapes.js';
import type { SignalKind } from '../vocabulary/values.js';
import { activeVectorSet, listVectorSets, type VectorSet } from '../store/vectorSets.js';
import {
  DEFAULT_SEARCH_MODE,
  inWords,
  K_LIMITS,
  PREVIEW_CONTEXT_CHARS,
  QUESTION_MAX_CHARS,
  SEARCH_MODES,
} from '../vocabulary/values.js';
import { builtinPackDir } from '../towers/builtinPack.js';
import { openPack } from '../towers/openPack.js';
import { IngestLock, isIngestRunning } from './ingestLock.js';
import { availableProviders } from '../towers/sessions.js';
import type { OpenPackOptions, TowerPack } from '../towers/types.js';
import type { IngestJobParams } from './ingestJob.js';
import { JobWorker } from './jobRunner.js';
import { passagePreview } from './preview.js';
import { isSystemStateFolder, systemStateFolderMessage } from '../ingest/systemStateFolders.js';
import { initialProgress } from './progress.js';
import type { ReembedProgress } from './reembedJob.js';
import { parseSettingsPatch, resolveSettings } from './settings.js';
import type {
  AskResult,
  ConversationSummary,
  ConversationTurn,
  FailedFile,
  FolderInfo,
  IngestOptions,
  IngestSummary,
  LibraryEngine,
  LibraryOpenOptions,
  LibrarySettings,
  LibraryStatus,
  PackInfo,
  PassagePreview,
  SearchMode,
  TextRange,
  WatchEvent,
} from './types.js';

/** Fusion weight of the dense channel (BM25/top BM25 + w·cosine/top cosine), chosen on the dev sets: main/engine/eval/README.md. */
export const DENSE_WEIGHT = 0.15;
export const DEFAULT_K = K_LIMITS.default;
const WATCH_DEBOUNCE_MS = 400;
const RECENT_HIGHLIGHTS = 200;

export interface ReembedOptions {
  /** The pack to embed with; default the library's configured pack. */
  packDir?: string | null;
  signal?: AbortSignal;
  onProgress?: (p: ReembedProgress) => void;
}

function checkPackDir(dir: string): void {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new UserError(`tower pack folder not found: ${path.resolve(dir)}`, dir);
}

function checkQuestionOptions(options: { k?: number; mode?: SearchMode }): { k: number; mode: SearchMode } {
  const k = options.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < K_LIMITS.min || k > K_LIMITS.max)
    throw new UserError(`k must be a whole number from ${K_LIMITS.min} to ${K_LIMITS.max}`, 'k');
  const mode = options.mode ?? DEFAULT_SEARCH_MODE;
  if (!SEARCH_MODES.includes(mode))
    throw new UserError(`mode must be ${inWords(SEARCH_MODES)} (got "${mode}")`, 'mode');
  return { k, mode };
}

/** The most bytes of vectors a removed folder keeps for an undo (a larger one is embedded again). */
const UNDO_VECTOR_BYTES = 256 * 1024 * 1024;

/** Whether the disk holding `dir` has `bytes` free and 64 MiB to spare (true when it cannot tell). */
function roomFor(bytes: number, dir: string): boolean {
  try {
    const fsStats = statfsSync(dir);
    return fsStats.bavail * fsStats.bsize >= bytes + 64 * 1024 * 1024;
  } catch {
    return true;
  }
}

/**
 * The engine façade (LibraryEngine): one library file, its folders, indexing in
 * worker threads, search, conversations and settings. All heavy work happens
 * off the calling thread: indexing and re-embedding in job workers, the towers
 * in the pack's own workers; this thread only runs short SQLite reads.
 */
export class Library implements LibraryEngine {
  private readonly searcher: Searcher;
  private pack: Promise<TowerPack> | null = null;
  /** The question tower for the active vectors when they came from another pack's answer tower. */
  private oldPack: { dir: string; pack: Promise<TowerPack> } | null = null;
  private dense: DenseChannel | null = null;
  private jobs: Promise<unknown> = Promise.resolve();
  private reembedding: {
    promise: Promise<ReembedProgress>;
    listeners: Set<(p: ReembedProgress) => void>;
    abort: AbortController;
  } | null = null;
  private readonly runningJobs = new Set<AbortController>();
  /** Indexing runs here, one job at a time; re-embedding has its own worker so both can proceed. */
  private readonly ingestWorker = new JobWorker();
  private readonly reembedWorker = new JobWorker();
  /** Dense coarse search beside BM25 on large libraries; started on first need. */
  private denseSearch: DenseSearchWorker | null = null;
  private readonly recentHighlights = new Map<number, TextRange[]>();
  private readonly rankers = new Map<string, Ranker>();
  /** Score fusion with a learned dense weight, by weight. */
  private readonly learnedFusion = new Map<number, ScoreFusionRanker>();
  /** The pack's ranker with a learned model's trees added, by the model's refinement. */
  private readonly refinedRankers = new WeakMap<RankerRefinement, LearnedRanker>();
  private readonly learning: Learning;
  private closed = false;

  private constructor(
    private readonly db: Db,
    readonly dbPath: string,
    private readonly options: LibraryOpenOptions,
    ranker: Ranker,
  ) {
    this.searcher = new Searcher(db, ranker, options.notFoundRule, undefined, builtinLexicon);
    this.learning = new Learning(db);
  }

  static async open(options: LibraryOpenOptions): Promise<Library> {
    if (!options?.dbPath) throw new UserError('no library file given', 'dbPath');
    const dbPath = path.resolve(options.dbPath);
    if (options.packDir) checkPackDir(options.packDir);
    const db = openDatabase(dbPath, { onFtsRebuild: options.onFtsRebuild });
    try {
      conversations.purgeDeletedConversations(db);
      purgeRemovedFolders(db);
    } catch {
      // A full disk or a busy library: they go at the next deletion or opening.
    }
    return new Library(
      db,
      dbPath,
      { ...options, packDir: options.packDir ? path.resolve(options.packDir) : undefined },
      new ScoreFusionRanker(DENSE_WEIGHT),
    );
  }

  // ---- settings and packs

  async getSettings(): Promise<LibrarySettings> {
    return resolveSettings(readSettings(this.db));
  }

  /**
   * A new pack (answer tower) starts re-embedding in the background; search
   * keeps the old vectors and their question tower until the new set is complete.
   */
  async updateSettings(patch: Partial<LibrarySettings>): Promise<LibrarySettings> {
    const { before, after } = await this.saveSettings(patch);
    if (before.packDir !== after.packDir && !this.options.packDir && activeVectorSet(this.db)) {
      void this.reembed().catch(() => undefined);
    }
    return after;
  }

  private async saveSettings(
    patch: Partial<LibrarySettings>,
  ): Promise<{ before: LibrarySettings; after: LibrarySettings }> {
    const value = parseSettingsPatch(patch);
    if (value.packDir) checkPackDir(value.packDir);
    const before = await this.getSettings();
    writeSettings(this.db, value as Record<string, unknown>);
    const after = await this.getSettings();
    if (
      before.packDir !== after.packDir ||
      before.provider !== after.provider ||
      before.questionProvider !== after.questionProvider
    ) {
      await this.resetPacks();
    }
    return { before, after };
  }

  /**
   * The ranking stage for a pack: its own learned ranker (with the trees learning from use
   * added to it, when a learned model has some), or score fusion when it ships none (with the
   * dense weight learned from the user's signals, when learning chose one).
   */
  private rankerFor(packDir: string, learned: LearnedView | null = null): Ranker {
    const ranker = this.packRanker(packDir);
    if (ranker instanceof LearnedRanker) {
      const refinement = learned?.params?.ranker ?? null;
      const sink = learned?.onRankingRows;
      if (sink)
        return ranker.variant(refinement ? refinedModel(ranker.model, refinement) : ranker.model, sink);
      if (!refinement) return ranker;
      let refined = this.refinedRankers.get(refinement);
      if (!refined)
        this.refinedRankers.set(
          refinement,
          (refined = ranker.variant(refinedModel(ranker.model, refinement))),
        );
      return refined;
    }
    const weight = learned?.params?.denseWeight;
    if (weight === undefined || !(ranker instanceof ScoreFusionRanker) || weight === ranker.denseWeight)
      return ranker;
    let fusion = this.learnedFusion.get(weight);
    if (!fusion) this.learnedFusion.set(weight, (fusion = new ScoreFusionRanker(weight)));
    return fusion;
  }

  private packRanker(packDir: string): Ranker {
    let ranker = this.rankers.get(packDir);
    if (!ranker) {
      if (this.options.ranker) ranker = this.options.ranker;
      else {
        let model: PackRanker | null = null;
        try {
          model = readPackRanker(packDir);
        } catch (e) {
          // A damaged or foreign ranker must not stop search: fall back, and say why once.
          process.emitWarning(
            `DocQA: the pack's ranker was not loaded (${(e as Error).message}); using score fusion`,
          );
        }
        ranker = model
          ? new LearnedRanker(model.model, DENSE_WEIGHT, model.background)
          : new ScoreFusionRanker(DENSE_WEIGHT);
      }
      this.rankers.set(packDir, ranker);
    }
    return ranker;
  }

  private async packDir(): Promise<string> {
    return this.options.packDir ?? (await this.getSettings()).packDir ?? builtinPackDir();
  }

  /**
   * How packs are opened in this session: providers (per tower) and answer-tower
   * workers. This thread's packs only embed questions (indexing runs in the job
   * worker with packs of its own), so their answer workers start only if asked.
   */
  private async packOptions(): Promise<OpenPackOptions> {
    const s = await this.getSettings();
    return {
      provider: this.options.provider ?? s.provider,
      questionProvider: s.questionProvider ?? undefined,
      workers: s.threads || undefined,
      lazyAnswers: true,
    };
  }

  /** The configured pack, opened once. */
  currentPack(): Promise<TowerPack> {
    if (!this.pack) {
      const opening = (async () => openPack(await this.packDir(), await this.packOptions()))();
      this.pack = opening;
      opening.catch(() => {
        if (this.pack === opening) this.pack = null;
      });
    }
    return this.pack;
  }

  private async resetPacks(): Promise<void> {
    const closing = [this.pack, this.oldPack?.pack];
    this.pack = null;
    this.oldPack = null;
    for (const p of closing) await p?.then((x) => x.close()).catch(() => undefined);
  }

  /**
   * The dense side of search: the active vector set and the question tower that
   * belongs to it (the current pack's when its answer tower made the vectors;
   * otherwise the pack recorded with them, until re-embedding completes). Null
   * when there are no vectors or their pack is gone (search is then BM25 only).
   */
  private async denseRecall(): Promise<DenseRecall | null> {
    return (await this.denseSide())?.recall ?? null;
  }

  /** The dense recall with the pack whose question tower it uses (learning is per question tower). */
  private async denseSide(): Promise<{ recall: DenseRecall; pack: TowerPack } | null> {
    const set = activeVectorSet(this.db);
    if (!set) return null;
    if (this.dense?.set.id !== set.id) this.dense = new DenseChannel(this.db, set);
    const channel = this.dense;
    let pack: TowerPack;
    try {
      pack = await this.currentPack();
    } catch {
      return null;
    }
    if (pack.answerTower.hash !== set.answerHash) {
      const old = await this.packForSet(set);
      if (!old) return null;
      pack = old;
    }
    return {
      pack,
      recall: {
        channel,
        embedQuestion: async (q) => (await pack.embedQuestions([q])).subarray(0, pack.dim),
        parallelTop: (q, k) => (this.denseSearch ??= new DenseSearchWorker(this.dbPath)).top(set.id, q, k),
      },
    };
  }

  private denseAccess(side: { recall: DenseRecall; pack: TowerPack } | null): DenseAccess | null {
    return side ? { pack: side.pack, answerVectors: (ids) => side.recall.channel.vectors(ids) } : null;
  }

  private async packForSet(set: VectorSet): Promise<TowerPack | null> {
    if (this.oldPack?.dir !== set.packDir) {
      const previous = this.oldPack;
      // Set before anything is awaited: two searches at once (or a search and a learning run)
      // must open one pack, not two of which one is never closed (its worker keeps the process alive).
      this.oldPack = {
        dir: set.packDir,
        pack: this.packOptions().then((options) => openPack(set.packDir, options)),
      };
      void previous?.pack.then((p) => p.close()).catch(() => undefined);
    }
    try {
      const pack = await this.oldPack.pack;
      return pack.answerTower.hash === set.answerHash ? pack : null;
    } catch {
      return null;
    }
  }

  private packInfo(pack: TowerPack): PackInfo {
    const m = pack.manifest as {
      license?: string;
      attribution?: string[];
      metrics?: Record<string, unknown>;
    };
    return {
      dir: pack.dir,
      name: pack.name,
      version: pack.version,
      kind: pack.kind,
      dim: pack.dim,
      builtin: path.resolve(pack.dir) === path.resolve(builtinPackDir()),
      license: m.license ?? '',
      attribution: m.attribution ?? [],
      metrics: m.metrics ?? {},
    };
  }

  // ---- folders and indexing

  async status(): Promise<LibraryStatus> {
    const pack = await this.currentPack();
    const folders = listFolders(this.db);
    const active = activeVectorSet(this.db);
    const count = (sql: string): number => this.db.prepare(sql).pluck().get() as number;
    let dbBytes = 0;
    for (const suffix of ['', '-wal'])
      dbBytes += statSync(this.dbPath + suffix, { throwIfNoEntry: false })?.size ?? 0;
    return {
      dbPath: this.dbPath,
      folders: this.withLiveState(folders),
      documents: count(`SELECT COUNT(*) FROM documents WHERE status = 'ok'`),
      chunks: count('SELECT COUNT(*) FROM chunks'),
      failed: count(`SELECT COUNT(*) FROM documents WHERE status <> 'ok'`),
      pack: this.packInfo(pack),
      provider: { ...pack.provider, available: availableProviders() },
      needsReembed: active !== null && active.answerHash !== pack.answerTower.hash,
      dbBytes,
      removedFolders: restorableRemovals(this.db),
    };
  }

  async listFolders(): Promise<FolderInfo[]> {
    return this.withLiveState(listFolders(this.db));
  }

  /**
   * 'indexing' only while a run holds the library's ingest lock: a run that was
   * killed (kill -9, a crash) leaves the state behind, and the folder is then
   * shown as it was before that run — 'ok' if a run ever completed, else 'new'.
   * The next run writes the state again.
   */
  private withLiveState(folders: FolderInfo[]): FolderInfo[] {
    if (!folders.some((f) => f.state === 'indexing') || isIngestRunning(this.dbPath)) return folders;
    return folders.map((f) => (f.state === 'indexing' ? { ...f, state: f.lastIndexedAt ? 'ok' : 'new' } : f));
  }

  /**
   * `ignore`: gitignore-style patterns for this folder, on top of the defaults (hidden files, node_modules, …).
   * Given for a folder already in the library, they replace its patterns; the next ingest drops what they now exclude.
   */
  async addFolder(folder: string, options: { ignore?: string[] } = {}): Promise<FolderInfo> {
    if (typeof folder !== 'string' || !folder.trim()) throw new UserError('no folder given', 'path');
    const ignore = options.ignore;
    if (
      ignore !== undefined &&
      (!Array.isArray(ignore) || ignore.some((p) => typeof p !== 'string' || p.length > 1000))
    ) {
      throw new UserError('ignore must be a list of patterns', 'ignore');
    }
    const abs = path.resolve(folder);
    const st = await fs.stat(abs).catch(() => null);
    if (!st) throw new UserError(`folder not found: ${folder}`, folder);
    if (!st.isDirectory()) throw new UserError(`not a folder: ${folder}`, folder);
    if (isSystemStateFolder(await fs.realpath(abs)))
      throw new UserError(systemStateFolderMessage(folder), folder);
    const existing = findFolderByPath(this.db, abs);
    if (existing) {
      if (ignore === undefined) return existing;
      setFolderIgnore(this.db, existing.id, ignore);
      return getFolder(this.db, existing.id)!;
    }
    for (const f of listFolders(this.db)) {
      if (abs.startsWith(f.path + path.sep))
        throw new UserError(`${folder} is already inside the library folder ${f.path}`, folder);
      if (f.path.startsWith(abs + path.sep))
        throw new UserError(`${folder} contains the library folder ${f.path}; remove that one first`, folder);
    }
    return getFolder(this.db, insertFolder(this.db, abs, ignore ?? []))!;
  }

  async removeFolder(folderId: number): Promise<{ removalId: number }> {
    const folder = this.folder(folderId);
    return this.serialized(async () => {
      const store = new DocumentStore(this.db);
      const ids = this.db
        .prepare('SELECT id FROM documents WHERE folder_id = ?')
        .pluck()
        .all(folder.id) as number[];
      return this.db
        .transaction(() => {
          // What the user said of its passages is the one part indexing cannot rebuild: kept
          // for an undo, with what a put-back folder had not taken back yet.
          const removalId = recordRemovedFolder(
            this.db,
            { path: folder.path, ignore: folderIgnore(this.db, folder.id) },
            signalsToCarry(this.db, ids),
          );
          // And its vectors (up to UNDO_VECTOR_BYTES), so that an undo embeds nothing again
          // (the slow half of indexing), where the disk has room for them twice over.
          const sets = listVectorSets(this.db);
          const bytes = folder.chunks * sets.reduce((n, set) => n + set.dim * 4 + 20, 0);
          if (roomFor(2 * Math.min(bytes, UNDO_VECTOR_BYTES), path.dirname(this.dbPath)))
            new KeptVectors(this.db).keepForUndo(removalId, folder.id, sets, UNDO_VECTOR_BYTES);
          absorbEarlierRemovals(this.db, folder.id, removalId);
          for (const id of ids) store.remove(id);
          this.db.prepare('DELETE FROM folders WHERE id = ?').run(folder.id);
          return { removalId };
        })
        .immediate();
    });
  }

  /** The latest removal of this folder that can still be undone (the CLI names folders by path). */
  restorableRemovalOf(folder: string): number | null {
    return restorableRemovalOf(this.db, path.resolve(folder))?.id ?? null;
  }

  async restoreFolder(removalId: number): Promise<FolderInfo> {
    const removal = Number.isInteger(removalId) ? restorableRemoval(this.db, removalId) : null;
    if (!removal)
      throw new UserError(
        `folder removal ${String(removalId)} cannot be undone: it was undone already, or was made more than ${FOLDER_RESTORE_WINDOW_MS / 60_000} minutes ago`,
        String(removalId),
      );
    // Added again meanwhile: that folder keeps its own ignore patterns and takes the signals.
    const folder =
      findFolderByPath(this.db, removal.path) ??
      (await this.addFolder(removal.path, { ignore: removal.ignore }));
    markRestored(this.db, removal.id, folder.id);
    return folder;
  }

  private folder(folderId: number): FolderInfo {
    const f = Number.isInteger(folderId) ? getFolder(this.db, folderId) : null;
    if (!f) throw new UserError(`no folder with id ${String(folderId)} in this library`, String(folderId));
    return f;
  }

  async ingest(options: IngestOptions = {}): Promise<IngestSummary> {
    for (const id of options.folderIds ?? []) this.folder(id);
    return this.runIngest(
      {
        folderIds: options.folderIds ?? null,
        force: options.force ?? false,
        retryFailed: false,
        paths: null,
      },
      options,
    );
  }

  async retryFailed(options: Omit<IngestOptions, 'force'> = {}): Promise<IngestSummary> {
    for (const id of options.folderIds ?? []) this.folder(id);
    return this.runIngest(
      { folderIds: options.folderIds ?? null, force: false, retryFailed: true, paths: null },
      options,
    );
  }

  async failedFiles(limit?: number): Promise<FailedFile[]> {
    return failedFiles(this.db, limit);
  }

  private async runIngest(
    what: Pick<IngestJobParams, 'folderIds' | 'force' | 'retryFailed' | 'paths'>,
    options: Pick<IngestOptions, 'signal' | 'onProgress' | 'onWaiting'>,
  ): Promise<IngestSummary> {
    return this.serialized(async () => {
      const settings = await this.getSettings();
      const params: IngestJobParams = {
        dbPath: this.dbPath,
        packDir: await this.packDir(),
        provider: this.options.provider ?? settings.provider,
        towerWorkers: settings.threads,
        ...what,
        chunk: { targetChars: settings.chunkTargetChars, overlapChars: settings.chunkOverlapChars },
        extract: {
          inflate: { maxInflatedBytes: settings.maxInflatedBytes, maxInflateRatio: settings.maxInflateRatio },
          maxExtractedChars: settings.maxExtractedChars,
          memoryMb: settings.extractorMemoryMb,
          timeoutMs: settings.extractTimeoutSeconds * 1000,
        },
      };
      const summary = await this.tracked(options.signal, async (signal) => {
        // One run at a time per library file, across processes (see IngestLock).
        const lock = await IngestLock.acquire(this.dbPath, {
          signal,
          onWaiting: () => {
            options.onWaiting?.();
            // Front ends that only follow progress (the app) can say why nothing moves yet.
            options.onProgress?.(initialProgress('waiting'));
          },
        });
        try {
          return await this.ingestWorker.run('ingest', params, { signal, onProgress: options.onProgress });
        } finally {
          lock.release();
        }
      });
      // A library that had no vectors (first ingest) now has them with the current pack.
      this.dense = null;
      return summary;
    });
  }

  /** Jobs that write (indexing, folder removal) run one after another. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new UserError('the library is closed'));
    const run = this.jobs.then(fn, fn);
    this.jobs = run.catch(() => undefined);
    return run;
  }

  /** Runs a job that `close()` can cancel, linked to the caller's signal. */
  private async tracked<T>(
    signal: AbortSignal | undefined,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const abort = new AbortController();
    const onAbort = (): void => abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) abort.abort();
    this.runningJobs.add(abort);
    try {
      return await fn(abort.signal);
    } finally {
      this.runningJobs.delete(abort);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Gives the library vectors from the configured (or given) pack's answer
   * tower, in the background as far as search is concerned: search keeps the
   * old vectors until the new set is complete. A question-only change returns
   * at once. Joins a re-embedding that is already running.
   */
  async reembed(options: ReembedOptions = {}): Promise<ReembedProgress> {
    if (options.packDir !== undefined) await this.saveSettings({ packDir: options.packDir });
    if (!this.reembedding) {
      // Registered before any await, so a second caller joins this job.
      const abort = new AbortController();
      const listeners = new Set<(p: ReembedProgress) => void>();
      const promise = (async () => {
        const { provider, workers } = await this.packOptions();
        const params = {
          dbPath: this.dbPath,
          packDir: await this.packDir(),
          provider: provider ?? 'auto',
          towerWorkers: workers ?? 0,
        };
        return this.tracked(abort.signal, (signal) =>
          this.reembedWorker.run('reembed', params, {
            signal,
            onProgress: (p) => listeners.forEach((l) => l(p)),
          }),
        );
      })().finally(() => {
        this.reembedding = null;
        this.dense = null;
      });
      this.reembedding = { promise, listeners, abort };
    }
    const job = this.reembedding;
    const listener = options.onProgress;
    if (listener) job.listeners.add(listener);
    const onAbort = (): void => job.abort.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await job.promise;
    } finally {
      if (listener) job.listeners.delete(listener);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  // ---- search

  async ask(
    question: string,
    options: {
      k?: number;
      mode?: SearchMode;
      crossLingual?: boolean;
      asWritten?: boolean;
      log?: boolean;
    } = {},
  ): Promise<AskResult> {
    if (typeof question !== 'string') throw new UserError('the question must be text', 'question');
    const { k, mode } = checkQuestionOptions(options);
    const started = performance.now();
    const q = question.length > QUESTION_MAX_CHARS ? question.slice(0, QUESTION_MAX_CHARS) : question;
    if (options.crossLingual !== undefined && typeof options.crossLingual !== 'boolean')
      throw new UserError('crossLingual must be true or false', 'crossLingual');
    const crossLingual = options.crossLingual ?? (await this.getSettings()).crossLingual;
    if (options.asWritten !== undefined && typeof options.asWritten !== 'boolean')
      throw new UserError('asWritten must be true or false', 'asWritten');
    const { outcome, ranker, side, learned } = await this.searchLearned(
      q,
      k,
      mode,
      crossLingual,
      null,
      options.asWritten === true,
    );
    for (const r of outcome.results) this.rememberHighlights(r.chunkId, r.highlights);
    const answerId = options.log
      ? this.logAnswer(() =>
          this.learning.logAnswer(
            question,
            mode,
            side?.pack ?? null,
            learned.modelId ? `${ranker.name}+learned#${learned.modelId}` : ranker.name,
            outcome.results,
            new Map(outcome.results.map((r) => [r.chunkId, r.channels])),
          ),
        )
      : undefined;
    return {
      question,
      notFound: outcome.notFound,
      results: outcome.results,
      mode,
      tookMs: performance.now() - started,
      translatedTerms: outcome.translatedTerms,
      missingNames: outcome.missingNames,
      weakMatch: outcome.weakMatch,
      corrections: outcome.corrections,
      ...(answerId !== undefined ? { answerId } : {}),
    };
  }

  /**
   * One search with what learning taught (the live model and memory, or `view`, a model
   * being judged): the question vector adapted, passages moved, the fusion weight.
   */
  private async searchLearned(
    q: string,
    k: number,
    mode: SearchMode,
    crossLingual: boolean,
    view: LearnedView | null,
    asWritten = false,
  ): Promise<{
    outcome: SearchOutcome;
    ranker: Ranker;
    side: { recall: DenseRecall; pack: TowerPack } | null;
    learned: LearnedView;
  }> {
    for (let attempt = 0; ; attempt++) {
      const side = mode === 'bm25' ? null : await this.denseSide();
      const learned = view ?? (await this.learning.view(this.denseAccess(side)));
      const ranker = this.rankerFor(await this.packDir(), learned);
      let baseVector: Promise<Float32Array> | null = null;
      const recall = side?.recall ?? null;
      const dense: DenseRecall | null = recall && {
        ...recall,
        embedQuestion: async (text) => learned.adapt(await (baseVector ??= recall.embedQuestion(text))),
      };
      try {
        const outcome = await this.searcher.search(q, k, mode, dense, ranker, {
          crossLingual,
          correctSpelling: !asWritten,
          feedback: async () => learned.boosts(q, baseVector ? await baseVector : null),
        });
        return { outcome, ranker, side, learned };
      } catch (e) {
        // A re-embedding switched the active vector set (and dropped the old table) while this
        // question was being embedded: ask again with the new set and its question tower.
        if (attempt >= 2 || !/no such table: vectors_/.test(String((e as Error).message))) throw e;
        this.dense = null;
      }
    }
  }

  // ---- learning from use

  /**
   * Logging must never fail a question: when the library cannot be written (another
   * process holding it past the busy timeout, a full disk) the answer comes without an id.
   */
  private logAnswer(write: () => number): number | undefined {
    try {
      return write();
    } catch (e) {
      console.error(`DocQA: the answer was not logged (${(e as Error).message})`);
      return undefined;
    }
  }

  async feedback(answerId: number, rank: number, signal: SignalKind): Promise<{ signalId: number }> {
    const { signalId, learningDue } = this.learning.record(answerId, rank, signal);
    if (learningDue && (await this.getSettings()).learning) void this.learnInBackground();
    return { signalId };
  }

  /** A learning run after new signals: never fails a question or a signal; a failure is logged. */
  private async learnInBackground(): Promise<void> {
    // Let the signal's caller (and waiting questions) go first: learning is low priority.
    await new Promise((r) => setTimeout(r, 0));
    if (this.closed || this.learning.isLearning) return;
    try {
      await this.learnNow();
    } catch (e) {
      if (!this.closed) console.error(`DocQA: learning from your signals failed (${(e as Error).message})`);
    }
  }

  async learnNow(): Promise<LearningRunReport | null> {
    const crossLingual = (await this.getSettings()).crossLingual;
    const ranker = this.packRanker(await this.packDir());
    return this.learning.learn(
      this.denseAccess(await this.denseSide()),
      DENSE_WEIGHT,
      ranker instanceof LearnedRanker ? ranker.model : null,
      async (question, view) => {
        const { outcome } = await this.searchLearned(question, 10, 'hybrid', crossLingual, view);
        return outcome.results.map((r) => [r.chunkId, ...(r.alsoIn ?? []).map((p) => p.chunkId)]);
      },
    );
  }

  async learningState(): Promise<LearningState> {
    const side = await this.denseSide();
    return this.learning.state(side?.pack ?? null, (await this.getSettings()).learning);
  }

  async restorePreviousModel(): Promise<LearningState> {
    this.learning.restorePrevious((await this.denseSide())?.pack ?? null);
    return this.learningState();
  }

  async eraseSignals(): Promise<LearningState> {
    this.learning.erase();
    return this.learningState();
  }

  async exportSignals(): Promise<string> {
    return this.learning.exportSignals();
  }

  private rememberHighlights(chunkId: number, highlights: TextRange[]): void {
    this.recentHighlights.delete(chunkId);
    this.recentHighlights.set(chunkId, highlights);
    if (this.recentHighlights.size > RECENT_HIGHLIGHTS)
      this.recentHighlights.delete(this.recentHighlights.keys().next().value!);
  }

  async preview(
    chunkId: number,
    contextChars: number = PREVIEW_CONTEXT_CHARS.default,
  ): Promise<PassagePreview> {
    if (!Number.isInteger(chunkId)) throw new UserError('chunkId must be a whole number', 'chunkId');
    const { min, max } = PREVIEW_CONTEXT_CHARS;
    if (!Number.isInteger(contextChars) || contextChars < min || contextChars > max) {
      throw new UserError(`contextChars must be a whole number from ${min} to ${max}`, 'contextChars');
    }
    return passagePreview(this.db, chunkId, contextChars, this.recentHighlights.get(chunkId) ?? []);
  }

  async documentPath(documentId: number): Promise<string> {
    const row = Number.isInteger(documentId)
      ? (this.db
          .prepare(
            // A file that failed to be read keeps its row (to list it) but is no indexed document.
            "SELECT d.rel_path, f.path AS folder FROM documents d JOIN folders f ON f.id = d.folder_id WHERE d.id = ? AND d.status = 'ok'",
          )
          .get(documentId) as { rel_path: string; folder: string } | undefined)
      : undefined;
    if (!row)
      throw new UserError(`no document with id ${String(documentId)} in this library`, String(documentId));
    const abs = path.resolve(row.folder, ...row.rel_path.split('/'));
    if (!abs.startsWith(row.folder + path.sep))
      throw new UserError(`document ${documentId} is not inside its library folder`, String(documentId));
    return abs;
  }

  // ---- conversations

  async listConversations(): Promise<ConversationSummary[]> {
    return conversations.listConversations(this.db);
  }

  async conversation(conversationId: number): Promise<ConversationTurn[]> {
    this.checkConversation(conversationId);
    const turns = conversations.conversationTurns(this.db, conversationId);
    // What the user said of each answer's passages, so a reloaded chat shows the buttons pressed.
    const verdicts = this.learning.verdicts(turns.flatMap((t) => t.answer.answerId ?? []));
    return turns.map((t) => {
      const said = t.answer.answerId !== undefined ? verdicts.get(t.answer.answerId) : undefined;
      return said ? { ...t, answer: { ...t.answer, verdicts: said } } : t;
    });
  }

  async askInConversation(
    conversationId: number | null,
    question: string,
    options: { k?: number; mode?: SearchMode; asWritten?: boolean } = {},
  ): Promise<ConversationTurn> {
    if (conversationId !== null) this.checkConversation(conversationId);
    // The chat's answers are logged: their passages can be marked "this answered it" / "not this".
    const answer = await this.ask(question, { ...options, log: true });
    return conversations.addTurn(this.db, conversationId, answer);
  }

  async deleteConversation(conversationId: number): Promise<void> {
    this.checkConversation(conversationId);
    conversations.deleteConversation(this.db, conversationId);
  }

  async restoreConversation(conversationId: number): Promise<void> {
    if (!Number.isInteger(conversationId) || !conversations.restoreConversation(this.db, conversationId))
      throw new UserError(
        `conversation ${String(conversationId)} cannot be restored: it was not deleted, or was deleted more than ${conversations.RESTORE_WINDOW_MS / 60_000} minutes ago`,
        String(conversationId),
      );
  }

  private checkConversation(id: number): void {
    if (!Number.isInteger(id) || !conversations.conversationExists(this.db, id)) {
      throw new UserError(`no conversation with id ${String(id)}`, String(id));
    }
  }

  // ---- watching

  /**
   * Watches the folders the library has now (call again after adding one) and
   * re-indexes what changes, debounced: changed files are re-read, removed
   * files and folders leave the index, a folder that comes back is rescanned.
   */
  async watch(onEvent: (e: WatchEvent) => void): Promise<() => Promise<void>> {
    const folders = listFolders(this.db);
    if (!folders.length) return async () => undefined;
    const byPath = new Map(folders.map((f) => [f.path, f.id]));
    const pending = new Map<number, Set<string>>();
    const rescan = new Set<number>();
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const report = (run: Promise<IngestSummary>): void => {
      run.then(
        (summary) => onEvent({ type: 'indexed', summary }),
        (e: unknown) => onEvent({ type: 'error', message: describeError(e) }),
      );
    };
    const flush = (): void => {
      timer = null;
      if (stopped) return;
      if (rescan.size) {
        report(this.runIngest({ folderIds: [...rescan], force: false, retryFailed: false, paths: null }, {}));
        for (const id of rescan) pending.delete(id);
        rescan.clear();
      }
      if (!pending.size) return;
      const paths = [...pending].map(([folderId, rel]) => ({ folderId, relPaths: [...rel] }));
      pending.clear();
      report(
        this.runIngest(
          { folderIds: paths.map((p) => p.folderId), force: false, retryFailed: false, paths },
          {},
        ),
      );
    };
    // Lazy: chokidar is only needed by long-running front ends.
    const { watchFolders } = await import('../ingest/watchFolders.js');
    const watcher = watchFolders(
      folders.map((f) => f.path),
      {
        debounceMs: WATCH_DEBOUNCE_MS,
        onEvent: (e) => {
          const folderId = byPath.get(e.root);
          if (folderId === undefined) return;
          if (e.type === 'addDir') {
            rescan.add(folderId); // the folder itself came back
          } else {
            onEvent(
              e.type === 'add' || e.type === 'change'
                ? { type: 'changed', folderId, path: e.relPath }
                : { type: 'removed', folderId, path: e.relPath },
            );
            let set = pending.get(folderId);
            if (!set) pending.set(folderId, (set = new Set()));
            set.add(e.relPath);
          }
          if (timer) clearTimeout(timer);
          timer = setTimeout(flush, WATCH_DEBOUNCE_MS);
        },
        onError: (e) => onEvent({ type: 'error', message: describeError(e) }),
      },
    );
    await watcher.ready;
    return async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
      await this.jobs;
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.runningJobs) job.abort();
    await this.jobs;
    await this.reembedding?.promise.catch(() => undefined);
    await Promise.all([this.ingestWorker.close(), this.reembedWorker.close(), this.denseSearch?.close()]);
    await this.resetPacks();
    this.db.close();
  }

  /** Vector sets, for diagnostics and tests. */
  vectorSets(): VectorSet[] {
    return listVectorSets(this.db);
  }
}

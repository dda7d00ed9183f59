import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeError } from '../errors.js';
import {
  chunkDocument,
  createIgnoreMatcher,
  documentTypeOf,
  hashFile,
  readerKey,
  readsCompressedParts,
  type PassageCut,
  scanFolder,
  type ScannedFile,
} from '../ingest/index.js';
import { indexColumns } from '../text/analyzer.js';
import { explainDiskFull, isDiskFull } from '../store/diskFull.js';
import { passageText } from '../text/passageText.js';
import { openDatabase, type Db } from '../store/database.js';
import {
  DocumentStore,
  VectorSetChangedError,
  type ChunkRow,
  type DocumentFile,
  type IndexedDocument,
  type StoredDocument,
} from '../store/documentStore.js';
import { folderIgnore, listFolders, setFolderState, type FolderState } from '../store/folders.js';
import { clearReading, deathsWhileReading, markReading } from '../store/extractionMarks.js';
import {
  lastDocumentId,
  reattachSignals,
  mergeCarried,
  signalsToCarry,
  takeInFlight,
  writeInFlight,
  type CarriedSignals,
} from '../feedback/carriedSignals.js';
import { putBackRemovals, keepAwaiting } from '../store/removedFolders.js';
import { KeptVectors } from '../store/keptVectors.js';
import { passageHash } from '../store/passageHash.js';
import { listVectorSets } from '../store/vectorSets.js';
import { compactFts, ftsHasDrifted } from '../store/ftsIndex.js';
import type { Extractor, ExtractorOptions, ExtractOutcome } from './extractor.js';
import type { PackCache } from './packCache.js';
import { PackSet } from './packSet.js';
import { ProgressTracker } from './progress.js';
import type { IngestSummary, ProviderName } from './types.js';

/** What one indexing run does; plain data, so it crosses into the ingest worker. */
export interface IngestJobParams {
  dbPath: string;
  packDir: string;
  provider: ProviderName;
  /** Answer-tower worker threads (0 = the pack's default). */
  towerWorkers: number;
  /** Only these folders (null = all). */
  folderIds: number[] | null;
  /** Re-read every file. */
  force: boolean;
  /** Re-read files that failed before even when unchanged. */
  retryFailed: boolean;
  /** Only these paths (from the watcher): files are (re)indexed or removed, folders removed with everything below. */
  paths: { folderId: number; relPaths: string[] }[] | null;
  chunk: PassageCut;
  /** Bounds on reading one file (the library's settings). */
  extract: ExtractorOptions;
}

/** Files are embedded and written in batches of about this many chunks (one transaction per batch, whole files only). */
const BATCH_CHUNKS = 256;
const BATCH_FILES = 64;
const IN_FLIGHT = 3;
/** A file under which this many runs died (kill, out of memory) is recorded as failed instead of read again. */
const MAX_DEATHS_WHILE_READING = 2;
/** Files at least this big are marked while read, whatever their type (see `marksWhileReading`). */
const MARK_FROM_BYTES = 8 * 1024 * 1024;

/**
 * Which files get a mark while they are read (two commits each). The reader's
 * heap is bounded by its thread, so what can take the whole process down is
 * memory outside the heap: buffers that inflated DOCX parts and PDF streams
 * fill. Other files need memory in proportion to their size; small ones cannot
 * hurt, and marking 20,000 small notes would cost seconds.
 */
function marksWhileReading(file: ScannedFile): boolean {
  return readsCompressedParts(file.type) || file.size >= MARK_FROM_BYTES;
}

/** Vectors (and passage texts) of removed documents held for the run's new files: a folder of ~40k passages at 384-d. */
const KEEP_REMOVED_BYTES = 96 * 1024 * 1024;

/** Passages per embedAnswers call within one batch: a large file's progress moves in steps this big. */
const EMBED_SLICE = 512;

interface Prepared {
  file: DocumentFile & { absPath: string };
  existed: boolean;
  doc?: Omit<IndexedDocument, 'vectors'> & { passages: string[] };
  error?: string;
}

type Work =
  | { kind: 'index'; file: ScannedFile; folderId: number; existed: boolean }
  | { kind: 'remove'; doc: StoredDocument }
  /** The document follows its file to a new path (applied with the removals, in one transaction). */
  | { kind: 'rename'; doc: StoredDocument; file: ScannedFile; folderId: number };

/**
 * One indexing run over the library's folders: scan, skip unchanged files (size
 * and mtime, then content hash), notice renames (same content under a new
 * path keeps its vectors), remove what is gone, then extract → chunk → embed →
 * write. Each file's document, chunks, FTS rows and vectors are written in one
 * transaction (several small files may share one), so a run that is killed
 * leaves only whole files behind and the next run carries on where it stopped.
 */
export async function runIngestJob(
  params: IngestJobParams,
  onProgress: (p: ReturnType<ProgressTracker['snapshot']>) => void,
  signal: AbortSignal,
  cache: PackCache,
  extractor: Extractor,
): Promise<IngestSummary> {
  const db = openDatabase(params.dbPath);
  const store = new DocumentStore(db);
  const progress = new ProgressTracker(onProgress);
  const folders = listFolders(db).filter((f) => params.folderIds === null || params.folderIds.includes(f.id));
  const previousState = new Map<number, FolderState>(folders.map((f) => [f.id, f.state]));
  try {
    for (const f of folders) setFolderState(db, f.id, 'indexing');
    progress.phase('scanning');
    let work: Work[] = [];
    const scannedFolders = new Set<number>();
    for (const folder of folders) {
      const targeted = params.paths?.find((p) => p.folderId === folder.id);
      if (params.paths && !targeted) continue;
      const items = targeted
        ? await targetedWork(
            store,
            folder.id,
            folder.path,
            targeted.relPaths,
            folderIgnore(db, folder.id),
            params.chunk,
          )
        : await scanWork(db, store, folder.id, folder.path, params, progress, signal);
      if (items === null) {
        setFolderState(db, folder.id, 'missing');
        previousState.delete(folder.id);
        continue;
      }
      scannedFolders.add(folder.id);
      work.push(...items);
    }
    work = await followRenames(work, progress, signal, params.chunk, params.force);

    const toIndex = work.filter((w): w is Extract<Work, { kind: 'index' }> => w.kind === 'index');
    const removals = work.flatMap((w) => (w.kind === 'remove' ? [w.doc.id] : []));
    const kept = new KeptVectors(db);
    // What is removed may come back elsewhere with its text changed in part (moved and edited).
    if (toIndex.length && removals.length) kept.keepRemoved(removals, listVectorSets(db), KEEP_REMOVED_BYTES);
    // A folder put back comes with the vectors its passages had.
    kept.usePutBack([...scannedFolders].flatMap((id) => putBackRemovals(db, id).map((r) => r.id)));
    progress.phase('removing');
    const carried = db
      .transaction((): CarriedSignals | null => {
        // …and so may what the user said of its passages (feedback/carriedSignals.ts): taken
        // in the removal's transaction, so no signal recorded meanwhile is left behind, and
        // written down there until they are given back, so that a kill loses none. What a
        // killed run held goes back where its files were indexed, or waits for this run's.
        const killed = takeInFlight(db);
        const leftOver = killed ? reattachSignals(db, killed, 'anywhere').left : null;
        let taken = toIndex.length && removals.length ? signalsToCarry(db, removals) : null;
        if (leftOver && toIndex.length) taken = taken ? mergeCarried(taken, leftOver) : leftOver;
        writeInFlight(db, taken);
        for (const w of work)
          if (w.kind === 'rename')
            store.rename(w.doc.id, {
              folderId: w.folderId,
              relPath: w.file.relPath,
              size: w.file.size,
              mtimeMs: w.file.mtimeMs,
            });
        for (const id of removals) store.remove(id);
        return taken;
      })
      .immediate();
    progress.removed(removals.length);

    // Opening the pack can take seconds (a transformer: longer): say so rather than sit at 0%.
    progress.phase(toIndex.length ? 'loading-model' : 'indexing');
    progress.plan(
      toIndex.length,
      toIndex.reduce((s, w) => s + w.file.size, 0),
    );
    if (toIndex.length) {
      const options = { provider: params.provider, workers: params.towerWorkers || undefined };
      const packs = new PackSet(await cache.open(params.packDir, options), cache, options);
      progress.phase('indexing');
      packs.ensureActiveSet(db);
      extractor.configure(params.extract);
      const before = lastDocumentId(db);
      let failed = false;
      try {
        await indexFiles(db, store, packs, extractor, kept, toIndex, params, progress, signal);
      } catch (e) {
        failed = true;
        throw e;
      } finally {
        // Also after a cancelled or failed run: the files indexed so far take theirs back.
        try {
          if (carried)
            db.transaction(() => {
              reattachSignals(db, carried, { afterDocumentId: before });
              writeInFlight(db, null);
            }).immediate();
          giveBackToPutBackFolders(db, scannedFolders, failed || signal.aborted);
        } catch (e) {
          // The error that stopped the run is the one to report.
          if (!failed) throw e;
        }
      }
    } else giveBackToPutBackFolders(db, scannedFolders, signal.aborted);
    if (!signal.aborted) compactFtsIfDrifted(db, progress, params.dbPath);
    const done = new Date().toISOString();
    for (const id of scannedFolders) {
      setFolderState(
        db,
        id,
        signal.aborted ? (previousState.get(id) === 'ok' ? 'ok' : 'new') : 'ok',
        signal.aborted ? undefined : done,
      );
      previousState.delete(id);
    }
    return progress.summary(signal.aborted ? 'cancelled' : 'done');
  } catch (e) {
    // Cancelled in the middle of a step (a scan, an extraction): only whole files were written.
    if (signal.aborted) return progress.summary('cancelled');
    throw explainDiskFull(e, params.dbPath);
  } finally {
    try {
      for (const [id, state] of previousState) setFolderState(db, id, state === 'indexing' ? 'new' : state);
    } catch (e) {
      // On a full disk this write can fail too; the next run sets the states again. The
      // error that stopped the run is the one to report.
      if (!isDiskFull(e, params.dbPath)) throw e;
    } finally {
      db.close();
    }
  }
}

/**
 * A removed folder put back (`restoreFolder`) is indexed again like a new one; what the user
 * had said of its passages waits for them (store/removedFolders.ts) and goes back to the
 * passages with the same text. After a whole run of the folder what found no passage goes
 * for good; after a cancelled or failed one it waits for the next run.
 */
function giveBackToPutBackFolders(db: Db, folderIds: ReadonlySet<number>, partial: boolean): void {
  for (const folderId of folderIds)
    for (const waiting of putBackRemovals(db, folderId))
      // One transaction: a signal given back is never left waiting to be given twice.
      db.transaction(() => {
        const { left } = reattachSignals(db, waiting.carried, { folderId });
        keepAwaiting(db, waiting.id, partial ? left : null);
      }).immediate();
}

/**
 * Rebuilds the full-text index when it counts too many removed passages (store/ftsIndex.ts),
 * at the end of a run that wrote. On a full disk it is left for a later run: the index is
 * consistent either way, and the files this run indexed are in it.
 */
function compactFtsIfDrifted(db: Db, progress: ProgressTracker, dbPath: string): void {
  if (!ftsHasDrifted(db)) return;
  progress.phase('compacting');
  try {
    compactFts(db);
  } catch (e) {
    if (!isDiskFull(e, dbPath)) throw e;
  }
}

/**
 * A file the index holds as it is on disk: same size and modification time, read
 * by the reader of its type this DocQA has (a newer reader reads it again).
 */
function unchanged(old: StoredDocument, file: ScannedFile, cut: PassageCut): boolean {
  return old.size === file.size && old.mtimeMs === file.mtimeMs && old.reader === readerKey(file.type, cut);
}

/** Whether `file` may hold the content of `doc` (indexed, of the same size): worth hashing to know. */
function couldBe(doc: StoredDocument, file: ScannedFile): boolean {
  return doc.status === 'ok' && doc.hash !== null && doc.size === file.size;
}

/**
 * `file`, new at its path, has the content of `from`, gone from its own (renamed, or moved
 * within the library's folders): the document follows it, keeping its passages, vectors and
 * the user's signals. Read by another reader than its new name calls for (an older one, or
 * `.txt` renamed to `.md`), or in a forced run, it is read again under its new name; its
 * unchanged passages keep their vectors.
 */
function followRename(
  from: StoredDocument,
  folderId: number,
  file: ScannedFile,
  work: Work[],
  progress: ProgressTracker,
  cut: PassageCut,
  force = false,
): void {
  work.push({ kind: 'rename', doc: from, file, folderId });
  if (force || from.reader !== readerKey(file.type, cut))
    work.push({ kind: 'index', file, folderId, existed: true });
  else progress.renamed();
}

/** A full scan of one folder: what to index and what to remove. Null when the folder is gone. */
async function scanWork(
  db: Db,
  store: DocumentStore,
  folderId: number,
  root: string,
  params: IngestJobParams,
  progress: ProgressTracker,
  signal: AbortSignal,
): Promise<Work[] | null> {
  const stored = store.documentsOf(folderId);
  const seen = new Set<string>();
  const warnings: { relPath: string; message: string }[] = [];
  const changed: ScannedFile[] = [];
  try {
    const ignore = folderIgnore(db, folderId);
    for await (const file of scanFolder(root, { ignore, signal, onWarning: (w) => warnings.push(w) })) {
      seen.add(file.relPath);
      progress.scanned();
      const old = stored.get(file.relPath);
      const retry = params.retryFailed && old?.status === 'failed';
      if (old && !params.force && !retry && unchanged(old, file, params.chunk)) {
        if (old.status === 'failed') progress.stillFailed();
        else progress.skipped();
        continue;
      }
      changed.push(file);
    }
  } catch (e) {
    if (signal.aborted) throw e;
    const missing = await fs.stat(root).then(
      (s) => !s.isDirectory(),
      () => true,
    );
    if (missing) return null;
    throw e;
  }
  // By path: each leaves when a rename or a failed scan entry claims it; the rest are removed.
  const gone = new Map([...stored.values()].filter((d) => !seen.has(d.relPath)).map((d) => [d.relPath, d]));
  const goneBySize = new GoneBySize(gone.values());
  const work: Work[] = [];
  for (const file of changed) {
    const old = stored.get(file.relPath);
    const renameFrom = old ? [] : goneBySize.candidates(file);
    if (!params.force && ((old && couldBe(old, file)) || renameFrom.length)) {
      // Only the modification time moved, or a file we know turned up under a new name.
      const hash = await hashFile(file.absPath, { signal }).catch(() => null);
      if (old && hash === old.hash && old.reader === readerKey(file.type, params.chunk)) {
        store.touch(old.id, file.size, file.mtimeMs);
        progress.skipped();
        continue;
      }
      const from = renameFrom.find((d) => d.hash === hash);
      if (from) {
        gone.delete(from.relPath);
        goneBySize.take(from);
        followRename(from, folderId, file, work, progress, params.chunk);
        continue;
      }
    }
    work.push({ kind: 'index', file, folderId, existed: old !== undefined });
  }
  // Folders and links the scan could not enter, names that are not UTF-8, are shown with the failed files
  // (nothing is skipped silently). Each counts in this run's failures, new or not: the run's failed count is
  // the number of failed entries `status` shows for the folders it scanned.
  db.transaction(() => {
    for (const w of warnings) {
      const relPath = w.relPath || '.';
      gone.delete(relPath);
      store.writeFailure({ folderId, relPath, size: 0, mtimeMs: 0 }, w.message);
    }
  }).immediate();
  for (let i = 0; i < warnings.length; i++) progress.scanFailure();
  for (const doc of gone.values()) work.push({ kind: 'remove', doc });
  return work;
}

/**
 * Indexed documents gone from their paths, by size: those a new file of that size may be
 * (a rename). By size, so pairing stays linear when thousands of files go and come in one run.
 */
class GoneBySize {
  private readonly bySize = new Map<number, StoredDocument[]>();

  constructor(docs: Iterable<StoredDocument>) {
    for (const d of docs) {
      if (d.status !== 'ok' || d.hash === null) continue;
      const same = this.bySize.get(d.size);
      if (same) same.push(d);
      else this.bySize.set(d.size, [d]);
    }
  }

  /** The documents `file` may hold the content of. */
  candidates(file: ScannedFile): StoredDocument[] {
    return this.bySize.get(file.size) ?? [];
  }

  /** `doc` is accounted for (a file took it). */
  take(doc: StoredDocument): void {
    const same = this.bySize.get(doc.size);
    if (same) same.splice(same.indexOf(doc), 1);
  }
}

/** Watcher-reported paths: each is a file to (re)index, or a gone file/folder to remove. */
async function targetedWork(
  store: DocumentStore,
  folderId: number,
  root: string,
  relPaths: string[],
  ignore: string[],
  cut: PassageCut,
): Promise<Work[] | null> {
  if (
    !(await fs.stat(root).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return null;
  const stored = store.documentsOf(folderId);
  const matcher = createIgnoreMatcher(ignore);
  const work: Work[] = [];
  for (const relPath of new Set(relPaths)) {
    const absPath = path.join(root, ...relPath.split('/'));
    const st = await fs.stat(absPath).catch(() => null);
    const type = documentTypeOf(absPath);
    if (st?.isFile() && type && !matcher.ignores(relPath, false)) {
      const old = stored.get(relPath);
      const file: ScannedFile = {
        absPath,
        relPath,
        size: st.size,
        mtimeMs: st.mtimeMs,
        ext: path.extname(absPath).toLowerCase(),
        type,
      };
      if (old && unchanged(old, file, cut)) continue;
      work.push({ kind: 'index', folderId, existed: old !== undefined, file });
    } else if (!st) {
      const prefix = relPath === '' ? '' : `${relPath}/`;
      for (const doc of stored.values()) {
        if (doc.relPath === relPath || doc.relPath.startsWith(prefix)) work.push({ kind: 'remove', doc });
      }
    }
  }
  return work;
}

/**
 * A file gone and a file new in one run may be one file: renamed while the watcher ran (which
 * reports a rename as both), or moved from one of the library's folders into another. Paired
 * by content (a scan pairs a folder's own renames already), the document follows the file
 * instead of being removed and indexed again: its vectors embedded anew, the user's signals
 * about it dropped with it.
 */
async function followRenames(
  work: Work[],
  progress: ProgressTracker,
  signal: AbortSignal,
  cut: PassageCut,
  force: boolean,
): Promise<Work[]> {
  const gone = work.flatMap((w) => (w.kind === 'remove' ? [w.doc] : []));
  if (!gone.length) return work;
  const goneBySize = new GoneBySize(gone);
  const out: Work[] = [];
  const followed = new Set<StoredDocument>();
  for (const w of work) {
    if (w.kind !== 'index' || w.existed) {
      out.push(w);
      continue;
    }
    const candidates = goneBySize.candidates(w.file);
    const hash = candidates.length ? await hashFile(w.file.absPath, { signal }).catch(() => null) : null;
    const from = candidates.find((d) => d.hash === hash);
    if (!from) {
      out.push(w);
      continue;
    }
    goneBySize.take(from);
    followed.add(from);
    followRename(from, w.folderId, w.file, out, progress, cut, force);
  }
  return out.filter((w) => w.kind !== 'remove' || !followed.has(w.doc));
}

async function indexFiles(
  db: Db,
  store: DocumentStore,
  packs: PackSet,
  extractor: Extractor,
  kept: KeptVectors,
  work: Extract<Work, { kind: 'index' }>[],
  params: IngestJobParams,
  progress: ProgressTracker,
  signal: AbortSignal,
): Promise<void> {
  // Batches being embedded (in the pack's workers) and then written; this thread
  // meanwhile extracts the next files. Two in flight keep both sides busy.
  const inflight: Promise<void>[] = [];
  let failure: unknown = null;
  let batch: Prepared[] = [];
  let batchChunks = 0;
  const flush = async (): Promise<void> => {
    const ready = batch;
    batch = [];
    batchChunks = 0;
    while (inflight.length >= IN_FLIGHT) await inflight.shift();
    if (failure) throw failure;
    progress.embedding(ready.reduce((n, p) => n + (p.doc?.chunks.length ?? 0), 0));
    inflight.push(
      embedAndWrite(db, store, packs, kept, ready, progress).catch((e: unknown) => {
        failure ??= e;
      }),
    );
  };
  try {
    for (const { file, folderId, existed } of work) {
      if (signal.aborted || failure) break;
      progress.current(file.relPath, file.size);
      const prepared = await prepare(db, extractor, file, folderId, existed, params, signal, (done, total) =>
        progress.pageRead(done, total),
      ).catch((e: unknown) => {
        // Cancelled while this file was being read: it is left for the next run.
        if (signal.aborted) return null;
        throw e;
      });
      if (signal.aborted || !prepared) break;
      batch.push(prepared);
      batchChunks += prepared.doc?.chunks.length ?? 0;
      if (batchChunks >= BATCH_CHUNKS || batch.length >= BATCH_FILES) await flush();
    }
    if (batch.length && !signal.aborted && !failure) await flush();
  } finally {
    await Promise.all(inflight);
  }
  if (failure) throw failure;
}

async function prepare(
  db: Db,
  extractor: Extractor,
  file: ScannedFile,
  folderId: number,
  existed: boolean,
  params: IngestJobParams,
  signal: AbortSignal,
  onPage: (done: number, total: number) => void,
): Promise<Prepared> {
  const base = {
    folderId,
    relPath: file.relPath,
    size: file.size,
    mtimeMs: file.mtimeMs,
    absPath: file.absPath,
    reader: readerKey(file.type, params.chunk),
  };
  const marked = marksWhileReading(file);
  const deaths = marked ? deathsWhileReading(db, base) : 0;
  if (deaths >= MAX_DEATHS_WHILE_READING) {
    clearReading(db, base);
    return {
      file: base,
      existed,
      error: `indexing stopped ${deaths} times while reading this file (out of memory, or a crash); it is skipped until it changes`,
    };
  }
  // Committed before reading: if the whole process dies under this file, the next run knows which one.
  if (marked) markReading(db, base, deaths);
  let outcome: ExtractOutcome;
  try {
    outcome = await extractor.extract(file.absPath, file.type, signal, onPage);
  } finally {
    if (marked) clearReading(db, base);
  }
  if ('failure' in outcome) return { file: base, existed, error: outcome.failure };
  const doc = outcome.doc;
  try {
    const chunks = chunkDocument(doc, {
      targetChars: params.chunk.targetChars,
      overlapChars: params.chunk.overlapChars,
    });
    if (!chunks.length) return { file: base, existed, error: 'no text to index' };
    const passages: string[] = [];
    const rows: ChunkRow[] = chunks.map((c) => {
      const passage = passageText(doc.title, c.headingPath, c.text);
      passages.push(passage);
      return {
        ord: c.ord,
        start: c.start,
        end: c.end,
        headingPath: c.headingPath,
        page: c.page,
        line: c.line,
        text: c.text,
        fts: indexColumns(passage),
        passageHash: passageHash(passage),
      };
    });
    return {
      file: { ...base, size: doc.bytes },
      existed,
      doc: {
        ...base,
        size: doc.bytes,
        hash: doc.contentHash,
        type: doc.type,
        title: doc.title,
        encoding: doc.encoding,
        chunks: rows,
        passages,
      },
    };
  } catch (e) {
    if (signal.aborted) throw e;
    return { file: base, existed, error: describeError(e) };
  }
}

async function embedAndWrite(
  db: Db,
  store: DocumentStore,
  packs: PackSet,
  kept: KeptVectors,
  batch: Prepared[],
  progress: ProgressTracker,
): Promise<void> {
  const docs = batch.filter((p) => p.doc).map((p) => p.doc!);
  const texts = docs.flatMap((d) => d.passages);
  // A chunk with the same passage text: the file's own before (found by text, also in a library
  // from before passage hashes), else one anywhere in the library (a copy of a file).
  const before: (number | undefined)[] = [];
  for (const p of batch) {
    if (!p.doc) continue;
    const previous = p.existed ? kept.passagesOf(p.doc.folderId, p.doc.relPath) : null;
    p.doc.passages.forEach((passage, i) =>
      before.push(previous?.get(passage) ?? kept.elsewhere(passage, p.doc!.chunks[i].passageHash!)),
    );
  }
  // Progress inside the batch, from the first vector set's embedding (retries do not count twice).
  const batchBytes = batch.reduce((n, p) => n + p.file.size, 0);
  let reportedPassages = 0;
  let creditedBytes = 0;
  const onEmbedded = (done: number): void => {
    if (done <= reportedPassages) return;
    const bytes = Math.floor((batchBytes * done) / texts.length);
    progress.embedded(done - reportedPassages, bytes - creditedBytes, fileEmbedding(docs, done));
    reportedPassages = done;
    creditedBytes = bytes;
  };
  let keptPassages = 0;
  for (let attempt = 0; ; attempt++) {
    const sets = listVectorSets(db);
    const embedders = await packs.embeddersFor(sets);
    const vectors = new Map<number, Float32Array>();
    let first = true;
    for (const [setId, pack] of embedders) {
      const set = sets.find((s) => s.id === setId)!;
      const all = new Float32Array(texts.length * set.dim);
      const missing: number[] = [];
      for (let i = 0; i < texts.length; i++) {
        const vector =
          (before[i] === undefined ? null : kept.vector(set, before[i]!)) ??
          kept.removedVector(texts[i], set);
        if (vector) all.set(vector, i * set.dim);
        else missing.push(i);
      }
      const reused = texts.length - missing.length;
      if (first) {
        keptPassages = reused;
        if (reused) onEmbedded(reused);
      }
      const fresh = await embedInSlices(
        pack,
        missing.map((i) => texts[i]),
        first ? (done) => onEmbedded(reused + done) : undefined,
      );
      missing.forEach((i, j) => all.set(fresh.subarray(j * set.dim, (j + 1) * set.dim), i * set.dim));
      vectors.set(setId, all);
      first = false;
    }
    try {
      db.transaction(() => {
        const sets = listVectorSets(db);
        let row = 0;
        for (const p of batch) {
          if (!p.doc) {
            store.writeFailure(p.file, p.error ?? 'unknown error', sets);
            continue;
          }
          const n = p.doc.chunks.length;
          const own = new Map<number, Float32Array>();
          for (const [setId, all] of vectors) {
            const dim = all.length / texts.length;
            own.set(setId, all.subarray(row * dim, (row + n) * dim));
          }
          store.write({ ...p.doc, vectors: own }, sets);
          row += n;
        }
      }).immediate();
      break;
    } catch (e) {
      if (!(e instanceof VectorSetChangedError) || attempt >= 2) throw e;
    }
  }
  progress.kept(keptPassages);
  progress.settled(
    creditedBytes,
    docs.map((d) => d.relPath),
  );
  for (const p of batch) {
    if (p.doc) progress.indexed(p.file.size, p.doc.chunks.length, p.existed);
    else progress.failed(p.file.size);
  }
}

/**
 * The file of a batch whose passages are being embedded once `done` of the
 * batch's passages are: how many of its own are done. Only for a file larger
 * than one slice (the others are embedded in one step, with nothing to show).
 */
function fileEmbedding(
  docs: readonly { relPath: string; passages: string[] }[],
  done: number,
): { file: string; done: number; total: number } | null {
  let start = 0;
  for (const d of docs) {
    const total = d.passages.length;
    // The file of the last passage embedded.
    if (done <= start + total)
      return total > EMBED_SLICE ? { file: d.relPath, done: done - start, total } : null;
    start += total;
  }
  return null;
}

/**
 * Embeds `texts`, a large batch (a large file's passages) in slices of
 * EMBED_SLICE so that progress can be reported inside it; each slice is still
 * spread over all of the pack's workers.
 */
async function embedInSlices(
  pack: { embedAnswers(texts: string[]): Promise<Float32Array> },
  texts: string[],
  onEmbedded?: (done: number) => void,
): Promise<Float32Array> {
  if (texts.length === 0) return new Float32Array(0);
  if (texts.length <= EMBED_SLICE) {
    const vectors = await pack.embedAnswers(texts);
    onEmbedded?.(texts.length);
    return vectors;
  }
  const parts: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += EMBED_SLICE) {
    parts.push(await pack.embedAnswers(texts.slice(start, start + EMBED_SLICE)));
    onEmbedded?.(Math.min(texts.length, start + EMBED_SLICE));
  }
  const out = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

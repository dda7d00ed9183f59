import type { IngestProgress, IngestSummary } from './types.js';

/** Progress events at most this often (phase changes and the end are always sent). */
const EMIT_INTERVAL_MS = 100;
/** A file this large, or a batch of this many passages, is announced at once (its step takes visible time). */
const LARGE_FILE_BYTES = 1024 * 1024;
const LARGE_BATCH_PASSAGES = 500;
/** A PDF of this many pages reports its reading in about PAGE_STEPS steps, each sent at once. */
const LARGE_PDF_PAGES = 20;
const PAGE_STEPS = 20;

/** A run that has not started: nothing counted yet. */
export function initialProgress(phase: IngestProgress['phase']): IngestProgress {
  return {
    phase,
    filesTotal: 0,
    filesDone: 0,
    filesSkipped: 0,
    filesFailed: 0,
    chunks: 0,
    bytesDone: 0,
    bytesTotal: 0,
    currentFile: null,
    currentFileBytes: 0,
    step: null,
    passagesPending: 0,
    pagesRead: null,
    passagesEmbedded: null,
    etaSeconds: null,
    elapsedMs: 0,
  };
}

/** Counts one indexing run and reports IngestProgress at a sensible rate. */
export class ProgressTracker {
  private readonly startedAt = Date.now();
  private lastEmit = 0;
  private readonly p: IngestProgress = initialProgress('scanning');
  /** Bytes of files whose passages are partly embedded (credited before the files are written). */
  private partialBytes = 0;
  private added = 0;
  private updated = 0;
  private removedCount = 0;
  private renamedCount = 0;
  private keptCount = 0;

  constructor(private readonly onProgress: (p: IngestProgress) => void) {}

  snapshot(): IngestProgress {
    const elapsedMs = Date.now() - this.startedAt;
    // Files partly embedded count for what is done of them.
    const bytesDone = this.p.bytesDone + Math.max(0, this.partialBytes);
    const rate = bytesDone / Math.max(elapsedMs, 1);
    const eta =
      this.p.phase === 'indexing' && bytesDone > 0 ? (this.p.bytesTotal - bytesDone) / rate / 1000 : null;
    return {
      ...this.p,
      bytesDone,
      elapsedMs,
      etaSeconds: eta === null ? null : Math.max(0, Math.round(eta)),
    };
  }

  private emit(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastEmit < EMIT_INTERVAL_MS) return;
    this.lastEmit = now;
    this.onProgress(this.snapshot());
  }

  phase(phase: IngestProgress['phase']): void {
    this.p.phase = phase;
    this.emit(true);
  }

  scanned(): void {
    this.p.filesTotal++;
    this.emit();
  }

  skipped(): void {
    this.p.filesSkipped++;
    this.p.filesDone++;
    this.emit();
  }

  /**
   * A file that failed before and has not changed: still not indexed, so it
   * counts as failed (not unchanged), and the run's failed count is the number
   * of failed files `status` shows for the folders it scanned.
   */
  stillFailed(): void {
    this.p.filesFailed++;
    this.p.filesDone++;
    this.emit();
  }

  /** Something the scan found but could not index (a folder or link it cannot enter, a name that is not UTF-8): recorded as a failed entry, counted as one. */
  scanFailure(): void {
    this.p.filesTotal++;
    this.p.filesFailed++;
    this.p.filesDone++;
    this.emit();
  }

  renamed(): void {
    this.renamedCount++;
    this.p.filesDone++;
    this.emit();
  }

  removed(n: number): void {
    this.removedCount += n;
  }

  /** The files this run will read, and their bytes (for the ETA). */
  plan(files: number, bytes: number): void {
    this.p.bytesTotal = bytes;
    // Targeted runs (watcher) have no scan: their total is what they index.
    if (this.p.filesTotal < this.p.filesDone + files) this.p.filesTotal = this.p.filesDone + files;
    this.emit(true);
  }

  /** Reading this file's text now (sent at once when the file is large: it may take a while). */
  current(relPath: string, bytes = 0): void {
    this.p.currentFile = relPath;
    this.p.currentFileBytes = bytes;
    this.p.step = 'extracting';
    this.p.pagesRead = null;
    this.emit(bytes >= LARGE_FILE_BYTES);
  }

  /**
   * `done` of the current PDF's `total` pages are read. A long PDF's steps
   * (every twentieth of it, and its last page) are sent at once, so its
   * reading is seen to move however fast it goes; other pages at the usual rate.
   */
  pageRead(done: number, total: number): void {
    this.p.pagesRead = { done, total };
    const step = Math.ceil(total / PAGE_STEPS);
    this.emit(total >= LARGE_PDF_PAGES && (done === total || done % step === 0));
  }

  /** `passages` were read and went to the towers; sent at once when they are many. */
  embedding(passages: number): void {
    this.p.passagesPending += passages;
    this.p.step = 'embedding';
    this.emit(passages >= LARGE_BATCH_PASSAGES);
  }

  /**
   * `passages` more of a batch were embedded, worth `bytes` of its files: the
   * bar moves inside a large file instead of jumping when the file is written.
   * Sent at once when the step was large.
   */
  embedded(
    passages: number,
    bytes: number,
    file: { file: string; done: number; total: number } | null = null,
  ): void {
    this.p.passagesPending = Math.max(0, this.p.passagesPending - passages);
    this.partialBytes += bytes;
    if (file) this.p.passagesEmbedded = file;
    this.emit(passages >= LARGE_BATCH_PASSAGES);
  }

  /**
   * A batch is written: its partial credit gives way to its files' whole bytes
   * (indexed/failed), and the file it was embedding is no longer shown.
   */
  settled(bytes: number, files: readonly string[] = []): void {
    this.partialBytes -= bytes;
    if (this.p.passagesEmbedded && files.includes(this.p.passagesEmbedded.file))
      this.p.passagesEmbedded = null;
  }

  /** `passages` of the files read again had the same text as before and kept their vectors. */
  kept(passages: number): void {
    this.keptCount += passages;
  }

  indexed(bytes: number, chunks: number, existed: boolean): void {
    if (existed) this.updated++;
    else this.added++;
    this.p.filesDone++;
    this.p.chunks += chunks;
    this.p.bytesDone += bytes;
    this.emit();
  }

  failed(bytes: number): void {
    this.p.filesFailed++;
    this.p.filesDone++;
    this.p.bytesDone += bytes;
    this.emit();
  }

  summary(phase: 'done' | 'cancelled'): IngestSummary {
    this.p.phase = phase;
    this.p.currentFile = null;
    this.p.currentFileBytes = 0;
    this.p.step = null;
    this.p.passagesPending = 0;
    this.p.pagesRead = null;
    this.p.passagesEmbedded = null;
    this.partialBytes = 0;
    const s: IngestSummary = {
      ...this.snapshot(),
      etaSeconds: 0,
      filesAdded: this.added,
      filesUpdated: this.updated + this.renamedCount,
      filesRemoved: this.removedCount,
      passagesKept: this.keptCount,
    };
    this.onProgress(s);
    return s;
  }
}

import type { IngestProgress, IngestSummary } from './types.js';

/** Progress events at most this often (phase changes and the end are always sent). */
const EMIT_INTERVAL_MS = 100;

/** Counts one indexing run and reports IngestProgress at a sensible rate. */
export class ProgressTracker {
  private readonly startedAt = Date.now();
  private lastEmit = 0;
  private readonly p: IngestProgress = {
    phase: 'scanning',
    filesTotal: 0,
    filesDone: 0,
    filesSkipped: 0,
    filesFailed: 0,
    chunks: 0,
    bytesDone: 0,
    bytesTotal: 0,
    currentFile: null,
    etaSeconds: null,
    elapsedMs: 0,
  };
  private added = 0;
  private updated = 0;
  private removedCount = 0;
  private renamedCount = 0;

  constructor(private readonly onProgress: (p: IngestProgress) => void) {}

  snapshot(): IngestProgress {
    const elapsedMs = Date.now() - this.startedAt;
    const rate = this.p.bytesDone / Math.max(elapsedMs, 1);
    const eta =
      this.p.phase === 'indexing' && this.p.bytesDone > 0
        ? (this.p.bytesTotal - this.p.bytesDone) / rate / 1000
        : null;
    return { ...this.p, elapsedMs, etaSeconds: eta === null ? null : Math.max(0, Math.round(eta)) };
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

  /** A folder or link the scan could not enter: recorded as a failed entry, counted as one. */
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

  current(relPath: string): void {
    this.p.currentFile = relPath;
    this.emit();
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
    const s: IngestSummary = {
      ...this.snapshot(),
      etaSeconds: 0,
      filesAdded: this.added,
      filesUpdated: this.updated + this.renamedCount,
      filesRemoved: this.removedCount,
    };
    this.onProgress(s);
    return s;
  }
}

import type { IngestProgress } from '../engine/library/types.js';
import { printable } from './terminalText.js';
import { counted } from './counted.js';

const BAR_WIDTH = 24;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One status line for an indexing run (files, passages, rate, ETA, current file). */
export function describeProgress(p: IngestProgress, width = 100): string {
  const fraction =
    p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.filesTotal > 0 ? p.filesDone / p.filesTotal : 0;
  const filled = Math.round(Math.min(1, fraction) * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const rate = p.elapsedMs > 0 ? (p.bytesDone / p.elapsedMs) * 1000 : 0;
  const parts = [
    p.phase === 'indexing' ? `${bar} ${Math.floor(fraction * 100)}%` : p.phase,
    `${p.filesDone}/${p.filesTotal} files`,
    counted(p.chunks, 'passage'),
  ];
  if (p.filesFailed) parts.push(`${p.filesFailed} failed`);
  if (p.phase === 'indexing' && rate > 0) parts.push(`${formatBytes(rate)}/s`);
  if (p.etaSeconds !== null && p.phase === 'indexing') parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  let line = parts.join(' · ');
  if (p.currentFile) line += ` · ${printable(p.currentFile)}`;
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** Redraws one line on a TTY (stderr); prints nothing elsewhere. */
export class ProgressLine {
  private readonly tty: boolean;
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  update(text: string): void {
    if (!this.tty) return;
    const width = Math.max(20, (this.stream.columns ?? 100) - 1);
    this.stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}

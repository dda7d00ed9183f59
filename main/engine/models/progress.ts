/** Download progress as the CLI and the UI show it. */
export interface DownloadProgress {
  /** Hub path of the file being fetched. */
  file: string;
  fileIndex: number;
  files: number;
  /** Bytes on disk for the whole pack so far (resumed parts included). */
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second over the last few seconds of this session (resumed bytes don't count). */
  bytesPerSecond: number;
  /** Seconds left at that rate; null until there is one. */
  etaSeconds: number | null;
}

/**
 * Rate over a sliding window, so a stall shows at once and a resumed
 * download does not report its already-present bytes as speed.
 */
export class RateMeter {
  private readonly samples: { t: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 3000) {}

  /** Record the running count of bytes transferred in this session. */
  add(transferred: number, now = performance.now()): void {
    this.samples.push({ t: now, bytes: transferred });
    while (this.samples.length > 2 && now - this.samples[0].t > this.windowMs) this.samples.shift();
  }

  rate(): number {
    if (this.samples.length < 2) return 0;
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    const dt = (b.t - a.t) / 1000;
    return dt > 0 ? (b.bytes - a.bytes) / dt : 0;
  }
}

export function etaSeconds(remaining: number, rate: number): number | null {
  return rate > 0 ? Math.ceil(remaining / rate) : null;
}

const MiB = 1048576;

/** One status line: `45.2%  53.4/118.3 MiB  5.1 MiB/s  ETA 0:13  onnx/model_quantized.onnx`. */
export function formatProgress(p: DownloadProgress): string {
  const pct = p.bytesTotal > 0 ? ((100 * p.bytesDone) / p.bytesTotal).toFixed(1).padStart(5) : '  ?  ';
  const eta =
    p.etaSeconds === null
      ? '--:--'
      : `${Math.floor(p.etaSeconds / 60)}:${String(p.etaSeconds % 60).padStart(2, '0')}`;
  return `${pct}%  ${(p.bytesDone / MiB).toFixed(1)}/${(p.bytesTotal / MiB).toFixed(1)} MiB  ${(p.bytesPerSecond / MiB).toFixed(1)} MiB/s  ETA ${eta}  ${p.file}`;
}

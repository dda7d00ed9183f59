import type { Results } from './results.js';

export interface TortureSettings {
  /** Files in the many-tiny-files case. */
  tinyFiles: number;
  /** What the `<w:p>` DOCX bomb inflates to. */
  bombMiB: number;
  /** kill -9s in the crash loop. */
  kills: number;
  /** File operations in the watch burst. */
  burstOps: number;
}

/** What each phase gets: where to record verdicts, a scratch folder, and its share of the time. */
export interface PhaseContext {
  results: Results;
  /** A fresh folder for this phase. */
  tmp: string;
  settings: TortureSettings;
  log(line: string): void;
  /** `fraction` of this phase's time budget, in ms (for one step's timeout). */
  budgetMs(fraction: number): number;
  /** ms left before this phase's budget is spent. */
  remainingMs(): number;
}

export type Phase = (ctx: PhaseContext) => Promise<void>;

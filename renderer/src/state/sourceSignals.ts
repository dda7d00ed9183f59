import { useSyncExternalStore } from 'react';
import type { AskResult, SearchResult } from '../../../main/api/contract.js';

/** What the user says outright of a source: "this answered it" or "not this". */
export type Verdict = 'good' | 'bad';
/** What the user did with a source, a weaker hint that it answered. */
export type ImplicitSignal = 'open' | 'preview' | 'copy';

/** Where a passage was shown: the logged answer, and its 1-based place among that answer's results. */
export interface ShownAt {
  answerId: number;
  rank: number;
  /** What the library says was said of it before (a conversation read back after a reload). */
  saved?: Verdict;
}

/** The place of `result` in `answer`; null when the answer was not logged (nothing can be said of it). */
export function shownAt(
  answer: Pick<AskResult, 'answerId' | 'results' | 'verdicts'>,
  result: SearchResult,
): ShownAt | null {
  if (answer.answerId === undefined) return null;
  const index = answer.results.indexOf(result);
  if (index < 0) return null;
  const saved = answer.verdicts?.[index + 1];
  return { answerId: answer.answerId, rank: index + 1, ...(saved ? { saved } : {}) };
}

const keyOf = (at: ShownAt): string => `${at.answerId}:${at.rank}`;

/**
 * What the user said in this window, per shown passage: the library keeps the
 * signals but not which button was pressed, so the verdicts are remembered here
 * (across switching views) to show the buttons' state; and the implicit signals
 * already sent, so each is sent once per passage of an answer.
 */
export class SignalLedger {
  private verdicts = new Map<string, Verdict>();
  /** Signals were erased in this window: what conversations said before no longer counts. */
  private erased = false;
  private readonly sent = new Set<string>();
  private readonly listeners = new Set<() => void>();

  verdict(at: ShownAt): Verdict | undefined {
    return this.verdicts.get(keyOf(at)) ?? (this.erased ? undefined : at.saved);
  }

  setVerdict(at: ShownAt, verdict: Verdict): void {
    // A new map, so the snapshot changes and React re-renders the cards.
    this.verdicts = new Map(this.verdicts).set(keyOf(at), verdict);
    this.listeners.forEach((l) => l());
  }

  /** True only the first time `signal` is asked for this passage of this answer. */
  firstTime(at: ShownAt, signal: ImplicitSignal): boolean {
    const key = `${keyOf(at)}:${signal}`;
    if (this.sent.has(key)) return false;
    this.sent.add(key);
    return true;
  }

  /** After the signals were erased: nothing said is left to show. */
  forget(): void {
    this.erased = true;
    this.verdicts = new Map();
    this.sent.clear();
    this.listeners.forEach((l) => l());
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): ReadonlyMap<string, Verdict> => this.verdicts;
}

export const signalLedger = new SignalLedger();

/** The verdict given to the passage at `at` in this window, re-rendering when one is given. */
export function useVerdict(at: ShownAt | null): Verdict | undefined {
  useSyncExternalStore(signalLedger.subscribe, signalLedger.snapshot);
  return at ? signalLedger.verdict(at) : undefined;
}

import { describe, expect, it } from 'vitest';
import type { LearningState, SearchResult } from '../../main/api/contract.js';
import { translator } from '../../renderer/src/i18n/translate.js';
import { learningRunReport } from '../helpers/learningRunReport.js';
import {
  heldBackText,
  lastRunText,
  learnedPartsText,
  signalsByKindText,
} from '../../renderer/src/learningText.js';
import { shownAt, SignalLedger } from '../../renderer/src/state/sourceSignals.js';

type Run = NonNullable<LearningState['lastRun']>;
const en = translator('en');
const zh = translator('zh');

const run = (over: Partial<Run>): Run => ({
  ...learningRunReport(over),
  at: over.at ?? '2026-12-03T10:00:00.000Z',
});

describe('Settings → Learning texts', () => {
  it('give the held-back figures before → after, and none for a run that judged nothing', () => {
    expect(heldBackText(run({}), en, 'en')).toBe(
      'On 20 held-back questions: hit@1 0.450 → 0.600 · MRR 0.563 → 0.700',
    );
    expect(heldBackText(run({ outcome: 'too-few', before: null, after: null, heldBack: 0 }), en, 'en')).toBe(
      null,
    );
    expect(heldBackText(run({}), zh, 'zh')).toMatch(/^在 20 个留出的问题上：hit@1 0\.450 → 0\.600/);
  });

  it('say what the last run did, and how many questions it still needs', () => {
    expect(lastRunText(null, 20, en, 'en')).toBe('None yet: learning starts after a few signals.');
    expect(lastRunText(run({}), 20, en, 'en')).toMatch(/: the new model did better .* and is in use\.$/);
    expect(lastRunText(run({ outcome: 'kept' }), 20, en, 'en')).toMatch(/the one in use was kept\.$/);
    const needs = lastRunText(run({ outcome: 'too-few', questions: 7 }), 20, en, 'en');
    expect(needs).toMatch(/needs more — at least 40 questions with a chosen passage \(7 so far\)\.$/);
    expect(lastRunText(run({ outcome: 'too-few', questions: 7 }), 20, zh, 'zh')).toMatch(
      /至少 40 个选定了段落的问题（目前 7 个）/,
    );
  });

  it('name what a learned model changes, and nothing for a run that chose nothing', () => {
    const chosen = {
      adapter: true,
      denseWeight: 0.15,
      memoryWeight: 0,
      memoryThreshold: 1,
      popularityWeight: 0,
      fieldWeight: 0,
      rankerTrees: 30,
    };
    expect(learnedPartsText(run({ chosen }), en, 'en')).toBe(
      'It changes: how questions are read (the question side) · 30 trees added to the ranking',
    );
    expect(
      learnedPartsText(
        run({ chosen: { ...chosen, adapter: false, rankerTrees: 0, popularityWeight: 0.15 } }),
        zh,
        'zh',
      ),
    ).toBe('它改变了：常被选定的段落会加分');
    expect(learnedPartsText(run({ chosen: { ...chosen, adapter: false, rankerTrees: 0 } }), en, 'en')).toBe(
      null,
    );
    expect(learnedPartsText(run({}), en, 'en')).toBe(null);
  });

  it('count the signals by kind in the order the cards offer them', () => {
    const byKind = { good: 3, bad: 1, open: 0, preview: 12, copy: 1 };
    expect(signalsByKindText(byKind, en, 'en')).toBe(
      'answered it 3 · not this 1 · opened 0 · previewed 12 · copied 1',
    );
  });
});

describe('signals from the source cards', () => {
  const result = (chunkId: number) => ({ chunkId }) as SearchResult;
  const results = [result(7), result(3), result(9)];

  it('name a source by its answer and 1-based rank, and nothing for an answer that was not logged', () => {
    expect(shownAt({ answerId: 5, results }, results[1]!)).toEqual({ answerId: 5, rank: 2 });
    expect(shownAt({ results }, results[1]!)).toBe(null);
    // The same passage in another answer's results is another source.
    expect(shownAt({ answerId: 5, results }, result(3))).toBe(null);
  });

  it('send each weaker signal once per source of an answer, and again after the signals were erased', () => {
    const ledger = new SignalLedger();
    const at = { answerId: 5, rank: 2 };
    expect(ledger.firstTime(at, 'copy')).toBe(true);
    expect(ledger.firstTime(at, 'copy')).toBe(false);
    expect(ledger.firstTime(at, 'open')).toBe(true);
    expect(ledger.firstTime({ answerId: 5, rank: 3 }, 'copy')).toBe(true);
    expect(ledger.firstTime({ answerId: 6, rank: 2 }, 'copy')).toBe(true);
    ledger.forget();
    expect(ledger.firstTime(at, 'copy')).toBe(true);
  });

  it('remember the verdict given to a source, telling those who listen', () => {
    const ledger = new SignalLedger();
    const at = { answerId: 5, rank: 1 };
    let calls = 0;
    const stop = ledger.subscribe(() => calls++);
    const before = ledger.snapshot();
    ledger.setVerdict(at, 'good');
    expect(ledger.verdict(at)).toBe('good');
    expect(ledger.snapshot()).not.toBe(before); // a new snapshot: React re-renders
    ledger.setVerdict(at, 'bad');
    expect(ledger.verdict(at)).toBe('bad');
    expect(ledger.verdict({ answerId: 5, rank: 2 })).toBe(undefined);
    ledger.forget();
    expect(ledger.verdict(at)).toBe(undefined);
    stop();
    ledger.setVerdict(at, 'good');
    expect(calls).toBe(3);
  });
});

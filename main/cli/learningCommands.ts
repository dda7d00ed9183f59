import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../engine/errors.js';
import { LEARN_AFTER_SIGNALS } from '../engine/feedback/learning.js';
import type { Library } from '../engine/library/library.js';
import type { HeldBackFigures, LearningRunReport, LearningState } from '../engine/vocabulary/shapes.js';
import { SIGNAL_KINDS, type SignalKind } from '../engine/vocabulary/values.js';
import { openLibrary, type LibraryCliOptions } from './libraryCommands.js';
import { safe } from './terminalText.js';

/** The options commander parses for `docqa learning …` (commands/learning.ts declares them). */
export interface LearningCliOptions extends LibraryCliOptions {
  out?: string;
  yes?: boolean;
}

export const LEARNING_ACTIONS = ['status', 'export', 'erase', 'restore', 'pause', 'resume', 'learn'] as const;
export type LearningAction = (typeof LEARNING_ACTIONS)[number];

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** What a signal says of its passage, for the line that confirms it. */
const SIGNAL_WORDS: Record<SignalKind, string> = {
  good: 'answered it',
  bad: 'did not answer it',
  open: 'was opened',
  preview: 'was previewed',
  copy: 'was copied',
};

function wholeNumber(value: string, name: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UserError(`the ${name} must be a whole number from 1 (got "${value}")`, name);
  return n;
}

function signalKind(value: string): SignalKind {
  if (!(SIGNAL_KINDS as readonly string[]).includes(value))
    throw new UserError(`the signal must be one of ${SIGNAL_KINDS.join(', ')} (got "${value}")`, value);
  return value as SignalKind;
}

const figures = (f: HeldBackFigures | null): string =>
  f ? `hit@1 ${f.hit1.toFixed(3)}, MRR ${f.mrr.toFixed(3)}` : '–';

/** What a learned model changes: "question-side adapter, 30 ranking trees, …" ('' when nothing). */
export function learnedParts(r: LearningRunReport): string {
  const c = r.chosen;
  if (!c) return '';
  return [
    c.adapter ? 'question-side adapter' : '',
    c.rankerTrees ? `${c.rankerTrees} trees added to the pack's ranker` : '',
    c.memoryWeight > 0 ? 'similar-question memory' : '',
    c.popularityWeight > 0 || c.fieldWeight > 0 ? 'often-chosen passages' : '',
  ]
    .filter(Boolean)
    .join(', ');
}

function beforeAfter(r: LearningRunReport): string {
  if (!r.before || !r.after) return '';
  return `hit@1 ${r.before.hit1.toFixed(3)} → ${r.after.hit1.toFixed(3)}, MRR ${r.before.mrr.toFixed(3)} → ${r.after.mrr.toFixed(3)}`;
}

/**
 * A learning run's outcome in one sentence. "Too few": a new model is judged on at least
 * `minHeldBack` held-back questions and learns from as many, so it needs twice that many
 * questions with a chosen passage (more when some were asked twice).
 */
export function runOutcome(r: LearningRunReport, minHeldBack: number): string {
  switch (r.outcome) {
    case 'too-few': {
      const more = Math.max(1, 2 * minHeldBack - r.questions);
      return `too few signals yet: needs ${more} more question(s) with a chosen passage (${r.questions} so far; ${minHeldBack} are held back to check a new model)`;
    }
    case 'activated':
      return `the new model is active: better on ${r.heldBack} held-back questions (${beforeAfter(r)})`;
    case 'kept':
      return `the model in use is kept: the new one was not better on ${r.heldBack} held-back questions (${beforeAfter(r)})`;
  }
}

const NO_VECTORS =
  'nothing to learn: the library has no passage vectors (BM25 only); signals still bring a chosen passage first when its question is asked again';

function stateLines(s: LearningState): string[] {
  const lines: string[] = [];
  const on = s.enabled ? 'on' : 'paused (docqa learning resume turns it on)';
  lines.push(`Learning   ${on}${s.learning ? ', learning now' : ''}`);
  const kinds = SIGNAL_KINDS.filter((k) => s.signalsByKind[k] > 0)
    .map((k) => `${s.signalsByKind[k]} ${k}`)
    .join(', ');
  lines.push(
    `Signals    ${s.signals}${kinds ? ` (${kinds})` : ''} on ${s.questions} answer(s); ${s.pending} since the last learning run`,
  );
  if (s.model) {
    const r = s.model.report;
    lines.push(
      `Model      learned model ${s.model.id}, active since ${s.model.changedAt} (signals through #${s.model.throughSignal})`,
    );
    const parts = learnedParts(r);
    if (parts) lines.push(`           it changes: ${parts}`);
    lines.push(`           held back (${r.heldBack} questions): ${beforeAfter(r) || figures(r.after)}`);
  } else {
    lines.push("Model      the pack's own question tower and ranking (no learned model is active)");
  }
  if (s.lastRun) lines.push(`Last run   ${s.lastRun.at}: ${runOutcome(s.lastRun, s.minHeldBack)}`);
  if (s.canRestorePrevious)
    lines.push('Restore    docqa learning restore goes back to the model before this one');
  return lines;
}

/**
 * `docqa feedback <answer-id> <rank> <signal>`. The command's process ends right after, so
 * the learning run a signal may start in the background would die with it: when one is due
 * (learning on, enough new signals) it runs here to its end and its outcome is printed.
 */
export async function runFeedbackCommand(
  answerIdText: string,
  rankText: string,
  signalText: string,
  options: LibraryCliOptions,
): Promise<void> {
  const answerId = wholeNumber(answerIdText, 'answer id');
  const rank = wholeNumber(rankText, 'rank');
  const signal = signalKind(signalText);
  const lib = await openLibrary(options, true);
  try {
    // Read first (it also opens the pack): a learning run falls due at this signal when it is
    // the LEARN_AFTER_SIGNALS-th new one. Run here at once, it is the run the signal starts in
    // the background (one run at a time: the later caller joins the running one).
    const before = await lib.learningState();
    const due = before.enabled && before.pending + 1 >= LEARN_AFTER_SIGNALS;
    const { signalId } = await lib.feedback(answerId, rank, signal);
    const ran = due ? { report: await lib.learnNow() } : null;
    const state = await lib.learningState();
    if (options.json) {
      out(JSON.stringify({ signalId, answerId, rank, signal, learned: ran?.report ?? null, state }));
      return;
    }
    out(`Recorded: passage ${rank} of answer ${answerId} ${SIGNAL_WORDS[signal]} (signal ${signalId}).`);
    if (ran) out(`Learning: ${ran.report ? runOutcome(ran.report, state.minHeldBack) : NO_VECTORS}`);
    else if (!state.enabled)
      out('Learning is paused: the signal is kept (docqa learning resume learns from it).');
    else
      out(
        `Learning runs after ${LEARN_AFTER_SIGNALS} new signals (${state.pending} so far); docqa learning shows what was learned.`,
      );
  } finally {
    await lib.close();
  }
}

/** `--out FILE`: the folder must exist, and a failed write is one line naming the file. */
function writeExport(file: string, text: string): string {
  const absolute = path.resolve(file);
  const folder = path.dirname(absolute);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw new UserError(`folder not found: ${folder} (for --out ${file})`, file);
  try {
    writeFileSync(absolute, text);
  } catch (e) {
    throw new UserError(
      `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      file,
    );
  }
  return absolute;
}

async function learningAction(
  action: LearningAction,
  lib: Library,
  options: LearningCliOptions,
): Promise<void> {
  const print = (json: unknown, lines: string[]): void => {
    if (options.json) out(JSON.stringify(json));
    else for (const l of lines) out(l);
  };
  switch (action) {
    case 'status': {
      const state = await lib.learningState();
      return print(state, stateLines(state));
    }
    case 'export': {
      const text = await lib.exportSignals();
      const count = text ? text.split('\n').length - 1 : 0;
      if (options.out === undefined) {
        // The JSON Lines themselves are the output, with or without --json.
        process.stdout.write(text);
        return;
      }
      const file = writeExport(options.out, text);
      return print({ out: file, signals: count }, [safe`Wrote ${count} signal(s) to ${file}`]);
    }
    case 'erase': {
      const before = await lib.learningState();
      const state = await lib.eraseSignals();
      return print({ erased: before.signals, state }, [
        `Erased ${before.signals} signal(s) on ${before.questions} answer(s), the answers log and every learned model: search is as before learning.`,
      ]);
    }
    case 'restore': {
      const state = await lib.restorePreviousModel();
      const now = state.model
        ? `learned model ${state.model.id} (from ${state.model.changedAt}) is active again`
        : "the pack's own question tower and ranking are in use again";
      return print(state, [`Restored: ${now}.`]);
    }
    case 'pause':
    case 'resume': {
      const settings = await lib.updateSettings({ learning: action === 'resume' });
      return print({ enabled: settings.learning }, [
        settings.learning
          ? 'Learning is on: a run starts after a few new signals.'
          : 'Learning is paused: signals are still kept, and the model in use stays as it is.',
      ]);
    }
    case 'learn': {
      if (!(await lib.getSettings()).learning)
        throw new UserError('learning is paused: docqa learning resume turns it on', 'learning');
      const report = await lib.learnNow();
      const state = await lib.learningState();
      return print({ report, state }, [
        report
          ? `Learned from ${state.signals} signal(s): ${runOutcome(report, state.minHeldBack)}`
          : NO_VECTORS,
      ]);
    }
  }
}

export async function runLearningCommand(action: LearningAction, options: LearningCliOptions): Promise<void> {
  // Erasing cannot be undone: it asks for --yes before it touches anything.
  if (action === 'erase' && !options.yes)
    throw new UserError(
      'erase forgets every signal and what was learned from them: add --yes to erase (docqa learning export --out FILE first keeps a copy)',
      '--yes',
    );
  const lib = await openLibrary(options, true);
  try {
    await learningAction(action, lib, options);
  } finally {
    await lib.close();
  }
}

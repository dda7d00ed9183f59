import type { LearningState } from '../../main/api/contract.js';
import { formatNumber, formatScore, formatWhen } from './format.js';
import type { Language, Translate } from './i18n/translate.js';

type RunReport = NonNullable<LearningState['lastRun']>;

/** The signals by kind, in the order the cards offer them: "answered it 2 · not this 1 · …". */
export function signalsByKindText(
  byKind: LearningState['signalsByKind'],
  t: Translate,
  language: Language,
): string {
  const n = (kind: keyof typeof byKind): string => formatNumber(byKind[kind] ?? 0, language);
  return t('learning.signalsByKind', {
    good: n('good'),
    bad: n('bad'),
    open: n('open'),
    preview: n('preview'),
    copy: n('copy'),
  });
}

/** Hit@1 and MRR on the held-back questions, the model in use before → the new one; null when the run judged nothing. */
export function heldBackText(report: Omit<RunReport, 'at'>, t: Translate, language: Language): string | null {
  const { before, after } = report;
  if (!before || !after || report.heldBack === 0) return null;
  return t('learning.figures', {
    heldBack: formatNumber(report.heldBack, language),
    hit1Before: formatScore(before.hit1),
    hit1After: formatScore(after.hit1),
    mrrBefore: formatScore(before.mrr),
    mrrAfter: formatScore(after.mrr),
  });
}

/**
 * What a learned model changes, in one line ("adjusts: the question side · 30 trees added to
 * the ranking · …"); null when the run chose nothing or nothing but the pack's own settings.
 */
export function learnedPartsText(
  report: Omit<RunReport, 'at'>,
  t: Translate,
  language: Language,
): string | null {
  const c = report.chosen;
  if (!c) return null;
  const parts: string[] = [];
  if (c.adapter) parts.push(t('learning.part.adapter'));
  if (c.rankerTrees)
    parts.push(t('learning.part.rankerTrees', { count: formatNumber(c.rankerTrees, language) }));
  if (c.memoryWeight > 0) parts.push(t('learning.part.similarQuestions'));
  if (c.popularityWeight > 0 || c.fieldWeight > 0) parts.push(t('learning.part.chosenPassages'));
  return parts.length ? t('learning.parts', { parts: parts.join(' · ') }) : null;
}

/**
 * What the last learning run did: activated its model, kept the one in use, or
 * needs more questions with a chosen passage (2 × minHeldBack: as many to learn
 * from as are held back to judge it).
 */
export function lastRunText(
  lastRun: RunReport | null,
  minHeldBack: number,
  t: Translate,
  language: Language,
): string {
  if (!lastRun) return t('learning.lastRunNone');
  const when = formatWhen(lastRun.at, language);
  switch (lastRun.outcome) {
    case 'activated':
      return t('learning.run.activated', { when });
    case 'kept':
      return t('learning.run.kept', { when });
    case 'too-few':
      return t('learning.run.too-few', {
        when,
        needed: formatNumber(2 * minHeldBack, language),
        have: formatNumber(lastRun.questions, language),
      });
  }
}

import { forwardRef, type KeyboardEvent } from 'react';
import type { SearchResult } from '../../../main/api/contract.js';
import type { TextLanguage } from '../../../main/engine/search/textLanguage.js';
import { useI18n } from '../i18n/index.js';
import { formatScore } from '../format.js';
import { baseName, shownName } from '../text.js';
import type { ShownAt } from '../state/sourceSignals.js';
import { FeedbackButtons } from './FeedbackButtons.js';
import { HighlightedText } from './HighlightedText.js';
import { Icon, type IconName } from './Icon.js';

export interface SourceActions {
  preview(result: SearchResult): void;
  open(result: SearchResult): void;
  reveal(result: SearchResult): void;
  copy(result: SearchResult): void;
}

/** Preview / open file / show in folder / copy passage, for a card or the preview pane. */
export function SourceActionButtons({
  result,
  actions,
  withPreview,
}: {
  result: SearchResult;
  actions: SourceActions;
  withPreview?: boolean;
}) {
  const { t } = useI18n();
  const buttons: [IconName, string, (r: SearchResult) => void][] = [
    ...(withPreview
      ? [['eye', t('source.preview'), actions.preview] as [IconName, string, (r: SearchResult) => void]]
      : []),
    ['open', t('source.open'), actions.open],
    ['folder', t('source.reveal'), actions.reveal],
    ['copy', t('source.copy'), actions.copy],
  ];
  return (
    <>
      {buttons.map(([icon, label, run]) => (
        <button key={icon} type="button" className="button button-small" onClick={() => run(result)}>
          <Icon name={icon} />
          {label}
        </button>
      ))}
    </>
  );
}

/**
 * Where a passage sits: page (PDF) or slide, row (a spreadsheet) or line (a file read as it is),
 * plus its heading path; a line of text read out of HTML, an office file or an e-book is no
 * place a reader sees.
 */
export function usePosition(
  result: Pick<SearchResult, 'page' | 'line' | 'headingPath' | 'lineInFile' | 'pageIsSlide' | 'lineIsRow'>,
): string {
  const { t } = useI18n();
  const where =
    result.page != null
      ? [t(result.pageIsSlide ? 'source.position.slide' : 'source.position.page', { page: result.page })]
      : result.lineIsRow
        ? [t('source.position.row', { line: result.line })]
        : result.lineInFile === false
          ? []
          : [t('source.position.line', { line: result.line })];
  return [...where, ...(result.headingPath.length ? [result.headingPath.join(' › ')] : [])].join(' · ');
}

/**
 * One retrieved passage: file, position, the passage with its best sentences
 * marked, the score on hover/focus, and actions. Arrow keys move between
 * cards (handled by the list); Enter opens the preview.
 */
export const SourceCard = forwardRef<
  HTMLElement,
  {
    result: SearchResult;
    rank: number;
    selected: boolean;
    actions: SourceActions;
    /** The question's language: a passage in the other one is marked with its own. */
    questionLang: TextLanguage;
    /** Where this passage was shown, for "this answered it" / "not this"; null: the answer was not logged. */
    shownAt: ShownAt | null;
    onKeyDown(e: KeyboardEvent<HTMLElement>): void;
  }
>(function SourceCard({ result, rank, selected, actions, questionLang, shownAt, onKeyDown }, ref) {
  const { t } = useI18n();
  const position = usePosition(result);
  const name = result.title || baseName(result.path);
  const channels = t('source.channels', {
    bm25: result.channels.bm25 != null ? formatScore(result.channels.bm25) : '–',
    dense: result.channels.dense != null ? formatScore(result.channels.dense) : '–',
  });
  // Results stored before passages carried a language have none: nothing to mark.
  const otherLanguage = result.lang && result.lang !== questionLang ? t(`source.lang.${result.lang}`) : null;
  const alsoIn = result.alsoIn ?? [];
  return (
    <article
      ref={ref}
      className={`source${selected ? ' source-selected' : ''}`}
      tabIndex={0}
      aria-label={position ? `${rank}. ${name} — ${position}` : `${rank}. ${name}`}
      data-testid="source-card"
      data-chunk-id={result.chunkId}
      onKeyDown={onKeyDown}
      onClick={(e) => {
        if (!(e.target as HTMLElement).closest('button')) actions.preview(result);
      }}
    >
      <header className="source-head">
        <span className="source-rank" aria-hidden="true">
          {rank}
        </span>
        <div className="source-file">
          <span className="source-title">{name}</span>
          <span className="source-meta">
            <span className="source-path" title={result.absPath}>
              {shownName(result.path)}
            </span>
            <span className="source-position">
              {position}
              {otherLanguage ? (
                <span
                  className="source-lang"
                  data-testid="source-lang"
                  title={t('source.langTitle', { language: otherLanguage })}
                >
                  {otherLanguage}
                </span>
              ) : null}
            </span>
          </span>
        </div>
        <span className="source-score" data-testid="source-score" title={channels}>
          {t('source.score', { score: formatScore(result.score) })}
        </span>
      </header>
      <p className="source-text">
        <HighlightedText text={result.text} highlights={result.highlights} />
      </p>
      {alsoIn.length ? (
        // The same text in other files, collapsed into this result.
        <p className="source-also-in" data-testid="source-also-in">
          {t('source.alsoIn', {
            // The same path in another folder says nothing: then the folder too.
            paths: alsoIn
              .map((d) => shownName(d.path === result.path ? d.absPath : d.path))
              .join(t('list.separator')),
          })}
        </p>
      ) : null}
      <footer className="source-actions">
        <SourceActionButtons result={result} actions={actions} withPreview />
        {shownAt ? <FeedbackButtons at={shownAt} /> : null}
      </footer>
    </article>
  );
});

import { useEffect, useRef, useState } from 'react';
import type { PassagePreview, SearchResult } from '../../../main/api/contract.js';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/index.js';
import { baseName, shownName } from '../text.js';
import { useAppState } from '../state/AppState.js';
import { HighlightedText } from './HighlightedText.js';
import { Icon } from './Icon.js';
import { SourceActionButtons, usePosition, type SourceActions } from './SourceCard.js';

/** The passage inside its surrounding text, best sentences marked, scrolled into view. */
export function PreviewPane({
  result,
  actions,
  onClose,
}: {
  result: SearchResult;
  actions: SourceActions;
  onClose(): void;
}) {
  const { t } = useI18n();
  const { reportError } = useAppState();
  const [preview, setPreview] = useState<PassagePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const passageRef = useRef<HTMLElement>(null);
  const position = usePosition({
    ...(preview ?? result),
    lineInFile: result.lineInFile,
    pageIsSlide: result.pageIsSlide,
    lineIsRow: result.lineIsRow,
  });

  useEffect(() => {
    let live = true;
    setPreview(null);
    setError(null);
    api.call('preview', { chunkId: result.chunkId }).then(
      (p) => live && setPreview(p),
      (e: unknown) => live && setError(reportError(e)),
    );
    return () => {
      live = false;
    };
  }, [result.chunkId, reportError]);

  useEffect(() => {
    passageRef.current?.scrollIntoView({ block: 'center' });
  }, [preview]);

  const context = preview?.context ?? '';
  const passage = preview?.passage ?? { start: 0, end: 0 };
  return (
    <aside className="preview" aria-labelledby="preview-title" data-testid="preview">
      <header className="preview-head">
        <div>
          <h2 id="preview-title">{shownName(preview?.title || result.title || baseName(result.path))}</h2>
          <p className="preview-meta">
            {shownName(result.path)}
            {position ? ` · ${position}` : ''}
          </p>
        </div>
        <button type="button" className="icon-button" aria-label={t('preview.close')} onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="preview-actions">
        <SourceActionButtons result={result} actions={actions} />
      </div>
      <div className="preview-body" tabIndex={0} aria-label={t('preview.title')}>
        {error ? (
          <p className="error-text">{error}</p>
        ) : !preview ? (
          <p className="muted">{t('preview.loading')}</p>
        ) : (
          <p className="preview-text">
            <span className="preview-context">{context.slice(0, passage.start)}</span>
            <span className="preview-passage" ref={passageRef} data-testid="preview-passage">
              <HighlightedText
                text={context.slice(passage.start, passage.end)}
                highlights={preview.highlights}
                offset={passage.start}
              />
            </span>
            <span className="preview-context">{context.slice(passage.end)}</span>
          </p>
        )}
      </div>
    </aside>
  );
}

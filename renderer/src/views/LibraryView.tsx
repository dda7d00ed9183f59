import { useCallback, useEffect, useRef, useState } from 'react';
import type { FailedFileListing, FolderInfo, IngestProgress } from '../../../main/api/contract.js';
import { api } from '../api/client.js';
import { useI18n, type Translate } from '../i18n/index.js';
import { formatBytes, formatDuration, formatNumber, formatWhen } from '../format.js';
import { shownName } from '../text.js';
import { useAppState } from '../state/AppState.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { Icon } from '../components/Icon.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { useNotify } from '../components/Toaster.js';
import { ErrorText } from '../components/ErrorText.js';
import { describeFileFailure, describeLastError } from '../reasons.js';

export const FOLDER_PATH_ID = 'folder-path';
/** A folder of thousands of unreadable files (a mount of system files, an archive of binaries) would fill the page. */
const FAILED_SHOWN_AT_FIRST = 50;
const FAILED_SHOWN_MORE = 500;

export function LibraryView() {
  const { t, language } = useI18n();
  const { info, status, ingest, refresh, reportError } = useAppState();
  const notify = useNotify();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [failed, setFailed] = useState<FailedFileListing[]>([]);
  const [failedShown, setFailedShown] = useState(FAILED_SHOWN_AT_FIRST);
  const [removing, setRemoving] = useState<FolderInfo | null>(null);
  const pathRef = useRef<HTMLInputElement>(null);

  // Only the rows on show: a library can hold tens of thousands of failed files, and this
  // list is read again on every status change. The status counts them all.
  const loadFailed = useCallback(() => {
    api.call('failedFiles', { limit: failedShown }).then(setFailed, (e: unknown) => reportError(e));
  }, [reportError, failedShown]);
  const failedCount = Math.max(status?.failed ?? 0, failed.length);

  // Failed files change when a run finishes or folders change; status changes with both.
  useEffect(loadFailed, [loadFailed, status]);

  const act = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await work();
      await refresh();
      return true;
    } catch (e) {
      setError(reportError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const add = async (folder: string): Promise<void> => {
    let added = folder;
    const ok = await act(async () => {
      // The path as the library holds it: "~/notes" typed, "/home/me/notes" shown.
      added = (await api.call('addFolder', { path: folder })).path;
    });
    if (ok) {
      setPath('');
      notify(t('library.added', { path: added }));
    }
  };

  const trySamples = async (): Promise<void> => {
    let question = '';
    const ok = await act(async () => {
      question = (await api.call('addSampleFolder')).questions[0] ?? '';
    });
    if (ok) notify(t('library.samplesAdded', { question }));
  };

  const choose = async (): Promise<void> => {
    try {
      const picked = await api.call('pickFolder');
      if (picked) await add(picked);
    } catch (e) {
      setError(reportError(e));
    }
  };

  const running = ingest?.running ?? false;
  // The job marks its folders 'indexing' as it starts; until the next status read, say so from the run itself.
  const folderState = (folder: FolderInfo): FolderInfo['state'] =>
    running && folder.state === 'new' && ingestCovers(ingest?.progress ?? null) ? 'indexing' : folder.state;

  return (
    <div className="page">
      <header className="page-head">
        <h1>{t('library.title')}</h1>
        {status ? (
          <p className="muted">
            {t('library.summary', {
              documents: formatNumber(status.documents, language),
              chunks: formatNumber(status.chunks, language),
              size: formatBytes(status.dbBytes, language),
            })}
          </p>
        ) : null}
      </header>

      <section className="card" aria-labelledby="add-title">
        <h2 id="add-title">{t('library.addTitle')}</h2>
        {info?.canPickFolder ? (
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            onClick={() => void choose()}
          >
            <Icon name="folder" />
            {t('library.choose')}
          </button>
        ) : null}
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim()) void add(path.trim());
          }}
        >
          <label htmlFor={FOLDER_PATH_ID}>{t('library.pathLabel')}</label>
          <input
            id={FOLDER_PATH_ID}
            ref={pathRef}
            className="input"
            value={path}
            placeholder={t('library.pathPlaceholder')}
            onChange={(e) => setPath(e.target.value)}
            spellCheck={false}
            autoComplete="off"
          />
          <button type="submit" className="button" disabled={busy || !path.trim()}>
            <Icon name="plus" />
            {t('library.add')}
          </button>
        </form>
        {info && !info.canPickFolder ? <p className="muted small">{t('library.webPathHint')}</p> : null}
        <ErrorText message={error} />
      </section>

      {running || ingest?.lastSummary || ingest?.lastError ? (
        <section className="card" aria-labelledby="progress-title" data-testid="ingest-panel">
          <h2 id="progress-title">{t('library.progressLabel')}</h2>
          {running && ingest?.progress ? (
            <Progress
              progress={ingest.progress}
              t={t}
              onStop={() => void act(() => api.call('cancelIngest'))}
            />
          ) : running ? (
            <ProgressBar label={t('library.progressLabel')} value={0} max={0} />
          ) : ingest?.lastError ? (
            <p className="error-text">
              {t('library.lastError', {
                message: describeLastError(ingest.lastError, ingest.lastErrorReason, t),
              })}
            </p>
          ) : ingest?.lastSummary ? (
            <>
              <ProgressBar label={t('library.progressLabel')} value={1} max={1} />
              <p data-testid="ingest-done">
                {t('library.doneSummary', {
                  time: formatDuration(ingest.lastSummary.elapsedMs / 1000, t),
                  added: formatNumber(ingest.lastSummary.filesAdded, language),
                  updated: formatNumber(ingest.lastSummary.filesUpdated, language),
                  removed: formatNumber(ingest.lastSummary.filesRemoved, language),
                  skipped: formatNumber(ingest.lastSummary.filesSkipped, language),
                  failed: formatNumber(ingest.lastSummary.filesFailed, language),
                })}
              </p>
            </>
          ) : null}
        </section>
      ) : null}

      <section className="card" aria-labelledby="folders-title">
        <div className="card-head">
          <h2 id="folders-title">{t('library.folders')}</h2>
          {status && status.folders.length > 0 ? (
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => void act(() => api.call('startIngest', { force: true }))}
            >
              <Icon name="refresh" />
              {t('library.reindexAll')}
            </button>
          ) : null}
        </div>
        {status && status.folders.length === 0 ? (
          <>
            <p className="muted">{t('library.noFolders')}</p>
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => void trySamples()}
            >
              {t('chat.firstRunSamples')}
            </button>
          </>
        ) : null}
        <ul className="folders">
          {status?.folders.map((folder) => (
            <li key={folder.id} className="folder" data-testid="folder">
              <div className="folder-main">
                <span className="folder-path">{shownName(folder.path)}</span>
                <span className="muted small">
                  {t('library.folderStats', {
                    documents: formatNumber(folder.documents, language),
                    chunks: formatNumber(folder.chunks, language),
                  })}
                  {folder.failed > 0
                    ? ` · ${t('library.folderFailed', { count: formatNumber(folder.failed, language) })}`
                    : ''}
                  {folder.lastIndexedAt
                    ? ` · ${t('library.lastIndexed', { when: formatWhen(folder.lastIndexedAt, language) })}`
                    : ''}
                </span>
              </div>
              <span className={`badge badge-${folderState(folder)}`} data-testid="folder-state">
                {t(`library.state.${folderState(folder)}`)}
              </span>
              <div className="folder-actions">
                <button
                  type="button"
                  className="button button-small"
                  disabled={busy}
                  aria-label={`${t('library.reindex')}: ${folder.path}`}
                  onClick={() =>
                    void act(() => api.call('startIngest', { folderIds: [folder.id], force: true }))
                  }
                >
                  <Icon name="refresh" />
                  {t('library.reindex')}
                </button>
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  disabled={busy}
                  aria-label={`${t('library.remove')}: ${folder.path}`}
                  onClick={() => setRemoving(folder)}
                >
                  <Icon name="trash" />
                  {t('library.remove')}
                </button>
              </div>
            </li>
          ))}
        </ul>
        {status && status.removedFolders.length > 0 ? (
          // The toast's Undo lasts seconds; the removal stays restorable for minutes.
          <div className="removed-folders" data-testid="removed-folders">
            <h3>{t('library.removedRecently')}</h3>
            <ul className="folders">
              {status.removedFolders.map((r) => (
                <li key={r.removalId} className="folder" data-testid="removed-folder">
                  <div className="folder-main">
                    <span className="folder-path">{shownName(r.path)}</span>
                    <span className="muted small">
                      {t('library.removedAt', { when: formatWhen(r.removedAt, language) })}
                    </span>
                  </div>
                  <div className="folder-actions">
                    <button
                      type="button"
                      className="button button-small"
                      disabled={busy}
                      aria-label={`${t('library.putBack')}: ${r.path}`}
                      onClick={() => void act(() => api.call('restoreFolder', { removalId: r.removalId }))}
                    >
                      <Icon name="undo" />
                      {t('library.putBack')}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>

      <section className="card" aria-labelledby="failed-title">
        <div className="card-head">
          <h2 id="failed-title">
            {t('library.failedTitle')}
            {failed.length > 0 ? (
              <span className="muted"> · {formatNumber(failedCount, language)}</span>
            ) : null}
          </h2>
          {failed.length > 0 ? (
            <button
              type="button"
              className="button button-small"
              disabled={busy || running}
              onClick={() => void act(() => api.call('retryFailed'))}
            >
              <Icon name="refresh" />
              {t('library.retry')}
            </button>
          ) : null}
        </div>
        {failed.length === 0 ? (
          <p className="muted">{t('library.failedNone')}</p>
        ) : (
          <ul className="failed" data-testid="failed-files">
            {failed.slice(0, failedShown).map((f) => (
              <li key={`${f.folderId}/${f.path}`} data-testid="failed-file">
                <span className="failed-where">
                  <span className="failed-path">{shownName(f.path)}</span>
                  <span className="failed-folder muted small" title={f.folderPath}>
                    {t('library.failedIn', { folder: f.folderPath })}
                  </span>
                </span>
                <span className="failed-reason" title={f.error}>
                  {describeFileFailure(f.reason, t)}
                </span>
              </li>
            ))}
          </ul>
        )}
        {failedCount > failedShown ? (
          <button
            type="button"
            className="button button-small"
            data-testid="failed-more"
            onClick={() => setFailedShown((n) => n + FAILED_SHOWN_MORE)}
          >
            {t('library.failedMore', {
              more: formatNumber(Math.min(FAILED_SHOWN_MORE, failedCount - failedShown), language),
              rest: formatNumber(failedCount - failedShown, language),
            })}
          </button>
        ) : null}
      </section>

      {removing ? (
        <ConfirmDialog
          title={t('library.removeTitle')}
          body={t('library.removeBody', {
            path: removing.path,
            documents: formatNumber(removing.documents, language),
          })}
          confirmLabel={t('library.removeConfirm')}
          cancelLabel={t('library.cancel')}
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            const folder = removing;
            setRemoving(null);
            let removalId = 0;
            void act(async () => {
              ({ removalId } = await api.call('removeFolder', { folderId: folder.id }));
            }).then((ok) => {
              if (!ok) return;
              // Undo puts it back with what the user said of its passages; its files are read again.
              notify(t('library.removed', { path: folder.path }), 'info', {
                label: t('nav.undo'),
                run: () => void act(() => api.call('restoreFolder', { removalId })),
              });
            });
          }}
        />
      ) : null}
    </div>
  );
}

function Progress({ progress, t, onStop }: { progress: IngestProgress; t: Translate; onStop(): void }) {
  const { language } = useI18n();
  // Scanning, loading the model and rebuilding the full-text index have no measure: the bar runs
  // indeterminate, the phase says why.
  const counting =
    progress.phase === 'waiting' ||
    progress.phase === 'scanning' ||
    progress.phase === 'loading-model' ||
    progress.phase === 'compacting' ||
    progress.filesTotal === 0;
  const parts = [
    t('library.progressFiles', {
      done: formatNumber(progress.filesDone + progress.filesSkipped + progress.filesFailed, language),
      total: formatNumber(progress.filesTotal, language),
    }),
    t('library.progressChunks', { chunks: formatNumber(progress.chunks, language) }),
  ];
  if (progress.etaSeconds != null && progress.phase === 'indexing') {
    parts.push(t('library.progressEta', { eta: formatDuration(progress.etaSeconds, t) }));
  }
  return (
    <div className="progress-block" data-testid="ingest-progress">
      <div className="progress-line">
        <strong data-testid="ingest-phase">{t(`library.phase.${progress.phase}`)}</strong>
        <button type="button" className="button button-small" onClick={onStop}>
          {t('library.stop')}
        </button>
      </div>
      <ProgressBar
        label={t('library.progressLabel')}
        value={counting ? 0 : progress.bytesTotal > 0 ? progress.bytesDone : progress.filesDone}
        max={counting ? 0 : progress.bytesTotal > 0 ? progress.bytesTotal : progress.filesTotal}
      />
      <p className="muted small">{parts.join(' · ')}</p>
      {progress.phase === 'indexing' && progress.currentFile ? (
        <p className="muted small ellipsis" data-testid="ingest-step">
          {t('library.progressReading', {
            file: progress.currentFile,
            size: formatBytes(progress.currentFileBytes, language),
          })}
        </p>
      ) : null}
      {progress.phase === 'indexing' && progress.currentFile && progress.pagesRead ? (
        <p className="muted small ellipsis" data-testid="ingest-file-step">
          {t('library.progressPages', {
            file: progress.currentFile,
            done: formatNumber(progress.pagesRead.done, language),
            total: formatNumber(progress.pagesRead.total, language),
          })}
        </p>
      ) : null}
      {progress.phase === 'indexing' && progress.passagesPending > 0 ? (
        <p className="muted small">
          {t('library.progressEmbedding', { count: formatNumber(progress.passagesPending, language) })}
        </p>
      ) : null}
      {progress.phase === 'indexing' && progress.passagesEmbedded ? (
        <p className="muted small ellipsis" data-testid="ingest-file-step">
          {t('library.progressEmbeddingFile', {
            file: progress.passagesEmbedded.file,
            done: formatNumber(progress.passagesEmbedded.done, language),
            total: formatNumber(progress.passagesEmbedded.total, language),
          })}
        </p>
      ) : null}
    </div>
  );
}

/** A run is under way (any progress but the end). */
function ingestCovers(progress: IngestProgress | null): boolean {
  return progress === null || (progress.phase !== 'done' && progress.phase !== 'cancelled');
}

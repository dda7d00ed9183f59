import { useEffect, useState } from 'react';
import type { CatalogueItem, PackDownloadState } from '../../../main/api/contract.js';
import { api } from '../api/client.js';
import { isMessageKey, useI18n, type Translate } from '../i18n/index.js';
import { formatBytes, formatDuration } from '../format.js';
import { describeLastError } from '../reasons.js';
import { useAppState } from '../state/AppState.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { useNotify } from '../components/Toaster.js';
import { ErrorText } from '../components/ErrorText.js';

/** Recommended pretrained packs to download (with progress and cancel), and import from a local folder. */
export function ModelsCard({ onInstalled }: { onInstalled(): void }) {
  const { t, language } = useI18n();
  const { reportError } = useAppState();
  const notify = useNotify();
  const [catalogue, setCatalogue] = useState<CatalogueItem[]>([]);
  const [download, setDownload] = useState<PackDownloadState | null>(null);
  const [folder, setFolder] = useState('');
  const [name, setName] = useState('');
  const [importing, setImporting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const load = (): void => {
      api.call('modelCatalogue').then(setCatalogue, (e: unknown) => reportError(e));
    };
    load();
    api.call('packDownloadState').then(setDownload, (e: unknown) => reportError(e));
    return api.onEvent((e) => {
      if (e.type !== 'pack-download') return;
      setDownload(e.state);
      if (!e.state.running && e.state.lastInstalled) {
        notify(t('settings.modelDownloaded', { name: e.state.lastInstalled.name }));
        load();
        onInstalled();
      }
    });
  }, [reportError, notify, t, onInstalled]);

  const start = (id: string): void => {
    setError(null);
    api.call('downloadPack', { id }).then(setDownload, (e: unknown) => setError(reportError(e)));
  };

  const importFolder = async (): Promise<void> => {
    setImporting(true);
    setError(null);
    try {
      const pack = await api.call('importPack', {
        folder: folder.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      notify(t('settings.modelDownloaded', { name: pack.name }));
      setFolder('');
      setName('');
      onInstalled();
    } catch (e) {
      setError(reportError(e));
    } finally {
      setImporting(false);
    }
  };

  const p = download?.progress;
  return (
    <section className="card" aria-labelledby="models-title">
      <h2 id="models-title">{t('settings.models')}</h2>
      <p className="muted small">{t('settings.modelsHelp')}</p>
      <ul className="catalogue">
        {catalogue.map((m) => (
          <li key={m.id} className="catalogue-item">
            <div>
              <strong>{catalogueText(m.id, 'title', m.title, t)}</strong>
              <p className="muted small">
                {m.languages.join(', ')} · {m.dim}d · {m.license}
                {m.downloadBytes
                  ? ` · ${t('settings.modelSize', { size: formatBytes(m.downloadBytes, language) })}`
                  : ''}
              </p>
              <p className="small">{catalogueText(m.id, 'recommendation', m.recommendation, t)}</p>
            </div>
            {m.installed ? (
              <span className="badge badge-ok">{t('settings.modelInstalled')}</span>
            ) : (
              <button
                type="button"
                className="button button-small"
                disabled={download?.running}
                onClick={() => start(m.id)}
              >
                {t('settings.modelDownload')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {download?.running ? (
        <div className="progress-block" data-testid="model-download">
          <ProgressBar label={t('settings.models')} value={p?.bytesDone ?? 0} max={p?.bytesTotal ?? 0} />
          <div className="progress-line">
            <span className="muted small">
              {t('settings.modelDownloading', {
                id: download.id ?? '',
                done: formatBytes(p?.bytesDone ?? 0, language),
                total: formatBytes(p?.bytesTotal ?? 0, language),
                rate: formatBytes(p?.bytesPerSecond ?? 0, language),
              })}
              {p?.etaSeconds != null
                ? ` · ${t('library.progressEta', { eta: formatDuration(p.etaSeconds, t) })}`
                : ''}
            </span>
            <button
              type="button"
              className="button button-small"
              onClick={() => void api.call('cancelPackDownload')}
            >
              {t('settings.modelCancel')}
            </button>
          </div>
        </div>
      ) : download?.lastError ? (
        <p className="error-text">
          {t('settings.modelFailed', {
            message: describeLastError(download.lastError, download.lastErrorReason, t),
          })}
        </p>
      ) : null}

      <h3>{t('settings.importTitle')}</h3>
      <p className="muted small">{t('settings.importHelp')}</p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (folder.trim()) void importFolder();
        }}
      >
        <label htmlFor="import-folder" className="visually-hidden">
          {t('settings.importPath')}
        </label>
        <input
          id="import-folder"
          className="input"
          placeholder={t('settings.importPath')}
          value={folder}
          onChange={(e) => setFolder(e.target.value)}
          spellCheck={false}
        />
        <label htmlFor="import-name" className="visually-hidden">
          {t('settings.importName')}
        </label>
        <input
          id="import-name"
          className="input input-short"
          placeholder={t('settings.importName')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          spellCheck={false}
        />
        <button type="submit" className="button" disabled={importing || !folder.trim()}>
          {importing ? t('settings.importing') : t('settings.import')}
        </button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}

/** A catalogue model's title or recommendation in the interface language; the server's English for a model this page does not know. */
function catalogueText(id: string, part: 'title' | 'recommendation', english: string, t: Translate): string {
  const key = `model.${id}.${part}`;
  return isMessageKey(key) ? t(key) : english;
}

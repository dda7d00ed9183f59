import { useCallback, useEffect, useState } from 'react';
import type { LearningState } from '../../../main/api/contract.js';
import { api } from '../api/client.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { ErrorText } from '../components/ErrorText.js';
import { Icon } from '../components/Icon.js';
import { useNotify } from '../components/Toaster.js';
import { formatNumber, formatWhen } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { heldBackText, lastRunText, learnedPartsText, signalsByKindText } from '../learningText.js';
import { useAppState } from '../state/AppState.js';
import { signalLedger } from '../state/sourceSignals.js';

const EXPORT_FILE = 'docqa-signals.jsonl';
/** While a learning run goes on, its state is read again this often (there is no event for it). */
const WHILE_LEARNING_MS = 1500;

/**
 * Settings → what DocQA has learned from the user's signals, and the user's
 * hand on it: pause learning, export the signals, restore the previous model,
 * erase the signals (after a confirmation that says how many).
 */
export function LearningCard({
  paused,
  onPause,
}: {
  paused: boolean;
  onPause(paused: boolean): Promise<void>;
}) {
  const { t, language } = useI18n();
  const { reportError } = useAppState();
  const notify = useNotify();
  const [state, setState] = useState<LearningState | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Read when Settings opens (signals come from the chat meanwhile) and after each action here.
  const load = useCallback(() => {
    api.call('learningState').then(setState, (e: unknown) => setError(reportError(e)));
  }, [reportError]);
  useEffect(load, [load]);
  useEffect(() => {
    if (!state?.learning) return;
    const timer = setTimeout(load, WHILE_LEARNING_MS);
    return () => clearTimeout(timer);
  }, [state, load]);

  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(reportError(e));
    } finally {
      setBusy(false);
    }
  };

  const exportSignals = () =>
    run(async () => {
      const lines = await api.call('exportSignals');
      // A link to the text as a file: the browser (or the desktop window) saves it; nothing is uploaded.
      const url = URL.createObjectURL(new Blob([lines], { type: 'application/x-ndjson' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = EXPORT_FILE;
      document.body.append(link);
      link.click();
      link.remove();
      // Revoked later, not at once: the download reads the blob after click() returns.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      const count = lines.split('\n').filter((line) => line.trim()).length;
      notify(t('learning.exported', { count: formatNumber(count, language) }));
    });

  const restore = () =>
    run(async () => {
      setState(await api.call('restorePreviousModel'));
      notify(t('learning.restored'));
    });

  const erase = () =>
    run(async () => {
      setConfirming(false);
      setState(await api.call('eraseSignals'));
      signalLedger.forget();
      notify(t('learning.erased'));
    });

  const pause = (on: boolean) =>
    run(async () => {
      await onPause(on);
      load();
    });

  const figures = state?.model ? heldBackText(state.model.report, t, language) : null;
  const parts = state?.model ? learnedPartsText(state.model.report, t, language) : null;
  const lastFigures = state?.lastRun ? heldBackText(state.lastRun, t, language) : null;
  return (
    <section className="card" aria-labelledby="learning-title" data-testid="learning">
      <h2 id="learning-title">{t('learning.title')}</h2>
      <p className="muted small">{t('learning.help')}</p>
      {state ? (
        <dl className="facts">
          <dt>{t('learning.signals')}</dt>
          <dd>
            <strong data-testid="learning-signals">{formatNumber(state.signals, language)}</strong>
            <span className="muted"> · {signalsByKindText(state.signalsByKind, t, language)}</span>
            {state.pending > 0 && state.pending < state.signals ? (
              <span className="muted">
                {' '}
                · {t('learning.pending', { count: formatNumber(state.pending, language) })}
              </span>
            ) : null}
          </dd>
          <dt>{t('learning.questions')}</dt>
          <dd data-testid="learning-questions">{formatNumber(state.questions, language)}</dd>
          <dt>{t('learning.model')}</dt>
          <dd data-testid="learning-model">
            {state.model
              ? t('learning.modelLearned', { when: formatWhen(state.model.changedAt, language) })
              : t('learning.modelOwn')}
            {parts ? <span className="learning-figures">{parts}</span> : null}
            {figures ? <span className="learning-figures">{figures}</span> : null}
          </dd>
          <dt>{t('learning.lastRun')}</dt>
          <dd data-testid="learning-last-run">
            {lastRunText(state.lastRun, state.minHeldBack, t, language)}
            {lastFigures && lastFigures !== figures ? (
              <span className="learning-figures">{lastFigures}</span>
            ) : null}
          </dd>
        </dl>
      ) : null}
      {figures || lastFigures ? <p className="muted small">{t('learning.figuresHelp')}</p> : null}
      {state?.learning ? (
        <p className="notice" role="status" data-testid="learning-running">
          {t('learning.running')}
        </p>
      ) : null}
      <div>
        <label className="toggle">
          <input
            type="checkbox"
            checked={paused}
            disabled={busy}
            data-testid="learning-pause"
            onChange={(e) => void pause(e.target.checked)}
          />
          {t('learning.pause')}
        </label>
        <p className="muted small">{t('learning.pauseHint')}</p>
      </div>
      <div className="button-row">
        <button
          type="button"
          className="button button-small"
          disabled={busy || !state?.signals}
          onClick={() => void exportSignals()}
        >
          {t('learning.export')}
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={busy || !state?.canRestorePrevious}
          onClick={() => void restore()}
        >
          <Icon name="refresh" />
          {t('learning.restore')}
        </button>
        <button
          type="button"
          className="button button-small button-danger-quiet"
          disabled={busy || !state || (state.signals === 0 && !state.model)}
          onClick={() => setConfirming(true)}
        >
          <Icon name="trash" />
          {t('learning.erase')}
        </button>
      </div>
      <ErrorText message={error} />
      {confirming && state ? (
        <ConfirmDialog
          title={t('learning.eraseTitle')}
          body={t('learning.eraseBody', { count: formatNumber(state.signals, language) })}
          confirmLabel={t('learning.eraseConfirm')}
          cancelLabel={t('learning.cancel')}
          onConfirm={() => void erase()}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}

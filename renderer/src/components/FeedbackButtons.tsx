import { useState } from 'react';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/index.js';
import { useAppState } from '../state/AppState.js';
import { signalLedger, useVerdict, type ShownAt, type Verdict } from '../state/sourceSignals.js';
import { Icon } from './Icon.js';
import { useNotify } from './Toaster.js';

/**
 * "This answered it" / "Not this" on a source of a logged answer: the signal
 * DocQA learns from. The pressed one shows what was said in this window; the
 * other can still be pressed for a change of mind (the library keeps both
 * signals, whose votes then about cancel).
 */
export function FeedbackButtons({ at }: { at: ShownAt }) {
  const { t } = useI18n();
  const { reportError } = useAppState();
  const notify = useNotify();
  const said = useVerdict(at);
  const [sending, setSending] = useState(false);

  const say = async (verdict: Verdict): Promise<void> => {
    if (sending || said === verdict) return;
    setSending(true);
    try {
      await api.call('feedback', { ...at, signal: verdict });
      signalLedger.setVerdict(at, verdict);
    } catch (e) {
      notify(t('feedback.failed', { reason: reportError(e) }), 'error');
    } finally {
      setSending(false);
    }
  };

  const buttons: [Verdict, 'check' | 'close', string][] = [
    ['good', 'check', t('feedback.good')],
    ['bad', 'close', t('feedback.bad')],
  ];
  return (
    <span className="feedback" role="group" aria-label={t('feedback.group')} data-testid="feedback">
      {buttons.map(([verdict, icon, label]) => (
        <button
          key={verdict}
          type="button"
          className={`button button-small feedback-${verdict}`}
          aria-pressed={said === verdict}
          disabled={sending}
          data-testid={`feedback-${verdict}`}
          onClick={() => void say(verdict)}
        >
          <Icon name={icon} />
          {label}
        </button>
      ))}
    </span>
  );
}

import { api } from '../api/client.js';
import type { Translate } from '../i18n/index.js';

/**
 * Open file / show in folder / copy passage, with the outcome reported through
 * `notify`: "Opened …" only when the opener said it opened the file, the
 * reason when it did not, and what happened instead when the file was shown in
 * its folder.
 */
export function useFileActions(
  notify: (message: string, tone?: 'info' | 'error') => void,
  t: Translate,
  reportError: (e: unknown) => string,
) {
  return {
    open: async (absPath: string, documentId: number, name: string): Promise<void> => {
      try {
        const result = await api.call('openFile', { path: absPath, documentId });
        if (result.opened === 'file') notify(t('source.opened', { file: name }));
        else
          notify(
            t(result.reason === 'not-a-document' ? 'source.revealedInstead' : 'source.revealedNotIndexed', {
              file: name,
            }),
          );
      } catch (e) {
        // reportError words the API's reason (the opener's, or why the path was refused) in the interface language.
        notify(t('source.openFailed', { file: name, reason: reportError(e) }), 'error');
      }
    },
    reveal: async (absPath: string, name: string): Promise<void> => {
      try {
        await api.call('showInFolder', { path: absPath });
        notify(t('source.revealed', { file: name }));
      } catch (e) {
        notify(t('source.openFailed', { file: name, reason: reportError(e) }), 'error');
      }
    },
    copy: async (text: string): Promise<void> => {
      try {
        await navigator.clipboard.writeText(text);
        notify(t('source.copied'));
      } catch (e) {
        // The browser's reason (a DOMException) is in the browser's words, not the interface's.
        notify(t('source.copyFailed', { reason: reportError(e) }), 'error');
      }
    },
  };
}

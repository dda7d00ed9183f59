import { api } from '../api/client.js';

/** Open file / show in folder / copy passage, with the outcome reported through `notify`. */
export function useFileActions(
  notify: (message: string, tone?: 'info' | 'error') => void,
  t: (key: 'source.copied' | 'source.opened', params?: Record<string, string>) => string,
  reportError: (e: unknown) => string,
) {
  const run = async (work: () => Promise<unknown>, done?: string): Promise<void> => {
    try {
      await work();
      if (done) notify(done);
    } catch (e) {
      notify(reportError(e), 'error');
    }
  };
  return {
    open: (absPath: string, name: string) =>
      run(() => api.call('openFile', { path: absPath }), t('source.opened', { file: name })),
    reveal: (absPath: string) => run(() => api.call('showInFolder', { path: absPath })),
    copy: (text: string) => run(() => navigator.clipboard.writeText(text), t('source.copied')),
  };
}

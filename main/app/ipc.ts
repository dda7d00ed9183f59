import { ipcMain, type BrowserWindow } from 'electron';
import type { ApiReply } from '../api/contract.js';
import type { Api } from '../api/dispatcher.js';
import { IPC_CALL, IPC_EVENT } from '../api/methods.js';
import { isAppUrl } from './navigation.js';

/**
 * Routes the preload's calls into the shared API (which validates every input)
 * and pushes API events to the window. Calls from any frame other than the
 * app's own page are refused.
 */
export function registerIpc(api: Api, window: () => BrowserWindow | null, appUrl: string): () => void {
  ipcMain.handle(IPC_CALL, async (event, method: unknown, input: unknown) => {
    const url = event.senderFrame?.url ?? '';
    if (!isAppUrl(url, appUrl)) {
      return {
        ok: false,
        error: {
          kind: 'user',
          message: 'calls are only accepted from the DocQA window',
          code: 'wrong-window',
          params: {},
        },
      } satisfies ApiReply<never>;
    }
    return api.call(String(method), input);
  });
  const unsubscribe = api.events.subscribe((event) => {
    const win = window();
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, event);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL);
  };
}

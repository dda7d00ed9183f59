/**
 * The renderer's only door to the app: `window.docqa` with `call(method,
 * input)` for the API methods in main/api/methods.ts and `onEvent`. No
 * ipcRenderer, no Node. Main validates every input again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent, DocqaBridge } from '../main/api/contract.js';
import { IPC_CALL, IPC_EVENT, isApiMethod } from '../main/api/methods.js';

const bridge: DocqaBridge = {
  call: (method, input) =>
    isApiMethod(method)
      ? ipcRenderer.invoke(IPC_CALL, method, input)
      : Promise.resolve({
          ok: false,
          error: {
            kind: 'user',
            message: `unknown API method: ${String(method)}`,
            code: 'unknown-method',
            params: { method: String(method) },
          },
        }),
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, payload: ApiEvent): void => listener(payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => void ipcRenderer.removeListener(IPC_EVENT, handler);
  },
};

contextBridge.exposeInMainWorld('docqa', bridge);

/**
 * The API's method names and IPC channel names, with no runtime dependencies:
 * the sandboxed preload and the renderer bundle import this file, so it must
 * stay free of zod and Node modules. `contract.ts` holds the schemas and types.
 */
export const API_METHODS = [
  'appInfo',
  'status',
  'listFolders',
  'addFolder',
  'addSampleFolder',
  'removeFolder',
  'restoreFolder',
  'startIngest',
  'cancelIngest',
  'ingestState',
  'failedFiles',
  'retryFailed',
  'ask',
  'preview',
  'listConversations',
  'conversation',
  'askInConversation',
  'deleteConversation',
  'restoreConversation',
  'feedback',
  'learningState',
  'restorePreviousModel',
  'eraseSignals',
  'exportSignals',
  'getSettings',
  'updateSettings',
  'reembedState',
  'listPacks',
  'modelCatalogue',
  'downloadPack',
  'cancelPackDownload',
  'packDownloadState',
  'importPack',
  'openFile',
  'showInFolder',
  'pickFolder',
] as const;

export type ApiMethod = (typeof API_METHODS)[number];

const methodSet: ReadonlySet<string> = new Set(API_METHODS);

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && methodSet.has(name);
}

/** Renderer → main: `ipcRenderer.invoke(IPC_CALL, method, input)`. */
export const IPC_CALL = 'docqa:call';
/** Main → renderer: `webContents.send(IPC_EVENT, event)`. */
export const IPC_EVENT = 'docqa:event';

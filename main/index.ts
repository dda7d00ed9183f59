/**
 * The desktop app: lifecycle, the window and IPC wiring. The engine runs in a
 * worker thread (WorkerEngine), so indexing never blocks this thread or the window.
 */
import { app, BrowserWindow, dialog, Menu, nativeTheme, screen } from 'electron';
import path from 'node:path';
import { describeError } from './engine/errors.js';
import { setWorkerDirectory } from './engine/workers/spawnWorker.js';
import { setResourcesDirectory } from './engine/towers/builtinPack.js';
import type { LibraryEngine } from './engine/library/types.js';
import { createApi, type Api } from './api/dispatcher.js';
import { WorkerEngine } from './api/workerEngine.js';
import { FolderWatch } from './api/folderWatch.js';
import { createDesktopHost } from './app/desktopHost.js';
import { registerIpc } from './app/ipc.js';
import { MENU_LABELS, menuTemplate } from './app/menu.js';
import { APP_INDEX_URL } from './app/appProtocol.js';
import { devSqliteBinding, MAIN_OUT_DIR, PRELOAD_FILE, RENDERER_DIR } from './app/paths.js';
import { registerAppScheme, serveAppProtocol } from './app/protocol.js';
import { hardenSession, lockNavigation } from './app/security.js';
import { createWindowOptions } from './app/windowOptions.js';
import { loadWindowState, restoreBounds, saveWindowState } from './app/windowState.js';

const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
// The built renderer comes from app://docqa/ (never file://), the dev server's from its own origin.
const appUrl = devUrl ?? APP_INDEX_URL;
let window: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  registerAppScheme(); // before 'ready', as Electron requires
  app.on('web-contents-created', (_event, contents) => lockNavigation(contents, appUrl));
  app.whenReady().then(start, (e: unknown) => fail(e));
}

async function start(): Promise<void> {
  // The bundle is flat: every worker entry sits in out/main as <name>.worker.js.
  setWorkerDirectory(MAIN_OUT_DIR);
  // Packaged, the packs and sample documents sit beside app.asar (electron-builder's extraResources).
  if (app.isPackaged) setResourcesDirectory(process.resourcesPath);
  hardenSession();
  serveAppProtocol(RENDERER_DIR);
  let engine: WorkerEngine;
  try {
    engine = await WorkerEngine.start(
      { dbPath: path.join(app.getPath('userData'), 'library.sqlite') },
      {
        workerDir: MAIN_OUT_DIR,
        resourcesDir: app.isPackaged ? process.resourcesPath : null,
        sqliteBinding: app.isPackaged ? null : devSqliteBinding(process.versions.electron),
      },
    );
  } catch (e) {
    return fail(e);
  }
  const api = createApi(
    engine,
    createDesktopHost(app.getVersion(), () => window),
    {
      onInternalError: (method, e) => console.error(`docqa: ${method}:`, e),
    },
  );
  registerIpc(api, () => window, appUrl);
  const watch = new FolderWatch(engine, api.events);
  void watch.open(api.ingest);
  await setMenu(engine, api);
  api.events.subscribe((e) => {
    if (e.type === 'library-changed' && e.reason === 'settings') void setMenu(engine, api);
  });

  window = createWindow();
  app.on('activate', () => {
    window ??= createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    // Let a running ingest stop at a file boundary and the database close cleanly.
    api.ingest.cancel();
    void api.ingest
      .whenIdle()
      .then(() => watch.close())
      .then(() => engine.close())
      .finally(() => app.quit());
  });
}

function createWindow(): BrowserWindow {
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const saved = loadWindowState(stateFile);
  const bounds = restoreBounds(
    saved,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow(
    createWindowOptions({
      preload: PRELOAD_FILE,
      bounds,
      dark: nativeTheme.shouldUseDarkColors,
      devTools: !app.isPackaged,
    }),
  );
  if (saved?.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  let timer: NodeJS.Timeout | undefined;
  const save = (): void => {
    if (!win.isDestroyed())
      saveWindowState(stateFile, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  const saveSoon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('close', () => {
    clearTimeout(timer);
    save();
  });
  win.on('closed', () => {
    if (window === win) window = null;
  });
  void win.loadURL(appUrl);
  return win;
}

async function setMenu(engine: LibraryEngine, api: Api): Promise<void> {
  const { language } = await engine.getSettings();
  const lang =
    language === 'system' ? (app.getLocale().toLowerCase().startsWith('zh') ? 'zh' : 'en') : language;
  const template = menuTemplate({
    isMac: process.platform === 'darwin',
    dev: !app.isPackaged,
    labels: MENU_LABELS[lang],
    send: (command) => api.events.emit({ type: 'command', command }),
    about: () =>
      void dialog.showMessageBox({
        type: 'info',
        title: 'DocQA',
        message: `DocQA ${app.getVersion()}`,
        detail: `Electron ${process.versions.electron} · Node ${process.versions.node}`,
      }),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function fail(e: unknown): void {
  dialog.showErrorBox('DocQA could not start', describeError(e));
  app.exit(1);
}

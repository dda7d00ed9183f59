import { dialog, shell, type BrowserWindow } from 'electron';
import { UserError } from '../engine/errors.js';
import type { ApiHost } from '../api/host.js';

/** File actions and the folder dialog of the desktop app; paths arrive already checked against the library. */
export function createDesktopHost(version: string, window: () => BrowserWindow | null): ApiHost {
  return {
    mode: 'desktop',
    version,
    canPickFolder: true,
    async openPath(file) {
      const error = await shell.openPath(file);
      if (error) throw new UserError(`cannot open ${file}: ${error}`, file);
    },
    async showInFolder(file) {
      shell.showItemInFolder(file);
    },
    async pickFolder() {
      const win = window();
      const options = { properties: ['openDirectory' as const] };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}

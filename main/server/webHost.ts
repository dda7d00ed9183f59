import { spawn } from 'node:child_process';
import path from 'node:path';
import { UserError } from '../engine/errors.js';
import type { ApiHost } from '../api/host.js';

/**
 * Web mode runs on the person's own machine (127.0.0.1 only), so "open file"
 * hands the file to this machine's default program, as the desktop app does.
 */
export function createWebHost(version: string): ApiHost {
  return {
    mode: 'web',
    version,
    canPickFolder: false,
    openPath: (file) => launch(openCommand(file)),
    showInFolder: (file) => launch(revealCommand(file)),
    pickFolder: async () => null,
  };
}

type Command = [program: string, ...args: string[]];

export function openCommand(file: string, platform: NodeJS.Platform = process.platform): Command {
  if (platform === 'darwin') return ['open', file];
  if (platform === 'win32') return ['explorer.exe', file];
  return ['xdg-open', file];
}

export function revealCommand(file: string, platform: NodeJS.Platform = process.platform): Command {
  if (platform === 'darwin') return ['open', '-R', file];
  if (platform === 'win32') return ['explorer.exe', `/select,${file}`];
  // xdg-open has no "select this file": open its folder.
  return ['xdg-open', path.dirname(file)];
}

function launch([program, ...args]: Command): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { detached: true, stdio: 'ignore', shell: false });
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new UserError(
          e.code === 'ENOENT'
            ? `cannot open files here: ${program} is not installed`
            : `cannot open: ${e.message}`,
        ),
      ),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

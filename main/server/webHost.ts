import path from 'node:path';
import type { ApiHost } from '../api/host.js';
import { openerFor, runOpener } from '../api/opener.js';

/**
 * Web mode runs on the person's own machine (127.0.0.1 only), so "open file"
 * hands the file to this machine's default program, as the desktop app does.
 */
export function createWebHost(version: string, env: NodeJS.ProcessEnv = process.env): ApiHost {
  const opener = openerFor(env, { open: openCommand, reveal: revealCommand });
  // explorer.exe exits with 1 even when it opened the file: only a replacement opener's status counts there.
  const exitStatusCounts = process.platform !== 'win32' || opener.replaced;
  return {
    mode: 'web',
    version,
    canPickFolder: false,
    openPath: (file) => runOpener(opener.open(file), { exitStatusCounts }),
    showInFolder: (file) => runOpener(opener.reveal(file), { exitStatusCounts }),
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

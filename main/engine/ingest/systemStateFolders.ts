import path from 'node:path';

/**
 * Folders whose entries are the running system's state, not documents:
 * processes, devices, kernel settings. Their sizes lie, some reads block or
 * never end, and /proc's links lead to every process's root and working
 * folder, so a scan through them indexes the whole disk under strange names.
 * Linux and macOS; Windows has no such folders in its file tree.
 */
const SYSTEM_STATE_FOLDERS: readonly string[] = process.platform === 'win32' ? [] : ['/proc', '/sys', '/dev'];

/** True when the absolute `folder` is one of those folders or lies inside one. */
export function isSystemStateFolder(folder: string): boolean {
  return SYSTEM_STATE_FOLDERS.some((root) => folder === root || folder.startsWith(root + path.sep));
}

export function systemStateFolderMessage(folder: string): string {
  return `${folder} holds the running system's state (processes, devices), not documents`;
}

/**
 * The library file this command opened, kept apart from libraryCommands.ts (which the
 * entry point loads only for the commands that need it): a full disk met by any write is
 * reported for this file.
 */
let libraryInUse: string | null = null;

export function setLibraryInUse(file: string): void {
  libraryInUse = file;
}

/** Null before the command opens a library. */
export function openedLibrary(): string | null {
  return libraryInUse;
}

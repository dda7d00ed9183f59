/**
 * What differs between the desktop app and web mode: how a file is opened,
 * how a folder is picked. Paths given here have already passed
 * `resolveLibraryFile`.
 */
export interface ApiHost {
  readonly mode: 'desktop' | 'web';
  readonly version: string;
  readonly canPickFolder: boolean;
  openPath(absPath: string): Promise<void>;
  showInFolder(absPath: string): Promise<void>;
  /** Resolves null when the person cancels. */
  pickFolder(): Promise<string | null>;
}

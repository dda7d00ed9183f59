import ignore from 'ignore';

/**
 * What a document library never reads, as gitignore patterns. Applied before the
 * library's own patterns, so a library can re-include something with `!pattern`.
 */
export const DEFAULT_IGNORE_PATTERNS: readonly string[] = [
  // Hidden files and folders: .git, .svn, .Trash, .Trashes, .DS_Store, .venv, editor state…
  '.*',
  // Dependencies and caches of software projects.
  'node_modules/',
  'bower_components/',
  '__pycache__/',
  'venv/',
  'site-packages/',
  '*.egg-info/',
  // Operating-system folders.
  '$RECYCLE.BIN/',
  'RECYCLER/',
  'System Volume Information/',
  'lost+found/',
  'desktop.ini',
  // Office lock files, editor backups, generated artefacts.
  '~$*',
  '*~',
  '*.min.js',
  '*.min.css',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
];

export interface IgnoreMatcher {
  /** `relPath` uses '/' separators, relative to the library folder; never '' (the folder itself is never ignored). */
  ignores(relPath: string, isDirectory: boolean): boolean;
}

/** The default rules plus a library's own gitignore-style patterns (blank lines and `#` comments allowed). */
export function createIgnoreMatcher(patterns: readonly string[] = []): IgnoreMatcher {
  const rules = ignore()
    .add([...DEFAULT_IGNORE_PATTERNS])
    .add(patterns.filter((p) => p.trim() !== ''));
  return {
    ignores(relPath, isDirectory) {
      if (relPath === '' || relPath === '.') return false;
      return rules.ignores(isDirectory ? `${relPath}/` : relPath);
    },
  };
}

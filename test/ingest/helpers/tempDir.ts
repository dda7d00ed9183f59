import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export interface TempDir {
  root: string;
  /** Writes a file (creating folders) and returns its absolute path. */
  write(relPath: string, content: string | Uint8Array): string;
  mkdir(relPath: string): string;
  path(relPath: string): string;
}

/** A fresh folder per test, removed after it. Call at the top of a describe block. */
export function useTempDir(prefix = 'docqa-ingest-'): () => TempDir {
  const made: string[] = [];
  afterEach(() => {
    for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  return () => {
    const root = mkdtempSync(path.join(tmpdir(), prefix));
    made.push(root);
    return {
      root,
      path: (rel) => path.join(root, rel),
      write(rel, content) {
        const abs = path.join(root, rel);
        mkdirSync(path.dirname(abs), { recursive: true });
        writeFileSync(abs, content);
        return abs;
      },
      mkdir(rel) {
        const abs = path.join(root, rel);
        mkdirSync(abs, { recursive: true });
        return abs;
      },
    };
  };
}

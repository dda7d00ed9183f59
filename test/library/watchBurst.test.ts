import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library, type WatchEvent } from '../../main/engine/library/index.js';
import { openDatabase } from '../../main/engine/store/database.js';
import { checkLibraryFile } from './consistency.js';
import { tempDir, writeTestPack } from './helpers.js';

const tmp = tempDir('docqa-watch-burst-');
let lib: Library;
let dbPath: string;
let docs: string;

beforeAll(async () => {
  const pack = await writeTestPack(path.join(tmp.dir, 'pack'));
  docs = path.join(tmp.dir, 'docs');
  tmp.file('docs/kept/keep.md', '# Kept\n\nA file from before the burst.\n');
  tmp.file('docs/replaced/old.md', '# Old\n\nThis folder is deleted and made again during the burst.\n');
  tmp.file('docs/doomed.txt', 'Deleted during the burst.\n');
  dbPath = path.join(tmp.dir, 'lib.sqlite');
  lib = await Library.open({ dbPath, packDir: pack, provider: 'cpu' });
  await lib.addFolder(docs);
  await lib.ingest();
});

afterAll(async () => {
  await lib?.close();
  tmp.cleanup();
});

/**
 * What a sync tool or an unzip does: new nested folders with files, edits and
 * deletes as fast as one process can make them, a folder deleted and made
 * again, then (after the burst) files written into the new folders.
 */
const BURST = `
const fs = require('node:fs/promises'), p = require('node:path');
const root = process.argv[1];
(async () => {
  await fs.rm(p.join(root, 'doomed.txt'));
  await fs.rm(p.join(root, 'replaced'), { recursive: true });
  await fs.mkdir(p.join(root, 'replaced'));
  for (let d = 0; d < 30; d++) {
    const dir = p.join(root, 'burst' + d, 'level' + (d % 3), 'leaf');
    await fs.mkdir(dir, { recursive: true });
    for (let f = 0; f < 8; f++) await fs.writeFile(p.join(dir, 'note' + f + '.md'), '# Note ' + d + '.' + f + '\\n\\nword' + d + 'x' + f + '\\n');
    await fs.appendFile(p.join(dir, 'note0.md'), 'edited during the burst\\n');
    await fs.rm(p.join(dir, 'note7.md'));
    await fs.writeFile(p.join(root, 'replaced', 'r' + d + '.txt'), 'replaced folder file ' + d + '\\n');
  }
})();
`;

function runBurst(root: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', BURST, root], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`burst exited with ${code}`))));
  });
}

/** Every readable file under `root`: relative path → size. */
function filesOnDisk(root: string): Map<string, number> {
  const files = new Map<string, number>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    files.set(path.relative(root, abs).split(path.sep).join('/'), statSync(abs).size);
  }
  return files;
}

/** What the index holds: relative path → size of the version indexed. */
function filesIndexed(): Map<string, number> {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT rel_path, size FROM documents').all() as {
      rel_path: string;
      size: number;
    }[];
    return new Map(rows.map((r) => [r.rel_path, r.size]));
  } finally {
    db.close();
  }
}

const differences = (disk: Map<string, number>, index: Map<string, number>): string[] => [
  ...[...disk].filter(([f, size]) => index.get(f) !== size).map(([f]) => `not indexed as on disk: ${f}`),
  ...[...index.keys()].filter((f) => !disk.has(f)).map((f) => `indexed but gone: ${f}`),
];

/** Polls until the index matches the disk or a generous bound passes; the caller asserts afterwards. */
async function settle(): Promise<void> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline && differences(filesOnDisk(docs), filesIndexed()).length)
    await new Promise((resolve) => setTimeout(resolve, 250));
}

describe('watching a library through a burst of changes', () => {
  it('indexes every file created in the burst and after it, and drops every deleted one', async () => {
    const errors: string[] = [];
    const stop = await lib.watch((e: WatchEvent) => {
      if (e.type === 'error') errors.push(e.message);
    });
    try {
      await runBurst(docs);
      await settle();
      expect(differences(filesOnDisk(docs), filesIndexed())).toEqual([]);
      expect(filesOnDisk(docs).size).toBe(1 + 30 + 30 * 7);

      // The new and the re-made folders are watched like the others.
      tmp.file('docs/replaced/after.md', '# After\n\nWritten once the burst was over.\n');
      tmp.file('docs/burst4/level1/leaf/after.md', '# After\n\nAlso written later.\n');
      await settle();
      expect(differences(filesOnDisk(docs), filesIndexed())).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await stop();
    }
    expect(checkLibraryFile(dbPath)).toEqual([]);
  }, 150_000);
});

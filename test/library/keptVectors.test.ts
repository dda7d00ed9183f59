import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readerKey } from '../../main/engine/ingest/index.js';
import { Library } from '../../main/engine/library/index.js';
import { openDatabase } from '../../main/engine/store/database.js';
import { checkLibraryFile } from './consistency.js';
import { tempDir, writeTestPack } from './helpers.js';

const tmp = tempDir('docqa-kept-');
let packDir: string;

/** A Markdown guide of `sections` sections, each one passage; `edited` rewrites one section's words. */
function guide(sections: number, edited: number | null = null): string {
  const parts = ['# Orchard guide'];
  for (let i = 0; i < sections; i++) {
    const words =
      i === edited
        ? `Section ${i} now says that quinces want a sheltered corner and little pruning.`
        : `Section ${i} explains how apple tree number ${i} is watered, pruned in winter and fed in spring.`;
    parts.push(`## Part ${i}`, `${words} ${'The orchard keeps records of every tree. '.repeat(6)}`);
  }
  return `${parts.join('\n\n')}\n`;
}

interface StoredPassage {
  chunkId: number;
  text: string;
  vector: Float32Array;
}

function passagesOf(dbPath: string, relPath: string): StoredPassage[] {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const table = db
      .prepare("SELECT table_name FROM vector_sets WHERE state = 'active'")
      .pluck()
      .get() as string;
    const vector = db.prepare(`SELECT embedding FROM ${table} WHERE chunk_id = ?`).pluck();
    const rows = db
      .prepare(
        'SELECT c.id, c.text FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.rel_path = ? ORDER BY d.id, c.ord',
      )
      .all(relPath) as { id: number; text: string }[];
    return rows.map((r) => {
      const bytes = vector.get(BigInt(r.id)) as Buffer;
      const v = new Float32Array(bytes.byteLength / 4);
      new Uint8Array(v.buffer).set(bytes);
      return { chunkId: r.id, text: r.text, vector: v };
    });
  } finally {
    db.close();
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

/** Writes `vector` as the stored vector of a chunk, so a later copy of it can be told from a new embedding. */
function overwriteVector(dbPath: string, chunkId: number, vector: Float32Array): void {
  const db = openDatabase(dbPath);
  try {
    const table = db
      .prepare("SELECT table_name FROM vector_sets WHERE state = 'active'")
      .pluck()
      .get() as string;
    db.prepare(`UPDATE ${table} SET embedding = ? WHERE chunk_id = ?`).run(vector, BigInt(chunkId));
  } finally {
    db.close();
  }
}

function setReader(dbPath: string, relPath: string, reader: string | null): void {
  const db = openDatabase(dbPath);
  try {
    db.prepare('UPDATE documents SET reader = ? WHERE rel_path = ?').run(reader, relPath);
  } finally {
    db.close();
  }
}

function readerOf(dbPath: string, relPath: string): string | null {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT reader FROM documents WHERE rel_path = ?').pluck().get(relPath) as
      string | null;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  packDir = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 32 });
});

afterAll(() => tmp.cleanup());

describe('passages whose text did not change keep their vectors', () => {
  it('embeds only the edited passage of an edited file, and the result is what a fresh library holds', async () => {
    const docs = path.join(tmp.dir, 'edit-docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(path.join(docs, 'guide.md'), guide(8));
    writeFileSync(path.join(docs, 'other.txt'), 'A note about pears and plums, unrelated to the guide.\n');
    const dbPath = path.join(tmp.dir, 'edit', 'library.sqlite');
    const lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
    try {
      await lib.addFolder(docs);
      const first = await lib.ingest();
      expect(first.passagesKept).toBe(0);
      const before = passagesOf(dbPath, 'guide.md');
      expect(before.length).toBeGreaterThanOrEqual(8);

      // A marked vector for an unchanged passage: if it comes back, it was kept, not embedded again.
      const marker = Float32Array.from({ length: 32 }, (_, i) => (i % 2 ? 0.25 : -0.25));
      const untouched = before.find((p) => p.text.includes('apple tree number 5 '))!;
      overwriteVector(dbPath, untouched.chunkId, marker);
      const edited = before.find((p) => p.text.includes('apple tree number 3 '))!;
      overwriteVector(dbPath, edited.chunkId, marker);

      writeFileSync(path.join(docs, 'guide.md'), guide(8, 3));
      const run = await lib.ingest();
      expect(run).toMatchObject({ filesUpdated: 1, filesSkipped: 1 });
      expect(run.passagesKept).toBe(before.length - 1);
      const after = passagesOf(dbPath, 'guide.md');
      expect(after).toHaveLength(before.length);
      // New rows (the file was written again) with the old vectors, the marked one included.
      expect(after.map((p) => p.chunkId).filter((id) => before.some((b) => b.chunkId === id))).toEqual([]);
      expect([...after.find((p) => p.text.includes('apple tree number 5 '))!.vector]).toEqual([...marker]);
      // The edited passage was embedded: not the marker its old text had.
      const quinces = after.find((p) => p.text.includes('quinces'))!;
      expect(cosine(quinces.vector, marker)).toBeLessThan(0.9);

      // Every other vector is what a library that reads the edited file afresh computes.
      const freshPath = path.join(tmp.dir, 'edit-fresh', 'library.sqlite');
      const fresh = await Library.open({ dbPath: freshPath, packDir, provider: 'cpu' });
      try {
        await fresh.addFolder(docs);
        await fresh.ingest();
      } finally {
        await fresh.close();
      }
      const freshPassages = passagesOf(freshPath, 'guide.md');
      expect(freshPassages.map((p) => p.text)).toEqual(after.map((p) => p.text));
      after.forEach((p, i) => {
        if (p.text.includes('apple tree number 5 ')) return;
        expect(cosine(p.vector, freshPassages[i].vector)).toBeGreaterThan(0.9999);
      });
      expect(
        (await lib.ask('Which fruit wants a sheltered corner?', { mode: 'bm25' })).results[0].text,
      ).toContain('quinces');
      expect(checkLibraryFile(dbPath)).toEqual([]);
    } finally {
      await lib.close();
    }
  });

  it('a copy of a file, in the same folder or another of the library, takes the vectors its passages have', async () => {
    const docs = path.join(tmp.dir, 'copy-docs');
    const other = path.join(tmp.dir, 'copy-other');
    mkdirSync(docs, { recursive: true });
    mkdirSync(other, { recursive: true });
    writeFileSync(path.join(docs, 'guide.md'), guide(4));
    const dbPath = path.join(tmp.dir, 'copy', 'library.sqlite');
    const lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
    try {
      await lib.addFolder(docs);
      await lib.ingest();
      const original = passagesOf(dbPath, 'guide.md');
      const marker = Float32Array.from({ length: 32 }, (_, i) => (i % 3 ? 0.2 : -0.2));
      overwriteVector(dbPath, original[1].chunkId, marker);

      // The same text under another name (its title is its first heading, so the passages are the same).
      writeFileSync(path.join(docs, 'guide copy.md'), guide(4));
      writeFileSync(path.join(other, 'guide.md'), guide(4));
      await lib.addFolder(other);
      const run = await lib.ingest();
      expect(run).toMatchObject({ filesAdded: 2 });
      expect(run.passagesKept).toBe(2 * original.length);
      for (const copy of [
        passagesOf(dbPath, 'guide copy.md'),
        passagesOf(dbPath, 'guide.md').slice(original.length),
      ]) {
        expect(copy.map((p) => p.text)).toEqual(original.map((p) => p.text));
        expect([...copy[1].vector]).toEqual([...marker]);
        copy.forEach((p, i) => i !== 1 && expect([...p.vector]).toEqual([...original[i].vector]));
      }
      expect(checkLibraryFile(dbPath)).toEqual([]);
    } finally {
      await lib.close();
    }
  });

  it("a folder moved from one of the library's folders into another keeps its documents, or at least its vectors", async () => {
    const from = path.join(tmp.dir, 'move-from');
    const to = path.join(tmp.dir, 'move-to');
    mkdirSync(path.join(from, 'orchard'), { recursive: true });
    mkdirSync(to, { recursive: true });
    writeFileSync(path.join(from, 'orchard', 'guide.md'), guide(4));
    writeFileSync(path.join(from, 'orchard', 'bees.txt'), 'Bees visit the blossom in April.\n');
    writeFileSync(path.join(to, 'cider.txt'), 'Cider presses are cleaned after every pressing.\n');
    const dbPath = path.join(tmp.dir, 'move', 'library.sqlite');
    const lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
    const documentOf = (relPath: string) => {
      const db = openDatabase(dbPath, { readonly: true });
      try {
        return db
          .prepare(
            `SELECT d.id, f.path AS folder, (SELECT COUNT(*) FROM signals s WHERE s.document_id = d.id) AS signals
               FROM documents d JOIN folders f ON f.id = d.folder_id WHERE d.rel_path = ?`,
          )
          .get(relPath) as { id: number; folder: string; signals: number };
      } finally {
        db.close();
      }
    };
    try {
      await lib.addFolder(from);
      await lib.addFolder(to);
      await lib.ingest();
      const asked = await lib.ask('When do bees visit the blossom?', { mode: 'bm25', log: true });
      expect(asked.results[0].path).toBe('orchard/bees.txt');
      await lib.feedback(asked.answerId!, 1, 'good');
      const bees = documentOf('orchard/bees.txt');
      const guideBefore = passagesOf(dbPath, 'orchard/guide.md');
      const marker = Float32Array.from({ length: 32 }, (_, i) => (i % 4 ? 0.3 : -0.1));
      overwriteVector(dbPath, guideBefore[2].chunkId, marker);

      // Moved while DocQA was closed; the guide edited on the way (its document cannot follow it).
      renameSync(path.join(from, 'orchard'), path.join(to, 'orchard'));
      writeFileSync(path.join(to, 'orchard', 'guide.md'), guide(4, 0));
      const run = await lib.ingest();
      expect(run).toMatchObject({ filesAdded: 1, filesRemoved: 1, filesUpdated: 1 });
      // bees.txt followed: the same document, in the other folder, with the user's signal.
      expect(documentOf('orchard/bees.txt')).toEqual({ ...bees, folder: to });
      expect(bees.signals).toBe(1);
      // The guide is new there, but all its passages but the edited one took the vectors they had.
      expect(run.passagesKept).toBe(guideBefore.length - 1);
      expect([...passagesOf(dbPath, 'orchard/guide.md')[2].vector]).toEqual([...marker]);
      expect(checkLibraryFile(dbPath)).toEqual([]);
    } finally {
      await lib.close();
    }
  });

  it('a forced re-index reads every file and embeds nothing that did not change', async () => {
    const docs = path.join(tmp.dir, 'force-docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(path.join(docs, 'guide.md'), guide(5));
    writeFileSync(
      path.join(docs, 'notes.txt'),
      'Bees visit the blossom in April.\n\nHives need water nearby.\n',
    );
    const dbPath = path.join(tmp.dir, 'force', 'library.sqlite');
    const lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
    try {
      await lib.addFolder(docs);
      const first = await lib.ingest();
      const forced = await lib.ingest({ force: true });
      expect(forced).toMatchObject({ filesUpdated: 2, filesSkipped: 0 });
      expect(forced.passagesKept).toBe(first.chunks);
      expect(forced.chunks).toBe(first.chunks);
      expect(checkLibraryFile(dbPath)).toEqual([]);
    } finally {
      await lib.close();
    }
  });
});

describe('files read by an older reader', () => {
  it('are read again by the next run even when unchanged, and only they', async () => {
    const docs = path.join(tmp.dir, 'reader-docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(path.join(docs, 'guide.md'), guide(3));
    writeFileSync(path.join(docs, 'notes.txt'), 'Bees visit the blossom in April.\n');
    writeFileSync(path.join(docs, 'old.txt'), 'Cider presses are cleaned after every pressing.\n');
    writeFileSync(path.join(docs, 'empty.txt'), '');
    const dbPath = path.join(tmp.dir, 'reader', 'library.sqlite');
    const lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
    try {
      await lib.addFolder(docs);
      await lib.ingest();
      expect(readerOf(dbPath, 'guide.md')).toBe(readerKey('markdown'));
      expect(readerOf(dbPath, 'empty.txt')).toBe(readerKey('text')); // a failed file records its reader too
      const guideChunks = passagesOf(dbPath, 'guide.md').length;

      const nothing = await lib.ingest();
      expect(nothing).toMatchObject({ filesUpdated: 0, filesSkipped: 3, filesFailed: 1 });

      // An older reader's file, a file indexed before readers were recorded, and a failed file of an older reader.
      setReader(dbPath, 'guide.md', 'markdown.0/chunker.0');
      setReader(dbPath, 'old.txt', null);
      setReader(dbPath, 'empty.txt', 'text.0/chunker.0');
      const upgraded = await lib.ingest();
      expect(upgraded).toMatchObject({ filesUpdated: 2, filesSkipped: 1, filesFailed: 1 });
      expect(upgraded.passagesKept).toBe(guideChunks + 1);
      for (const [file, type] of [
        ['guide.md', 'markdown'],
        ['old.txt', 'text'],
        ['empty.txt', 'text'],
      ] as const)
        expect(readerOf(dbPath, file)).toBe(readerKey(type));
      expect((await lib.failedFiles()).map((f) => f.path)).toEqual(['empty.txt']);

      const settled = await lib.ingest();
      expect(settled).toMatchObject({ filesUpdated: 0, filesSkipped: 3, passagesKept: 0 });
      expect(checkLibraryFile(dbPath)).toEqual([]);
    } finally {
      await lib.close();
    }
  });

  it('a new passage size reaches every file at the next run, not only the files indexed after it', async () => {
    const docs = path.join(tmp.dir, 'cut-docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(path.join(docs, 'guide.md'), guide(3));
    writeFileSync(path.join(docs, 'notes.txt'), 'Bees visit the blossom in April.\n');
    writeFileSync(path.join(docs, 'empty.txt'), '');
    const dbPath = path.join(tmp.dir, 'cut', 'library.sqlite');
    const lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
    try {
      await lib.addFolder(docs);
      await lib.ingest();
      const atDefault = passagesOf(dbPath, 'guide.md').length;

      await lib.updateSettings({ chunkTargetChars: 200 });
      const recut = await lib.ingest();
      expect(recut).toMatchObject({ filesUpdated: 2, filesSkipped: 0, filesFailed: 1 });
      const small = passagesOf(dbPath, 'guide.md');
      expect(small.length).toBeGreaterThan(atDefault);
      expect(Math.max(...small.map((p) => p.text.length))).toBeLessThan(300);
      const cut = { targetChars: 200, overlapChars: 0 };
      expect(readerOf(dbPath, 'guide.md')).toBe(readerKey('markdown', cut));
      expect(readerOf(dbPath, 'empty.txt')).toBe(readerKey('text', cut));
      expect(await lib.ingest()).toMatchObject({ filesUpdated: 0, filesSkipped: 2 });

      // Back at the defaults: the key is the one recorded before settings were part of it.
      await lib.updateSettings({ chunkTargetChars: 800 });
      const back = await lib.ingest();
      expect(back).toMatchObject({ filesUpdated: 2, filesFailed: 1 });
      expect(back.passagesKept).toBeGreaterThanOrEqual(1); // notes.txt's one passage is the same text
      expect(passagesOf(dbPath, 'guide.md')).toHaveLength(atDefault);
      expect(readerOf(dbPath, 'guide.md')).toBe(readerKey('markdown'));
      expect(readerKey('markdown', { targetChars: 800, overlapChars: 0 })).toBe(readerKey('markdown'));
      expect(checkLibraryFile(dbPath)).toEqual([]);
    } finally {
      await lib.close();
    }
  });

  it('a renamed file keeps its document, and is read again when its reader is older or its new name needs another', async () => {
    const docs = path.join(tmp.dir, 'rename-docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(path.join(docs, 'bees.txt'), 'Bees visit the blossom in April.\n');
    writeFileSync(path.join(docs, 'hives.txt'), '# Hives\n\nA hive needs water within a short flight.\n');
    writeFileSync(path.join(docs, 'cider.txt'), 'Cider presses are cleaned after every pressing.\n');
    const dbPath = path.join(tmp.dir, 'rename', 'library.sqlite');
    const lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
    const idOf = (relPath: string): number | undefined => {
      const db = openDatabase(dbPath, { readonly: true });
      try {
        return db.prepare('SELECT id FROM documents WHERE rel_path = ?').pluck().get(relPath) as
          number | undefined;
      } finally {
        db.close();
      }
    };
    try {
      await lib.addFolder(docs);
      await lib.ingest();
      const ids = { bees: idOf('bees.txt'), hives: idOf('hives.txt'), cider: idOf('cider.txt') };
      setReader(dbPath, 'bees.txt', 'text.0/chunker.0');
      renameSync(path.join(docs, 'bees.txt'), path.join(docs, 'bees-in-spring.txt'));
      // Same bytes, now Markdown: its "# Hives" line becomes a heading.
      renameSync(path.join(docs, 'hives.txt'), path.join(docs, 'hives.md'));
      renameSync(path.join(docs, 'cider.txt'), path.join(docs, 'cider-notes.txt'));
      const run = await lib.ingest();
      expect(run).toMatchObject({ filesAdded: 0, filesUpdated: 3, filesRemoved: 0 });
      expect(run.passagesKept).toBe(1); // bees: same text; hives' passage now has a heading path
      expect([idOf('bees-in-spring.txt'), idOf('hives.md'), idOf('cider-notes.txt')]).toEqual([
        ids.bees,
        ids.hives,
        ids.cider,
      ]);
      expect(readerOf(dbPath, 'bees-in-spring.txt')).toBe(readerKey('text'));
      expect(readerOf(dbPath, 'hives.md')).toBe(readerKey('markdown'));
      const hive = (await lib.ask('How far should water be from a hive?', { mode: 'bm25' })).results[0];
      expect(hive).toMatchObject({ path: 'hives.md', headingPath: ['Hives'] });
      expect(checkLibraryFile(dbPath)).toEqual([]);
    } finally {
      await lib.close();
    }
  });
});

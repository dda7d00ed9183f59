import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../main/engine/errors.js';
import { openDatabase } from '../../main/engine/store/database.js';
import {
  DocumentStore,
  VectorSetChangedError,
  type IndexedDocument,
} from '../../main/engine/store/documentStore.js';
import { FTS_VERSION } from '../../main/engine/store/ftsIndex.js';
import { insertFolder, listFolders } from '../../main/engine/store/folders.js';
import { SCHEMA_VERSION } from '../../main/engine/store/migrations.js';
import {
  activateVectorSet,
  activeVectorSet,
  createVectorSet,
  listVectorSets,
  signBits,
} from '../../main/engine/store/vectorSets.js';
import { indexColumns } from '../../main/engine/text/analyzer.js';
import { checkConsistency } from '../library/consistency.js';
import { seededRandom, tempDir } from '../library/helpers.js';

const tmp = tempDir('docqa-store-');
afterAll(() => tmp.cleanup());

const DIM = 16;
const pack = (hash: string) => ({
  answerHash: hash,
  questionHash: `q-${hash}`,
  packName: 'p',
  packVersion: '1',
  packDir: '/packs/p',
  dim: DIM,
});

function unitVectors(n: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  const v = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < DIM; j++) norm += (v[i * DIM + j] = r() - 0.5) ** 2;
    for (let j = 0; j < DIM; j++) v[i * DIM + j] /= Math.sqrt(norm);
  }
  return v;
}

function doc(
  folderId: number,
  relPath: string,
  texts: string[],
  vectors: Map<number, Float32Array>,
): IndexedDocument {
  let at = 0;
  return {
    folderId,
    relPath,
    size: 100,
    mtimeMs: 1,
    hash: `h-${relPath}-${texts.join('|').length}`,
    type: 'text',
    title: relPath,
    encoding: 'utf-8',
    chunks: texts.map((text, ord) => {
      const start = at;
      at += text.length + 2;
      return {
        ord,
        start,
        end: start + text.length,
        headingPath: [],
        page: null,
        line: ord + 1,
        text,
        fts: indexColumns(text),
      };
    }),
    vectors,
  };
}

describe('library database', () => {
  it('creates the schema with WAL and foreign keys, and reopens without migrating again', () => {
    const file = path.join(tmp.dir, 'a.sqlite');
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    insertFolder(db, '/data/docs', ['*.log']);
    db.close();
    const again = openDatabase(file);
    expect(listFolders(again).map((f) => f.path)).toEqual(['/data/docs']);
    expect(again.prepare(`SELECT value FROM meta WHERE key = 'fts_version'`).pluck().get()).toBe(FTS_VERSION);
    again.close();
  });

  it('gives the documents of a library from before readers were recorded no reader (read again once)', () => {
    const file = path.join(tmp.dir, 'v4.sqlite');
    const db = openDatabase(file);
    const folder = insertFolder(db, '/data/docs', []);
    new DocumentStore(db).write(doc(folder, 'a.txt', ['alpha'], new Map()));
    // What a DocQA of schema version 4 left: the same tables without the columns of 5 and 6
    // and the tables of 7 and 8.
    db.exec('ALTER TABLE documents DROP COLUMN reader');
    db.exec('DROP INDEX chunks_passage_hash; ALTER TABLE chunks DROP COLUMN passage_hash');
    db.exec('DROP TABLE removed_vectors; DROP TABLE removed_folders');
    db.pragma('user_version = 4');
    db.close();
    const reopened = openDatabase(file);
    expect(reopened.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(reopened.prepare('SELECT rel_path, reader FROM documents').all()).toEqual([
      { rel_path: 'a.txt', reader: null },
    ]);
    expect(new DocumentStore(reopened).documentsOf(folder).get('a.txt')?.reader).toBeNull();
    expect(reopened.prepare('SELECT passage_hash FROM chunks').pluck().all()).toEqual([null]);
    expect(reopened.prepare('SELECT COUNT(*) FROM removed_folders').pluck().get()).toBe(0);
    reopened.close();
  });

  it('refuses a file that is not a library, and one from a newer DocQA, with one clear line', () => {
    const junk = tmp.file(
      'junk.sqlite',
      'this is not sqlite at all, just some text long enough to be read as a header',
    );
    const e1 = (() => {
      try {
        openDatabase(junk);
      } catch (e) {
        return e;
      }
    })();
    expect(isUserError(e1)).toBe(true);
    expect((e1 as Error).message).toMatch(/not a DocQA library/);
    const newer = path.join(tmp.dir, 'newer.sqlite');
    openDatabase(newer).pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    expect(() => openDatabase(newer)).toThrow(/newer DocQA/);
  });

  it('writes, replaces and removes documents with their chunks, FTS rows and vectors together', () => {
    const db = openDatabase(path.join(tmp.dir, 'docs.sqlite'));
    const folderId = insertFolder(db, '/data/docs');
    const set = createVectorSet(db, pack('A'), 'active');
    const store = new DocumentStore(db);
    const id = store.write(
      doc(
        folderId,
        'a.txt',
        ['绿茶用八十度的水', 'black tea needs boiling water'],
        new Map([[set.id, unitVectors(2, 1)]]),
      ),
    );
    store.write(doc(folderId, 'b.txt', ['umbrella for the rain'], new Map([[set.id, unitVectors(1, 2)]])));
    expect(checkConsistency(db)).toEqual([]);
    const match = (q: string) =>
      db.prepare('SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?').pluck().all(q);
    expect(match('"绿茶"')).toHaveLength(1);
    expect(match('"boil"')).toHaveLength(1); // Porter-stemmed "boiling"

    // Replace: same path, new content; the old chunks leave every index.
    const again = store.write(doc(folderId, 'a.txt', ['oolong tea'], new Map([[set.id, unitVectors(1, 3)]])));
    expect(again).toBe(id);
    expect(match('"绿茶"')).toHaveLength(0);
    expect(match('"oolong"')).toHaveLength(1);
    expect(db.prepare(`SELECT COUNT(*) FROM ${set.tableName}`).pluck().get()).toBe(2);
    expect(checkConsistency(db)).toEqual([]);

    store.writeFailure({ folderId, relPath: 'b.txt', size: 5, mtimeMs: 2 }, 'binary file');
    expect(match('"umbrella"')).toHaveLength(0);
    expect(db.prepare(`SELECT status, error, chunks FROM documents WHERE rel_path = 'b.txt'`).get()).toEqual({
      status: 'failed',
      error: 'binary file',
      chunks: 0,
    });

    store.remove(id);
    expect(db.prepare('SELECT COUNT(*) FROM chunks').pluck().get()).toBe(0);
    expect(db.prepare(`SELECT COUNT(*) FROM ${set.tableName}`).pluck().get()).toBe(0);
    expect(checkConsistency(db)).toEqual([]);
    db.close();
  });

  it('refuses to write a document without vectors for the active set (it changed mid-run)', () => {
    const db = openDatabase(path.join(tmp.dir, 'sets.sqlite'));
    const folderId = insertFolder(db, '/data/docs');
    const a = createVectorSet(db, pack('A'), 'active');
    const store = new DocumentStore(db);
    store.write(doc(folderId, 'a.txt', ['one'], new Map([[a.id, unitVectors(1, 1)]])));
    const b = createVectorSet(db, pack('B'), 'building');
    // A building set may lag behind (re-embedding catches up); the active one may not.
    store.write(doc(folderId, 'b.txt', ['two'], new Map([[a.id, unitVectors(1, 2)]])));
    activateVectorSet(db, b.id);
    expect(listVectorSets(db).map((s) => [s.id, s.state])).toEqual([[b.id, 'active']]);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = ?`).get(a.tableName)).toBeUndefined();
    expect(() =>
      store.write(doc(folderId, 'c.txt', ['three'], new Map([[a.id, unitVectors(1, 3)]]))),
    ).toThrow(VectorSetChangedError);
    expect(db.prepare(`SELECT COUNT(*) FROM documents WHERE rel_path = 'c.txt'`).pluck().get()).toBe(0);
    expect(activeVectorSet(db)?.id).toBe(b.id);
    db.close();
  });

  it('stores sign bits that sqlite-vec reads as the same bit vector', () => {
    const db = openDatabase(path.join(tmp.dir, 'bits.sqlite'));
    const v = Float32Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 1 : -1));
    const bits = signBits(v, 0, 12);
    expect(bits.length).toBe(2); // 12 dimensions padded to 16 bits
    expect([...bits]).toEqual([0b01001001, 0b00000010]);
    // Hamming distance between two bit vectors as sqlite-vec computes it.
    const other = signBits(
      Float32Array.from({ length: 12 }, () => 1),
      0,
      12,
    );
    expect(db.prepare('SELECT vec_distance_hamming(vec_bit(?), vec_bit(?))').pluck().get(bits, other)).toBe(
      8,
    );
    db.close();
  });

  it('rebuilds the FTS index from the stored chunks when the analyzer version changes', () => {
    const file = path.join(tmp.dir, 'fts.sqlite');
    const db = openDatabase(file);
    const folderId = insertFolder(db, '/data/docs');
    const set = createVectorSet(db, pack('A'), 'active');
    new DocumentStore(db).write(
      doc(folderId, 'a.txt', ['茶叶的保存方法', 'keep tea dry'], new Map([[set.id, unitVectors(2, 1)]])),
    );
    db.prepare(`UPDATE meta SET value = 'analyzer-0' WHERE key = 'fts_version'`).run();
    db.exec('DELETE FROM chunks_fts');
    db.close();
    const reopened = openDatabase(file);
    expect(
      reopened.prepare(`SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH '"保存"'`).pluck().all(),
    ).toHaveLength(1);
    expect(
      reopened.prepare(`SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH '"dry"'`).pluck().all(),
    ).toHaveLength(1);
    expect(checkConsistency(reopened)).toEqual([]);
    reopened.close();
  });

  it('keeps a library file that another process may read while this one writes (WAL)', () => {
    const file = path.join(tmp.dir, 'wal.sqlite');
    const writer = openDatabase(file);
    insertFolder(writer, '/x');
    const reader = openDatabase(file, { readonly: true });
    writer.transaction(() => insertFolder(writer, '/y'))();
    expect(listFolders(reader)).toHaveLength(2);
    reader.close();
    writer.close();
  });
});

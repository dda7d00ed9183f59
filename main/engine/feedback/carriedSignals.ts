import type { Database } from 'better-sqlite3';
import { passageHash, resolvePassage, signalErasures, type ShownPassage } from './signalStore.js';

/**
 * A file moved and edited between two indexing runs is a removed document and a new
 * one: the store cannot tell it from a deletion and an unrelated file. Its signals
 * would go with the removed document. So the run takes them out first, with a hash of
 * the passage each one covers today, and gives each back to a passage of the run's
 * new documents with the same text; a signal whose passage text is nowhere new goes
 * with its document, as before. The logged answers' lists of shown passages follow the
 * same way, so that what was passed over above a chosen passage still counts.
 */
export interface CarriedSignal {
  /** Kept, so learning's "signals through id N" still means what it meant. */
  id: number;
  answerId: number;
  rank: number;
  kind: string;
  textHash: string;
  createdAt: string;
  /** passageHash of the text the signal's passage covers now. */
  coveredHash: string;
}

/** A place in a logged answer's list of shown passages that named a removed document. */
export interface CarriedShownPlace {
  answerId: number;
  index: number;
  coveredHash: string;
}

/** Signals taken out of documents about to be removed. */
export interface CarriedSignals {
  signals: CarriedSignal[];
  /** Shown places of answers with signals, in those documents. */
  shown: CarriedShownPlace[];
  /** signalErasures when they were taken: erased since, none comes back. */
  erasures: number;
}

/** The signals of documents about to be removed, each with the passage it covers now. */
export function signalsToCarry(db: Database, documentIds: readonly number[]): CarriedSignals {
  const erasures = signalErasures(db);
  if (!documentIds.length) return { signals: [], shown: [], erasures };
  const rows = db
    .prepare(
      `SELECT id, answer_id, rank, kind, document_id, start, end, text_hash, created_at FROM signals
       WHERE document_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    )
    .all(JSON.stringify(documentIds)) as {
    id: number;
    answer_id: number;
    rank: number;
    kind: string;
    document_id: number;
    start: number;
    end: number;
    text_hash: string;
    created_at: string;
  }[];
  const covered = coveredHashes(db);
  const carried: CarriedSignal[] = [];
  for (const r of rows) {
    const coveredHash = covered({ documentId: r.document_id, start: r.start, end: r.end });
    if (coveredHash === null) continue;
    carried.push({
      id: r.id,
      answerId: r.answer_id,
      rank: r.rank,
      kind: r.kind,
      textHash: r.text_hash,
      createdAt: r.created_at,
      coveredHash,
    });
  }
  return { signals: carried, shown: shownPlacesIn(db, new Set(documentIds), covered), erasures };
}

/**
 * The hash of the text a passage named by document and span covers now (null: nothing
 * does), each span resolved once: a chosen passage is named by its signal and by its
 * answer's shown list alike.
 */
function coveredHashes(
  db: Database,
): (p: { documentId: number; start: number; end: number }) => string | null {
  const textOf = db.prepare('SELECT text FROM chunks WHERE id = ?').pluck();
  const known = new Map<string, string | null>();
  return (p) => {
    const key = `${p.documentId}:${p.start}:${p.end}`;
    if (!known.has(key)) {
      const chunkId = resolvePassage(db, p);
      known.set(key, chunkId === null ? null : passageHash(textOf.get(chunkId) as string));
    }
    return known.get(key)!;
  };
}

function shownPlacesIn(
  db: Database,
  removed: ReadonlySet<number>,
  covered: ReturnType<typeof coveredHashes>,
): CarriedShownPlace[] {
  const answers = db
    .prepare('SELECT id, shown FROM answers WHERE id IN (SELECT DISTINCT answer_id FROM signals) ORDER BY id')
    .all() as { id: number; shown: string }[];
  const places: CarriedShownPlace[] = [];
  for (const a of answers) {
    (JSON.parse(a.shown) as ShownPassage[]).forEach((p, index) => {
      if (!removed.has(p.documentId)) return;
      const coveredHash = covered(p);
      if (coveredHash !== null) places.push({ answerId: a.id, index, coveredHash });
    });
  }
  return places;
}

/** The highest document id now: documents indexed from here on have higher ones. */
export function lastDocumentId(db: Database): number {
  return db.prepare('SELECT COALESCE(MAX(id), 0) FROM documents').pluck().get() as number;
}

/** Where carried signals look for their passages. */
export type PassageScope =
  /** Documents indexed after that one: this run's new documents (a file moved and edited). */
  | { afterDocumentId: number }
  /** A folder's documents (a removed folder put back, indexed over one run or more). */
  | { folderId: number }
  /** Every document (what a killed run held). */
  | 'anywhere';

const CHUNKS_IN_SCOPE = {
  after:
    'SELECT id, document_id, start, end, text FROM chunks WHERE document_id > ? ORDER BY document_id, ord',
  folder: `SELECT c.id, c.document_id, c.start, c.end, c.text FROM chunks c JOIN documents d ON d.id = c.document_id
           WHERE d.folder_id = ? ORDER BY c.document_id, c.ord`,
  anywhere: 'SELECT id, document_id, start, end, text FROM chunks ORDER BY document_id, ord',
};

/**
 * Gives carried signals back to passages in `scope` with the same text (the first such
 * passage, by document then place), unless the signals were erased meanwhile. Returns how
 * many, and what is still to give back: the signals and shown places no passage took (none
 * once erased).
 */
export function reattachSignals(
  db: Database,
  carry: CarriedSignals,
  scope: PassageScope,
): { given: number; left: CarriedSignals } {
  if (!carry.signals.length && !carry.shown.length) return { given: 0, left: carry };
  const chunks = (
    scope === 'anywhere'
      ? db.prepare(CHUNKS_IN_SCOPE.anywhere).iterate()
      : 'folderId' in scope
        ? db.prepare(CHUNKS_IN_SCOPE.folder).iterate(scope.folderId)
        : db.prepare(CHUNKS_IN_SCOPE.after).iterate(scope.afterDocumentId)
  ) as IterableIterator<ChunkRow>;
  const { given, settled, placed, erased } = giveBack(db, carry, chunks);
  return {
    given,
    left: {
      signals: erased ? [] : carry.signals.filter((c) => !settled.includes(c)),
      shown: carry.shown.filter((p) => !placed.includes(p)),
      erasures: carry.erasures,
    },
  };
}

/** Carried signals that are nowhere else: merged, each signal once; `b`'s only if not erased since `a` was taken. */
export function mergeCarried(a: CarriedSignals, b: CarriedSignals): CarriedSignals {
  const ids = new Set(a.signals.map((s) => s.id));
  const kept = b.erasures === a.erasures ? b.signals.filter((s) => !ids.has(s.id)) : [];
  return { signals: [...a.signals, ...kept], shown: [...a.shown, ...b.shown], erasures: a.erasures };
}

const IN_FLIGHT = 'signals_in_flight';

/**
 * What an indexing run took out of the documents it removed, written in the removal's
 * transaction and cleared when it is given back: a run killed in between leaves it for the
 * next run (`takeInFlight`), so a kill loses no signal.
 */
export function writeInFlight(db: Database, carry: CarriedSignals | null): void {
  if (carry && (carry.signals.length || carry.shown.length))
    db.prepare(
      'INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(IN_FLIGHT, JSON.stringify(carry));
  else db.prepare('DELETE FROM meta WHERE key = ?').run(IN_FLIGHT);
}

/** What a killed run held (see writeInFlight), taken out; null when no run was killed holding any. */
export function takeInFlight(db: Database): CarriedSignals | null {
  const json = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(IN_FLIGHT) as
    string | undefined;
  if (json === undefined) return null;
  db.prepare('DELETE FROM meta WHERE key = ?').run(IN_FLIGHT);
  return JSON.parse(json) as CarriedSignals;
}

interface ChunkRow {
  id: number;
  document_id: number;
  start: number;
  end: number;
  text: string;
}

function giveBack(
  db: Database,
  carry: CarriedSignals,
  chunks: Iterable<ChunkRow>,
): {
  /** Signals given back. */
  given: number;
  /** Signals a passage took: given back, or gone with their answer. */
  settled: CarriedSignal[];
  placed: CarriedShownPlace[];
  erased: boolean;
} {
  const carried = carry.signals;
  const wanted = new Set([...carried, ...carry.shown].map((c) => c.coveredHash));
  const found = new Map<string, { chunkId: number; documentId: number; start: number; end: number }>();
  for (const c of chunks) {
    const h = passageHash(c.text);
    if (wanted.has(h) && !found.has(h))
      found.set(h, { chunkId: c.id, documentId: c.document_id, start: c.start, end: c.end });
  }
  const insert = db.prepare(
    // Its own id again, unless a signal recorded while the run was indexing took it (ids are
    // reused: no AUTOINCREMENT); its answer must still be there (erased while indexing: none).
    `INSERT INTO signals(id, answer_id, rank, kind, document_id, start, end, text_hash, created_at)
     SELECT CASE WHEN EXISTS (SELECT 1 FROM signals WHERE id = :id) THEN NULL ELSE :id END,
            :answerId, :rank, :kind, :documentId, :start, :end, :textHash, :createdAt
     WHERE EXISTS (SELECT 1 FROM answers WHERE id = :answerId)`,
  );
  const readShown = db.prepare('SELECT shown FROM answers WHERE id = ?').pluck();
  const writeShown = db.prepare('UPDATE answers SET shown = ? WHERE id = ?');
  let given = 0;
  const settled: CarriedSignal[] = [];
  const placed: CarriedShownPlace[] = [];
  let erased = false;
  db.transaction(() => {
    const byAnswer = new Map<number, CarriedShownPlace[]>();
    for (const p of carry.shown) byAnswer.set(p.answerId, [...(byAnswer.get(p.answerId) ?? []), p]);
    for (const [answerId, places] of byAnswer) {
      const json = readShown.get(answerId) as string | undefined;
      if (json === undefined) continue;
      const shown = JSON.parse(json) as ShownPassage[];
      for (const p of places) {
        const at = found.get(p.coveredHash);
        if (at && shown[p.index]) {
          shown[p.index] = { ...shown[p.index]!, ...at };
          placed.push(p);
        }
      }
      writeShown.run(JSON.stringify(shown), answerId);
    }
    if (signalErasures(db) !== carry.erasures) {
      erased = true;
      return;
    }
    for (const c of carried) {
      const at = found.get(c.coveredHash);
      if (!at) continue;
      const { chunkId: _chunkId, ...place } = at;
      given += insert.run({
        id: c.id,
        answerId: c.answerId,
        rank: c.rank,
        kind: c.kind,
        ...place,
        textHash: c.textHash,
        createdAt: c.createdAt,
      }).changes;
      settled.push(c);
    }
  }).immediate();
  return { given, settled, placed, erased };
}

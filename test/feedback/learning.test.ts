import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import type { AskResult } from '../../main/engine/library/types.js';
import { seededRandom, tempDir, writeTestPack } from '../library/helpers.js';
import { expectUserError } from '../helpers/expectUserError.js';
import { clearlyBetter } from '../../main/engine/feedback/learner.js';
import { encodeParams, rankerName } from '../../main/engine/feedback/learnedParams.js';
import { packKey } from '../../main/engine/feedback/learning.js';
import {
  reattachSignals,
  signalsToCarry,
  takeInFlight,
  writeInFlight,
} from '../../main/engine/feedback/carriedSignals.js';
import { openDatabase } from '../../main/engine/store/database.js';
import { DocumentStore } from '../../main/engine/store/documentStore.js';
import { eraseSignals } from '../../main/engine/feedback/signalStore.js';
import { readPackRanker } from '../../main/engine/rank/packRanker.js';
import { builtinPackDir } from '../../main/engine/towers/builtinPack.js';

/**
 * A library where the user's choice is not what the pack ranks first: each topic has an
 * overview passage that repeats the topic's name (BM25 and the towers put it first) and
 * a service passage the user keeps choosing. Several differently worded questions per
 * topic, so questions held back from learning have similar ones it learned from.
 */
const random = seededRandom(7);
const syllables = ['ka', 'lo', 'mi', 'zu', 're', 'fa', 'no', 'ti', 'sa', 'vo', 'pe', 'gu', 'da', 'xe', 'bi'];
const word = () =>
  Array.from({ length: 3 }, () => syllables[Math.floor(random() * syllables.length)]).join('');
const TOPICS = Array.from({ length: 16 }, () => word());
const ASK = [
  (t: string) => `${t}?`,
  (t: string) => `tell me about the ${t}`,
  (t: string) => `${t} information`,
  (t: string) => `what should I know about my ${t}`,
];

const overview = (t: string) =>
  `# ${t} overview\n\nThe ${t} is a ${t}. Every ${t} owner knows the ${t}; the ${t} is common.\n`;
const service = (t: string) =>
  `# Servicing\n\nLoosen the four bolts, lift the cover, rinse the filter and check each seal before closing the ${t}.\n`;

const tmp = tempDir('docqa-learning-');
const docs = path.join(tmp.dir, 'docs');
let lib: Library;
let folderId: number;

beforeAll(async () => {
  for (const t of TOPICS) tmp.file(path.join('docs', `${t}.md`), `${overview(t)}\n${service(t)}`);
  lib = await Library.open({ dbPath: path.join(tmp.dir, 'lib.sqlite'), provider: 'cpu' });
  folderId = (await lib.addFolder(docs)).id;
  await lib.ingest({ folderIds: [folderId] });
  // Learning runs only when a test asks (learnNow): a background run, due after 5 signals,
  // raced the steps that must see no model yet (it won under a loaded CI run).
  await lib.updateSettings({ learning: false });
});

afterAll(async () => {
  await lib.close();
  tmp.cleanup();
});

const isService = (text: string) => text.includes('Servicing');
/** `exportSignals`' JSON Lines, read. */
const exportedSignals = async (): Promise<{ question: string; passage: { path: string } }[]> =>
  (await lib.exportSignals())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { question: string; passage: { path: string } });
const questions = () => TOPICS.flatMap((t) => ASK.map((ask) => ask(t)));

/** Asks, and says "this answered it" of the service passage when it is among the shown. */
async function askAndChoose(q: string): Promise<AskResult> {
  const a = await lib.ask(q, { k: 5, log: true });
  const rank = a.results.findIndex((r) => isService(r.text)) + 1;
  if (rank > 0) await lib.feedback(a.answerId!, rank, 'good');
  return a;
}

function vectorsHash(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true });
  sqliteVec.load(db);
  try {
    const tables = db.prepare('SELECT table_name FROM vector_sets ORDER BY id').pluck().all() as string[];
    const h = createHash('sha256');
    for (const t of tables)
      for (const row of db.prepare(`SELECT chunk_id, embedding FROM ${t} ORDER BY chunk_id`).all() as {
        chunk_id: number;
        embedding: Buffer;
      }[])
        h.update(String(row.chunk_id)).update(row.embedding);
    return h.digest('hex');
  } finally {
    db.close();
  }
}

describe('learning from use', () => {
  it('logs answers only when asked to, and rejects signals for passages that were not shown', async () => {
    const plain = await lib.ask(`${TOPICS[0]}?`, { k: 3 });
    expect(plain.answerId).toBeUndefined();
    const logged = await lib.ask(`${TOPICS[0]}?`, { k: 3, log: true });
    expect(logged.answerId).toBeGreaterThan(0);
    await expectUserError(lib.feedback(logged.answerId!, logged.results.length + 1, 'good'), /no passage/);
    await expectUserError(lib.feedback(logged.answerId! + 1000, 1, 'good'), /no answer with id/);
    await expectUserError(lib.feedback(logged.answerId!, 1, 'great' as never), /signal must be one of/);
    expect((await lib.learningState()).signals).toBe(0);
  });

  it('puts the chosen passage first when the same question is asked again', async () => {
    const q = `tell me about the ${TOPICS[1]}`;
    const first = await lib.ask(q, { k: 5, log: true });
    expect(isService(first.results[0].text)).toBe(false);
    await askAndChoose(q);
    const again = await lib.ask(`Tell me about the ${TOPICS[1]}?`, { k: 5 });
    expect(isService(again.results[0].text)).toBe(true);
    expect(again.notFound).toBe(false);
    await lib.eraseSignals();
  });

  it('activates a learned model only when it does better on held-back signals, never touching the vectors', async () => {
    const dbPath = path.join(tmp.dir, 'lib.sqlite');
    const vectorsBefore = vectorsHash(dbPath);
    const before = await Promise.all(questions().map((q) => lib.ask(q, { k: 5 })));

    // Choosing what the pack already ranks first teaches nothing: the model in use stays.
    for (const q of questions()) {
      const a = await lib.ask(q, { k: 5, log: true });
      await lib.feedback(a.answerId!, 1, 'good');
    }
    const kept = await lib.learnNow();
    expect(kept?.outcome).toBe('kept');
    expect(kept!.heldBack).toBeGreaterThanOrEqual(20);
    expect((await lib.learningState()).model).toBeNull();
    await lib.eraseSignals();

    // Choosing the service passage, ranked below the overview: similar questions learn it.
    for (const q of questions()) await askAndChoose(q);
    // Another process (the app, while the CLI learns) has asked already, so it read "no model".
    const app = await Library.open({ dbPath, provider: 'cpu' });
    const unseenQuestion = `anything about ${TOPICS[3]} I should know`;
    expect(isService((await app.ask(unseenQuestion, { k: 5 })).results[0].text)).toBe(false);
    const report = await lib.learnNow();
    try {
      expect(isService((await app.ask(unseenQuestion, { k: 5 })).results[0].text)).toBe(true);
    } finally {
      await app.close();
    }
    expect(report?.outcome).toBe('activated');
    // The pack's ranker was refined from the same signals and judged beside the question-side models.
    expect(report!.chosen!.rankerTrees).toBeGreaterThanOrEqual(0);
    expect(report!.after!.hit1).toBeGreaterThan(report!.before!.hit1);
    const state = await lib.learningState();
    expect(state.model?.report.outcome).toBe('activated');
    expect(vectorsHash(dbPath)).toBe(vectorsBefore);

    // A new wording of a question about a known topic now gets the service passage first.
    const unseen = await lib.ask(`anything about ${TOPICS[3]} I should know`, { k: 5 });
    expect(isService(unseen.results[0].text)).toBe(true);

    // Undo: the model before it (here the pack's own) is active again; learning again brings it back.
    expect((await lib.restorePreviousModel()).model).toBeNull();
    expect(
      isService((await lib.ask(`anything about ${TOPICS[3]} I should know`, { k: 5 })).results[0].text),
    ).toBe(false);
    expect((await lib.learnNow())?.outcome).toBe('activated');
    const relearned = await lib.learningState();
    expect(relearned.model?.id).toBeGreaterThan(state.model!.id);
    expect(relearned.canRestorePrevious).toBe(true);

    // Erasing restores the search that was in use before learning, exactly.
    await lib.eraseSignals();
    const after = await Promise.all(questions().map((q) => lib.ask(q, { k: 5 })));
    expect(after.map((a) => a.results.map((r) => [r.chunkId, r.score]))).toEqual(
      before.map((a) => a.results.map((r) => [r.chunkId, r.score])),
    );
    expect((await lib.learningState()).model).toBeNull();
  });

  it("adds a learned model's trees to the pack's ranker, only over the ranker they were trained from", async () => {
    const dbPath = path.join(tmp.dir, 'lib.sqlite');
    const asked = () => Promise.all(questions().map((q) => lib.ask(q, { k: 5 })));
    const ranking = (answers: AskResult[]) => answers.map((a) => a.results.map((r) => [r.chunkId, r.score]));
    const before = await asked();
    expect(before.filter((a) => isService(a.results[0].text)).length).toBeLessThan(before.length / 2);

    // One tree that sends the passages that open a document far down: the overviews.
    const base = readPackRanker(builtinPackDir())!.model;
    const tree = {
      feature: [base.features.indexOf('logStart'), -1, -1],
      threshold: [0.01, 0, 0],
      left: [1, 0, 0],
      right: [2, 0, 0],
      value: [0, -100, 0],
    };
    const pack = await lib.currentPack();
    const activate = (rankerBase: string) => {
      const db = new Database(dbPath);
      try {
        db.prepare("UPDATE learned_models SET state = 'retired' WHERE state = 'active'").run();
        db.prepare(
          "INSERT INTO learned_models(pack_key, state, created_at, through_signal, report, params) VALUES (?, 'active', ?, 0, '{}', ?)",
        ).run(
          packKey(pack),
          new Date().toISOString(),
          encodeParams({
            dim: pack.dim,
            adapter: null,
            denseWeight: 0.15,
            memoryWeight: 0,
            memoryThreshold: 1,
            popularityWeight: 0,
            fieldWeight: 0,
            ranker: { base: rankerBase, trees: [tree] },
          }),
        );
      } finally {
        db.close();
      }
    };
    try {
      activate(rankerName(base));
      const refined = await asked();
      expect(refined.filter((a) => !isService(a.results[0].text)).map((a) => a.question)).toEqual([]);
      // Trees trained from another ranker (an older pack's) are not added to this one.
      activate('another-ranker');
      expect(ranking(await asked())).toEqual(ranking(before));
    } finally {
      await lib.eraseSignals();
    }
    expect(ranking(await asked())).toEqual(ranking(before));
  });

  it('keeps signals through a re-ingest of unchanged files, re-attaches them to re-cut passages, and drops them with their document', async () => {
    const q = `what should I know about my ${TOPICS[5]}`;
    await askAndChoose(q);
    await lib.ingest({ folderIds: [folderId] });
    expect((await lib.learningState()).signals).toBe(1);
    expect(isService((await lib.ask(q, { k: 5 })).results[0].text)).toBe(true);

    // Smaller passages: the service text is cut anew, and the signal follows it.
    await lib.updateSettings({ chunkTargetChars: 200 });
    await lib.ingest({ folderIds: [folderId], force: true });
    expect((await lib.learningState()).signals).toBe(1);
    const recut = await lib.ask(q, { k: 5 });
    expect(recut.results[0].text).toContain('Loosen the four bolts');

    rmSync(path.join(docs, `${TOPICS[5]}.md`));
    await lib.ingest({ folderIds: [folderId] });
    expect((await lib.learningState()).signals).toBe(0);
    await lib.updateSettings({ chunkTargetChars: 800 });
    writeFileSync(path.join(docs, `${TOPICS[5]}.md`), `${overview(TOPICS[5])}\n${service(TOPICS[5])}`);
    await lib.ingest({ folderIds: [folderId], force: true });
  });

  it('keeps the signals of a file moved and edited between two runs, and gives none back once erased meanwhile', async () => {
    const t = TOPICS[6];
    const q = `tell me about the ${t}`;
    const before = (await lib.learningState()).signals;
    const asked = await askAndChoose(q);
    expect((await lib.learningState()).signals).toBe(before + 1);

    // Moved into a subfolder and its overview rewritten: a removed document and a new one.
    rmSync(path.join(docs, `${t}.md`));
    tmp.file(
      path.join('docs', 'moved', `${t}-notes.md`),
      `${overview(t)}It was rewritten after the move.\n\n${service(t)}`,
    );
    const moved = await lib.ingest({ folderIds: [folderId] });
    expect(moved.filesRemoved).toBe(1);
    expect(moved.filesAdded).toBe(1);
    expect((await lib.learningState()).signals).toBe(before + 1);
    const exported = await exportedSignals();
    expect(exported.some((s) => s.question === q && s.passage.path === `moved/${t}-notes.md`)).toBe(true);
    expect(exported.some((s) => s.passage.path === `${t}.md`)).toBe(false);

    // Taken out by a run, then erased before the run gives them back: none comes back.
    const db = new Database(path.join(tmp.dir, 'lib.sqlite'));
    try {
      const docId = db
        .prepare('SELECT id FROM documents WHERE rel_path = ?')
        .pluck()
        .get(`moved/${t}-notes.md`) as number;
      // The answer's list of shown passages names the moved file too, where it named the old one.
      const shown = JSON.parse(
        db.prepare('SELECT shown FROM answers WHERE id = ?').pluck().get(asked.answerId) as string,
      ) as { documentId: number; chunkId: number }[];
      const chosen = asked.results.findIndex((r) => isService(r.text));
      expect(shown[chosen]!.documentId).toBe(docId);
      const chunkDoc = db.prepare('SELECT document_id FROM chunks WHERE id = ?').pluck();
      expect(chunkDoc.get(shown[chosen]!.chunkId)).toBe(docId);
      const taken = signalsToCarry(db, [docId]);
      expect(taken.signals).toHaveLength(1);
      db.prepare('DELETE FROM signals WHERE document_id = ?').run(docId);
      eraseSignals(db);
      expect(reattachSignals(db, taken, { afterDocumentId: 0 }).given).toBe(0);
      const retaken = signalsToCarry(db, [docId]);
      expect(retaken.signals).toHaveLength(0);
    } finally {
      db.close();
    }
    expect((await lib.learningState()).signals).toBe(0);
  });

  it('gives back at the next run the signals of a moved file that a killed run held', async () => {
    const t = TOPICS[7];
    const before = (await lib.learningState()).signals;
    await askAndChoose(`${t} information`);
    expect((await lib.learningState()).signals).toBe(before + 1);
    // What a run killed while indexing leaves: the old document removed with its signals
    // taken (in one transaction), the file's new place not indexed yet.
    const db = openDatabase(path.join(tmp.dir, 'lib.sqlite'));
    try {
      const docId = db
        .prepare('SELECT id FROM documents WHERE rel_path = ?')
        .pluck()
        .get(`${t}.md`) as number;
      const store = new DocumentStore(db);
      db.transaction(() => {
        writeInFlight(db, signalsToCarry(db, [docId]));
        store.remove(docId);
      }).immediate();
    } finally {
      db.close();
    }
    rmSync(path.join(docs, `${t}.md`));
    tmp.file(path.join('docs', 'moved', `${t}-later.md`), `${overview(t)}Rewritten.\n\n${service(t)}`);
    expect((await lib.learningState()).signals).toBe(before);

    const next = await lib.ingest({ folderIds: [folderId] });
    expect(next.filesAdded).toBe(1);
    expect((await lib.learningState()).signals).toBe(before + 1);
    const exported = await exportedSignals();
    expect(exported.some((s) => s.passage.path === `moved/${t}-later.md`)).toBe(true);
    const check = openDatabase(path.join(tmp.dir, 'lib.sqlite'));
    expect(takeInFlight(check)).toBeNull();
    check.close();
    // The library as the next tests expect it.
    rmSync(path.join(docs, 'moved', `${t}-later.md`));
    writeFileSync(path.join(docs, `${t}.md`), `${overview(t)}\n${service(t)}`);
    await lib.ingest({ folderIds: [folderId] });
    await lib.eraseSignals();
  });

  it('logs answers and records signals while an ingest is writing', async () => {
    for (let i = 0; i < 400; i++)
      tmp.file(
        path.join('docs', 'bulk', `note-${i}.md`),
        `# Note ${i}\n\n${TOPICS[i % TOPICS.length]} note ${i}.\n`,
      );
    const ingest = lib.ingest({ folderIds: [folderId] });
    let logged = 0;
    let finished = false;
    void ingest.finally(() => (finished = true));
    while (!finished || logged < 5) {
      const a = await lib.ask(`${TOPICS[logged % TOPICS.length]} information`, { k: 3, log: true });
      expect(a.answerId).toBeGreaterThan(0);
      await lib.feedback(a.answerId!, 1, 'open');
      logged++;
    }
    expect((await ingest).filesAdded).toBe(400);
    expect((await lib.learningState()).signals).toBe(logged);
    await lib.eraseSignals();
    rmSync(path.join(docs, 'bulk'), { recursive: true });
    await lib.ingest({ folderIds: [folderId] });
  });

  it('starts learning afresh for another pack and keeps the signals', async () => {
    for (const q of questions()) await askAndChoose(q);
    expect((await lib.learnNow())?.outcome).toBe('activated');
    const packDir = await writeTestPack(path.join(tmp.dir, 'other-pack'), { seed: 3 });
    const other = await Library.open({ dbPath: path.join(tmp.dir, 'lib.sqlite'), provider: 'cpu', packDir });
    try {
      await other.reembed();
      const state = await other.learningState();
      expect(state.model).toBeNull();
      expect(state.signals).toBe((await lib.learningState()).signals);
    } finally {
      await other.close();
    }
  });
});

describe('learning in the background', () => {
  it('starts a run by itself after a few signals while learning is on, and none while paused', async () => {
    for (const enabled of [false, true]) {
      const bg = await Library.open({ dbPath: path.join(tmp.dir, `bg-${enabled}.sqlite`), provider: 'cpu' });
      try {
        const folder = await bg.addFolder(docs);
        await bg.ingest({ folderIds: [folder.id] });
        await bg.updateSettings({ learning: enabled });
        for (const q of questions().slice(0, 8)) {
          const a = await bg.ask(q, { k: 5, log: true });
          await bg.feedback(a.answerId!, 1, 'good');
        }
        // A run that starts waits one turn; then the state says it is running, or it has run.
        await new Promise((r) => setTimeout(r, 50));
        const deadline = Date.now() + 30_000;
        let state = await bg.learningState();
        while (state.learning && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          state = await bg.learningState();
        }
        expect(state.lastRun !== null, `learning ${enabled ? 'on' : 'paused'}`).toBe(enabled);
        // A run takes the signals it found; those given while it ran wait for the next.
        if (enabled) expect(state.pending).toBeLessThan(8);
        else expect(state.pending).toBe(8);
      } finally {
        await bg.close();
      }
    }
  });
});

describe('activation by a sign test over held-back questions', () => {
  it('needs more questions moved up than down, beyond chance', () => {
    // Ranks of the chosen passage per question (0: not in the first ten).
    expect(clearlyBetter([2, 2, 2, 2, 2], [1, 1, 1, 1, 1])).toBe(true);
    expect(clearlyBetter([2, 2, 0, 3, 1], [1, 1, 1, 1, 1])).toBe(true);
    expect(clearlyBetter([2, 2, 0, 1], [1, 1, 1, 1])).toBe(false);
    // One or two questions better on a few dozen is noise.
    expect(clearlyBetter([...Array(40).fill(1), 2, 2], [...Array(40).fill(1), 1, 1])).toBe(false);
    expect(clearlyBetter([2, 2, 2, 2, 1, 1, 1], [1, 1, 1, 1, 2, 2, 2])).toBe(false);
    expect(clearlyBetter([1, 1, 1], [1, 1, 1])).toBe(false);
  });
});

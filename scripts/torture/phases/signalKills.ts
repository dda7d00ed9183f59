/**
 * Phase "signals": what the user said of passages survives kill -9. Files whose chosen
 * passage the user marked are moved and edited (to the index, a removed document and a
 * new one), and ingest runs are killed at random moments while writing; after a clean run
 * every signal is on its passage at the file's new place, once. Then the folder is removed
 * and put back (`docqa remove --undo`), that run killed too: the signals come back all the same.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ChangingFolder, seededRandom } from '../changingFolder.js';
import { describeExit, killGroup, runDocqa, sleep, startWhenWriting } from '../docqa.js';
import { consistencyProblems, summarize, withLibrary } from '../libraryFile.js';
import type { PhaseContext } from '../phase.js';

const PHASE = 'signals';
const SEED = 20261206;
const MARKED = 5;
const KILLS = 3;

const UNIQUE = ['quokka', 'axolotl', 'pangolin', 'narwhal', 'okapi'];
const steps = (i: number) =>
  `# Steps for the ${UNIQUE[i]}\n\nFeed the ${UNIQUE[i]} twice a day and brush the ${UNIQUE[i]} on Sundays.\n`;
const topic = (i: number, version: string) =>
  `# Overview ${version}\n\nNotes written in ${version} about keeping animals at home.\n\n${steps(i)}`;

export async function signalKillsPhase(ctx: PhaseContext): Promise<void> {
  const { results, tmp } = ctx;
  const folder = new ChangingFolder(path.join(tmp, 'docs'), seededRandom(SEED));
  for (let i = 0; i < 150; i++) folder.write(folder.newName());
  const put = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(folder.root, rel)), { recursive: true });
    writeFileSync(path.join(folder.root, rel), text);
  };
  for (let i = 0; i < MARKED; i++) put(`topic-${i}.md`, topic(i, 'spring'));
  const db = path.join(tmp, 'signals.sqlite');
  const timeoutMs = ctx.budgetMs(0.3);
  const first = await runDocqa(['ingest', folder.root, '--db', db, '--json'], { timeoutMs });
  if (first.code !== 0) {
    results.add(PHASE, 'first ingest', 'exit 0', describeExit(first), false);
    return;
  }

  // The user marks each topic's steps as what answered the question.
  let marked = 0;
  for (let i = 0; i < MARKED; i++) {
    const ask = await runDocqa(
      ['ask', '--db', db, '--json', '--k', '5', `how often to feed the ${UNIQUE[i]}`],
      {
        timeoutMs,
      },
    );
    const answer = JSON.parse(ask.stdout || '{}') as {
      answerId?: number;
      results?: { path: string; text: string }[];
    };
    const rank =
      (answer.results ?? []).findIndex((r) => r.path === `topic-${i}.md` && r.text.includes('Feed the')) + 1;
    if (!answer.answerId || rank === 0) continue;
    const said = await runDocqa(['feedback', '--db', db, String(answer.answerId), String(rank), 'good'], {
      timeoutMs,
    });
    if (said.code === 0) marked++;
  }
  results.add(PHASE, 'signals recorded', `${MARKED} "this answered it"`, `${marked}`, marked === MARKED);

  // Moved and edited: the steps keep their text, the overview does not.
  for (let i = 0; i < MARKED; i++) {
    rmSync(path.join(folder.root, `topic-${i}.md`));
    put(`moved/topic-${i}-autumn.md`, topic(i, 'autumn'));
  }
  folder.churn(30, 0, 20, 0);
  const writeMs = Math.max(
    1000,
    await killedRuns(ctx, ['ingest', folder.root, '--db', db, '--force', '--json'], db),
  );
  const clean = await runDocqa(['ingest', folder.root, '--db', db, '--json'], { timeoutMs });
  results.add(
    PHASE,
    `clean run after ${KILLS} kills of a run that moves them`,
    'exit 0',
    describeExit(clean),
    clean.code === 0,
  );
  checkSignals(ctx, db, 'moved/topic-', 'after the kills');

  // Removed, and put back with its indexing killed.
  const removed = await runDocqa(['remove', folder.root, '--db', db], { timeoutMs });
  const undo = await startWhenWriting(['remove', '--undo', folder.root, '--db', db], db);
  const ended = await Promise.race([
    undo.process.exited.then(() => true),
    sleep(writeMs / 2).then(() => false),
  ]);
  if (!ended) killGroup(undo.process.child, 'SIGKILL');
  await undo.process.exited;
  const after = await runDocqa(['ingest', folder.root, '--db', db, '--json'], { timeoutMs });
  results.add(
    PHASE,
    'remove, then --undo killed while indexing, then a clean run',
    'exit 0 each',
    `${describeExit(removed)} / ${ended ? 'undo ended first' : 'undo killed'} / ${describeExit(after)}`,
    removed.code === 0 && after.code === 0,
  );
  checkSignals(ctx, db, 'moved/topic-', 'after the folder was put back');
  rmSync(db, { force: true });
}

/**
 * KILLS runs of `args`: the first killed at the moment that matters (its files' old documents
 * removed, their new places not yet indexed: the signals are nowhere in the index), the
 * others at random moments while they write. Returns how long a whole run writes.
 */
async function killedRuns(ctx: PhaseContext, args: string[], db: string): Promise<number> {
  const random = seededRandom(SEED + 1);
  let writeMs = 4000;
  let inWindow = false;
  for (let k = 0; k < KILLS; k++) {
    const run = await startWhenWriting(args, db);
    const ended = run.process.exited.then(() => true);
    let killedAt: string;
    if (k === 0) {
      const reader = new Database(db, { readonly: true });
      const count = reader.prepare('SELECT COUNT(*) FROM documents WHERE rel_path LIKE ?').pluck();
      try {
        while (run.process.child.exitCode === null && !inWindow) {
          inWindow = count.get('topic-%') === 0 && (count.get('moved/topic-%') as number) < MARKED;
          if (!inWindow) await sleep(5);
        }
      } finally {
        reader.close();
      }
      killedAt = "with the moved files' signals out of the index";
    } else {
      const delay = random() * writeMs;
      await Promise.race([ended, sleep(delay)]);
      killedAt = `after ${Math.round(delay)} ms`;
    }
    const endedFirst = run.process.child.exitCode !== null;
    if (endedFirst) writeMs = Math.max(500, performance.now() - run.writingAt);
    else killGroup(run.process.child, 'SIGKILL');
    await run.process.exited;
    ctx.log(`signals: run ${k + 1} ${endedFirst ? 'ended first' : `killed ${killedAt}`}`);
  }
  ctx.results.add(
    PHASE,
    'a run killed while the signals of moved files are out of the index',
    'the moment is reached',
    inWindow ? 'killed then' : 'not reached (the run ended first)',
    inWindow,
  );
  return writeMs;
}

function checkSignals(ctx: PhaseContext, db: string, prefix: string, when: string): void {
  withLibrary(db, (conn) => {
    const rows = conn
      .prepare(
        'SELECT d.rel_path FROM signals s JOIN documents d ON d.id = s.document_id ORDER BY d.rel_path',
      )
      .pluck()
      .all() as string[];
    const inFlight = conn.prepare("SELECT COUNT(*) FROM meta WHERE key = 'signals_in_flight'").pluck().get();
    const atNewPlace = rows.filter((p) => p.startsWith(prefix)).length;
    ctx.results.add(
      PHASE,
      `signals ${when}`,
      `${MARKED}, each once, on the moved files; none left in flight`,
      `${rows.length} (${atNewPlace} on moved files, ${new Set(rows).size} files); in flight ${String(inFlight)}`,
      rows.length === MARKED && atNewPlace === MARKED && new Set(rows).size === MARKED && inFlight === 0,
    );
    const problems = consistencyProblems(conn);
    ctx.results.add(PHASE, `library ${when}`, 'no problems', summarize(problems), problems.length === 0);
  });
}

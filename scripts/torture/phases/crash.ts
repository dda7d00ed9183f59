/**
 * Phase "crash": two ingests of one library at once, then kill -9 at random
 * moments of ingest runs (files changing between runs), the database checked
 * after every kill, and after a final clean run: one row per file, nothing
 * stale, nothing duplicated, FTS and vectors matching the passages.
 */
import path from 'node:path';
import { ChangingFolder, seededRandom } from '../changingFolder.js';
import { describeExit, killGroup, runDocqa, sleep, startWhenWriting } from '../docqa.js';
import { compareWithDisk, consistencyProblems, documentsOf, summarize, withLibrary } from '../libraryFile.js';
import { statusJson } from '../queries.js';
import type { PhaseContext } from '../phase.js';

const PHASE = 'crash';
const SEED = 20261203;

export async function crashPhase(ctx: PhaseContext): Promise<void> {
  const { results, tmp, settings } = ctx;
  const random = seededRandom(SEED);
  const folder = new ChangingFolder(path.join(tmp, 'docs'), random);
  for (let i = 0; i < 160; i++) folder.write(folder.newName());
  const db = path.join(tmp, 'crash.sqlite');

  await concurrentIngests(ctx, folder.root, db);

  // How long a full re-read writes for, to spread the kills over the writing part of whole runs.
  const baseline = await startWhenWriting(['ingest', folder.root, '--db', db, '--force', '--json'], db);
  const [code] = await baseline.process.exited;
  const writeMs = Math.max(1000, performance.now() - baseline.writingAt);
  ctx.log(`a --force run writes for ${(writeMs / 1000).toFixed(1)} s (exit ${code}); seed ${SEED}`);

  let kills = 0;
  let finished = 0;
  let runs = 0;
  const afterKill: string[] = [];
  let lastKilledState: string | null = null;
  const finalReserveMs = ctx.budgetMs(0.12);
  while (kills < settings.kills && ctx.remainingMs() > finalReserveMs) {
    runs++;
    folder.churn(6, 2, 3, 1);
    const args = ['ingest', folder.root, '--db', db, '--json', ...(runs % 2 ? ['--force'] : [])];
    const run = await startWhenWriting(args, db);
    const delay = random() * writeMs;
    const p = run.process;
    const ended = await Promise.race([p.exited.then(() => true), sleep(delay).then(() => false)]);
    if (ended) {
      finished++;
      continue;
    }
    killGroup(p.child, 'SIGKILL');
    await p.exited;
    kills++;
    const problems = withLibrary(db, consistencyProblems);
    if (problems.length) afterKill.push(`kill ${kills} at ${Math.round(delay)} ms: ${problems[0]}`);
    if (kills === settings.kills || ctx.remainingMs() <= finalReserveMs) {
      const st = await statusJson(db);
      lastKilledState = st.value?.folders.find((f) => f.path === folder.root)?.state ?? st.problem;
    }
  }
  results.add(
    PHASE,
    `kill -9 during ingest (x${settings.kills})`,
    `≥ ${settings.kills} kills within the time budget`,
    `${kills} kills, ${finished} runs finished before their kill moment`,
    kills >= settings.kills,
  );
  results.add(
    PHASE,
    'database after each kill',
    'integrity ok and consistent every time',
    afterKill.length ? `${afterKill.length} bad: ${afterKill[0]}` : `ok after all ${kills}`,
    afterKill.length === 0,
  );
  results.add(
    PHASE,
    'status after a kill',
    "folder not left 'indexing' when nothing runs",
    `'${lastKilledState}'`,
    lastKilledState !== null && lastKilledState !== 'indexing',
  );

  // Every file as an older DocQA's reader left it: the next run reads them all again (their
  // passages keep their vectors), and is killed halfway; the clean run below must finish it.
  withLibrary(db, (conn) => conn.prepare("UPDATE documents SET reader = 'older'").run());
  const upgrade = await startWhenWriting(['ingest', folder.root, '--db', db, '--json'], db);
  const upgradeEnded = await Promise.race([
    upgrade.process.exited.then(() => true),
    sleep(writeMs / 2).then(() => false),
  ]);
  if (!upgradeEnded) killGroup(upgrade.process.child, 'SIGKILL');
  await upgrade.process.exited;
  const olderLeft = withLibrary(
    db,
    (conn) => conn.prepare("SELECT COUNT(*) FROM documents WHERE reader = 'older'").pluck().get() as number,
  );

  folder.churn(4, 2, 2, 1);
  const final = await runDocqa(['ingest', folder.root, '--db', db, '--json'], {
    timeoutMs: Math.max(20_000, ctx.remainingMs()),
  });
  results.add(PHASE, 'clean run after the kills', 'exit 0', describeExit(final), final.code === 0);
  withLibrary(db, (conn) => {
    const older = conn
      .prepare("SELECT COUNT(*) FROM documents WHERE reader = 'older'")
      .pluck()
      .get() as number;
    results.add(
      PHASE,
      'files of an older reader, that run killed',
      'every file read again by the next run',
      `${upgradeEnded ? 'not killed (ended first)' : `killed with ${olderLeft} not yet read`}; ${older} left after the clean run`,
      older === 0,
    );
    const problems = consistencyProblems(conn);
    results.add(
      PHASE,
      'integrity + FTS/vectors = passages',
      'no problems',
      summarize(problems),
      problems.length === 0,
    );
    const dupes = conn
      .prepare(
        'SELECT COUNT(*) FROM (SELECT folder_id, rel_path FROM documents GROUP BY folder_id, rel_path HAVING COUNT(*) > 1)',
      )
      .pluck()
      .get() as number;
    const rows = documentsOf(conn, folder.root);
    const diff = compareWithDisk(rows, folder.files);
    results.add(
      PHASE,
      'one row per file, none stale',
      `${folder.files.size} files = ${folder.files.size} current rows`,
      `${rows.size} rows, ${dupes} duplicated; problems ${summarize(diff, 3)}`,
      diff.length === 0 && dupes === 0 && rows.size === folder.files.size,
    );
  });
}

/** Two `docqa ingest` on one library at the same moment: both succeed, or the second says another runs. */
async function concurrentIngests(ctx: PhaseContext, root: string, db: string): Promise<void> {
  const timeoutMs = ctx.budgetMs(0.2);
  // The second starts once the first is writing: the moment two writers meet.
  const first = await startWhenWriting(['ingest', root, '--db', db, '--json'], db);
  const b = await runDocqa(['ingest', root, '--db', db, '--json'], { timeoutMs });
  const [code, signal] = await first.process.exited;
  const a = { code, signal, stderr: first.process.output().stderr };
  const locked = [a, b].some((r) => /database is locked/i.test(r.stderr));
  const clear = (r: { code: number | null; stderr: string }): boolean =>
    r.code === 0 || (r.code === 2 && /another|already|in progress|running/i.test(r.stderr));
  ctx.results.add(
    PHASE,
    'two ingests at once',
    'both exit 0, or one says another ingest runs',
    `${describeExit(a)} / ${describeExit(b)}${locked ? ' ("database is locked")' : ''}`,
    !locked && clear(a) && clear(b) && (a.code === 0 || b.code === 0),
  );
}

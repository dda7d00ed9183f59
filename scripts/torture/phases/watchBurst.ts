/**
 * Phase "watch": `docqa watch` on a folder, then a burst of file operations in
 * under a second (new nested folders full of files, edits, deletions, renames, some
 * to another type). After
 * the watcher goes quiet every surviving file must be indexed as it now is and
 * every deleted one gone.
 */
import path from 'node:path';
import { ChangingFolder, seededRandom } from '../changingFolder.js';
import { describeExit, runDocqa, sleep, startDocqa, stopDocqa, type DocqaProcess } from '../docqa.js';
import { compareWithDisk, documentsOf, summarize, withLibrary } from '../libraryFile.js';
import type { PhaseContext } from '../phase.js';

const PHASE = 'watch';
/** The watcher is quiet when it has printed nothing for this long. */
const QUIET_MS = 15_000;

export async function watchBurstPhase(ctx: PhaseContext): Promise<void> {
  const { results, tmp, settings } = ctx;
  const random = seededRandom(7);
  const folder = new ChangingFolder(path.join(tmp, 'watched'), random);
  for (let i = 0; i < 40; i++) folder.write(folder.newName(), 1);
  const db = path.join(tmp, 'watch.sqlite');
  const first = await runDocqa(['ingest', folder.root, '--db', db, '--json'], {
    timeoutMs: ctx.budgetMs(0.25),
  });
  if (first.code !== 0) {
    results.add(PHASE, 'initial ingest', 'exit 0', describeExit(first), false);
    return;
  }

  const watch = startDocqa(['watch', '--db', db]);
  const ready = await Promise.race([
    (async () => {
      while (!watch.output().stdout.includes('Watching for changes')) {
        if (watch.child.exitCode !== null) return false;
        await sleep(100);
      }
      return true;
    })(),
    sleep(ctx.budgetMs(0.3)).then(() => false),
  ]);
  if (!ready) {
    results.add(
      PHASE,
      'watch starts',
      "prints 'Watching for changes'",
      `${watch.output().stderr.slice(-200)}`,
      false,
    );
    await stopDocqa(watch, 'SIGKILL');
    return;
  }
  await sleep(1000);

  // Two rounds in one watch session: a lost file is a race, so one burst may miss it.
  for (const round of [1, 2]) {
    const burst = await runBurst(
      folder,
      random,
      path.join(tmp, `staging${round}`),
      `r${round}`,
      settings.burstOps,
    );
    ctx.log(
      `round ${round}: ${burst.ops} operations (${burst.created} new files) in ${Math.round(burst.ms)} ms`,
    );
    results.add(
      PHASE,
      `round ${round}: burst speed`,
      `${settings.burstOps} ops in < 1 s`,
      `${burst.ops} ops in ${Math.round(burst.ms)} ms`,
      burst.ms < 1000,
    );
    const problems = await settle(ctx, watch, db, folder, round === 1 ? 0.35 : 0.9);
    const missing = problems.filter((p) => p.endsWith('not in the index')).length;
    const lingering = problems.filter((p) => p.endsWith('after deletion')).length;
    results.add(
      PHASE,
      `round ${round}: surviving files indexed, as they are now`,
      `${folder.files.size} files indexed and current`,
      problems.length - lingering
        ? `${missing} never indexed, ${problems.length - missing - lingering} stale; ${summarize(
            problems.filter((p) => !p.endsWith('after deletion')),
            2,
          )}`
        : 'all current',
      problems.length - lingering === 0,
    );
    results.add(
      PHASE,
      `round ${round}: deleted files gone`,
      `${burst.deleted} deletions reflected`,
      lingering ? `${lingering} still indexed` : 'all gone',
      lingering === 0,
    );
  }
  const stopped = await stopDocqa(watch, 'SIGINT', 20_000);
  results.add(
    PHASE,
    'watch stops on Ctrl+C',
    'exits 0 within 20 s',
    stopped.forced ? 'had to be killed' : describeExit(stopped),
    !stopped.forced && stopped.code === 0,
  );
}

/**
 * The burst: mostly new files in new nested folders, with edits, deletions and folders moved in
 * whole, paced over ~0.5 s (as a copy or an unzip is) so that files keep arriving while the
 * watcher is still setting up the new folders: all at once, it would only see the end state.
 */
async function runBurst(
  folder: ChangingFolder,
  random: () => number,
  staging: string,
  tag: string,
  total: number,
): Promise<{ ops: number; created: number; deleted: number; ms: number }> {
  const t0 = performance.now();
  const paceMs = 500 / total;
  let ops = 0;
  let created = 0;
  let deleted = 0;
  const step = async (): Promise<void> => {
    ops++;
    // Timers are coarse (and slower on a loaded machine): pause only when well ahead of the pace.
    const ahead = ops * paceMs - (performance.now() - t0);
    if (ahead >= 4) await sleep(ahead);
  };
  for (let n = 0; ops < total; n++) {
    const dir = `${tag}burst${n}/${n % 3 ? `sub${n}/` : ''}${n % 5 === 0 ? 'deeper/' : ''}`;
    for (let i = 0; i < 8 && ops < total; i++) {
      folder.write(`${dir}n${i}.${i % 2 ? 'md' : 'txt'}`, 1);
      created++;
      await step();
    }
    if (ops < total) {
      folder.write(pickExisting(folder, random), 1);
      await step();
    }
    if (n % 10 === 5 && ops < total) {
      // A folder filled elsewhere and moved in whole (an unzip next door): one event for many files.
      folder.moveIn(staging, `${tag}moved${n}`, 6);
      created += 6;
      await step();
    }
    if (n % 2 === 0 && ops < total) {
      folder.remove(pickExisting(folder, random));
      deleted++;
      await step();
    }
    if (n % 3 === 1 && ops < total) {
      // Renamed in place, sometimes to another type (.txt to .md): the document follows it.
      folder.rename(pickExisting(folder, random), folder.newName(n % 2 ? '.md' : '.txt'));
      await step();
    }
  }
  return { ops, created, deleted, ms: performance.now() - t0 };
}

/** Waits until the index matches the disk, or the watcher has printed nothing for QUIET_MS; returns what still differs. */
async function settle(
  ctx: PhaseContext,
  watch: DocqaProcess,
  db: string,
  folder: ChangingFolder,
  budgetShare: number,
): Promise<string[]> {
  let lastOutput = watch.output().stdout.length;
  let quietSince = performance.now();
  const deadline = performance.now() + Math.max(20_000, ctx.remainingMs() * budgetShare - 10_000);
  for (;;) {
    await sleep(2000);
    const problems = withLibrary(db, (conn) => compareWithDisk(documentsOf(conn, folder.root), folder.files));
    if (!problems.length) return problems;
    const now = watch.output().stdout.length;
    if (now !== lastOutput) {
      lastOutput = now;
      quietSince = performance.now();
    }
    if (
      performance.now() - quietSince > QUIET_MS ||
      performance.now() > deadline ||
      watch.child.exitCode !== null
    )
      return problems;
  }
}

function pickExisting(folder: ChangingFolder, random: () => number): string {
  const all = [...folder.files.keys()];
  return all[Math.floor(random() * all.length)];
}

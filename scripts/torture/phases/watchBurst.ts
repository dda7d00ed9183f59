/**
 * Phase "watch": `docqa watch` on a folder, then a burst of file operations in
 * under a second (new nested folders full of files, edits, deletions). After
 * the watcher goes quiet every surviving file must be indexed as it now is and
 * every deleted one gone.
 */
import path from 'node:path';
import { ChangingFolder, seededRandom } from '../changingFolder.js';
import { describeExit, runDocqa, sleep, startDocqa, stopDocqa } from '../docqa.js';
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

  // The burst: mostly new files in new nested folders, with edits and deletions mixed in.
  const t0 = performance.now();
  let ops = 0;
  let created = 0;
  const deleted = new Set<string>();
  for (let n = 0; ops < settings.burstOps; n++) {
    const dir = `burst${n}/${n % 3 ? `sub${n}/` : ''}${n % 5 === 0 ? 'deeper/' : ''}`;
    for (let i = 0; i < 8 && ops < settings.burstOps; i++) {
      folder.write(`${dir}n${i}.${i % 2 ? 'md' : 'txt'}`, 1);
      created++;
      ops++;
    }
    if (ops < settings.burstOps) {
      const rel = pickExisting(folder, random);
      folder.write(rel, 1);
      ops++;
    }
    if (n % 2 === 0 && ops < settings.burstOps) {
      const rel = pickExisting(folder, random);
      folder.remove(rel);
      deleted.add(rel);
      ops++;
    }
  }
  const burstMs = performance.now() - t0;
  ctx.log(`burst: ${ops} operations (${created} new files) in ${Math.round(burstMs)} ms`);
  results.add(
    PHASE,
    'burst speed',
    `${settings.burstOps} ops in < 1 s`,
    `${ops} ops in ${Math.round(burstMs)} ms`,
    burstMs < 1000,
  );

  // Wait until the index matches the disk, or until the watcher has been quiet for QUIET_MS.
  let lastOutput = watch.output().stdout.length;
  let quietSince = performance.now();
  let problems: string[] = [];
  const deadline = performance.now() + Math.max(20_000, ctx.remainingMs() - 15_000);
  for (;;) {
    await sleep(2000);
    problems = withLibrary(db, (conn) => compareWithDisk(documentsOf(conn, folder.root), folder.files));
    if (!problems.length) break;
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
      break;
  }
  const missing = problems.filter((p) => p.endsWith('not in the index')).length;
  const lingering = problems.filter((p) => p.endsWith('after deletion')).length;
  results.add(
    PHASE,
    'every surviving file indexed, as it is now',
    `${folder.files.size} files indexed and current`,
    problems.length
      ? `${missing} never indexed, ${problems.length - missing - lingering} stale; ${summarize(problems, 2)}`
      : 'all current',
    problems.length - lingering === 0,
  );
  results.add(
    PHASE,
    'deleted files gone',
    `${deleted.size} deletions reflected`,
    lingering ? `${lingering} still indexed` : 'all gone',
    lingering === 0,
  );
  const stopped = await stopDocqa(watch, 'SIGINT', 20_000);
  results.add(
    PHASE,
    'watch stops on Ctrl+C',
    'exits 0 within 20 s',
    stopped.forced ? 'had to be killed' : describeExit(stopped),
    !stopped.forced && stopped.code === 0,
  );
}

function pickExisting(folder: ChangingFolder, random: () => number): string {
  const all = [...folder.files.keys()];
  return all[Math.floor(random() * all.length)];
}

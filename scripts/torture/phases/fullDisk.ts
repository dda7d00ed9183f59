/**
 * Phase "disk": a full disk under the library. The library lives on a small
 * tmpfs mounted in a private mount namespace (`unshare -rm`: as root, or as any
 * user where user namespaces are allowed), with a filler file leaving a few
 * hundred KB; `docqa ingest` runs again and again while the filler shrinks a
 * little each round, so runs stop at many different writes, until one
 * finishes. Every run must exit 0 or say, in one line, that the disk is full;
 * the library, copied out after each run, must be consistent every time; the
 * last one must hold every file as it is on disk. Then a re-index on open (the
 * library marked as made by an older analyzer) meets a full disk: refused in
 * the same words, and done on the next open once there is room. SQLite gets
 * ENOSPC from the kernel: nothing inside DocQA is simulated.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ChangingFolder, seededRandom } from '../changingFolder.js';
import { DOCQA_BIN, docqaEnv, runShell } from '../docqa.js';
import { compareWithDisk, consistencyProblems, documentsOf, summarize, withLibrary } from '../libraryFile.js';
import type { PhaseContext } from '../phase.js';

const PHASE = 'disk';
const SEED = 20261205;
const FILES = 400;
/** The tmpfs, and what the filler leaves free at first and gives back each round (KiB). */
const DISK_KB = 48 * 1024;
const FIRST_FREE_KB = 300;
const STEP_KB = 512;
const MAX_ROUNDS = 40;
const DISK_FULL = /^docqa: the disk holding the library .+ is full: .*free some space and try again$/;

export async function fullDiskPhase(ctx: PhaseContext): Promise<void> {
  const { results, tmp } = ctx;
  const probe = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=1m tmpfs "$(mktemp -d)"'], {
    encoding: 'utf8',
  });
  if (probe.error || probe.status !== 0) {
    ctx.log(
      `skipped: no private tmpfs mount here (${probe.error?.message ?? (probe.stderr.trim() || `exit ${probe.status}`)})`,
    );
    return;
  }
  const folder = new ChangingFolder(path.join(tmp, 'docs'), seededRandom(SEED));
  for (let i = 0; i < FILES; i++) folder.write(folder.newName());
  const out = path.join(tmp, 'out');
  // One shell in the namespace runs every round: the mount lives only as long as it does.
  const script = `
    set -u
    lib=$(mktemp -d)
    mount -t tmpfs -o size=${DISK_KB}k tmpfs "$lib" || exit 90
    mkdir -p "$OUT"
    run() { "$NODE" "$BIN" "$@"; }
    keep() { mkdir -p "$OUT/$1" && cp "$lib"/lib.sqlite* "$OUT/$1/" 2>/dev/null; }
    avail=$(df -k --output=avail "$lib" | tail -1)
    filler=$(( avail - ${FIRST_FREE_KB} ))
    head -c $(( filler * 1024 )) /dev/zero > "$lib/filler"
    round=0
    while [ $round -lt ${MAX_ROUNDS} ]; do
      round=$((round + 1))
      run ingest "$DOCS" --db "$lib/lib.sqlite" --json > /dev/null 2> "$OUT/round-$round.err"
      code=$?
      echo $code > "$OUT/round-$round.code"
      keep "round-$round"
      [ $code -eq 0 ] && break
      filler=$(( filler - ${STEP_KB} ))
      [ $filler -lt 0 ] && filler=0
      truncate -s $(( filler * 1024 )) "$lib/filler"
    done
    rm "$lib/filler"
    # Compacted first: the failed rounds leave free pages in the file, and a rebuild that fits in
    # them needs no disk at all (two runs of fifteen passed the full disk so, unrefused).
    "$NODE" -e 'const d = new (require("better-sqlite3"))(process.argv[1]);
      d.prepare("UPDATE meta SET value = ? WHERE key = ?").run("analyzer-0", "fts_version");
      d.exec("VACUUM"); d.close();' "$lib/lib.sqlite"
    avail=$(df -k --output=avail "$lib" | tail -1)
    head -c $(( (avail - 200) * 1024 )) /dev/zero > "$lib/filler"
    run status --db "$lib/lib.sqlite" --json > /dev/null 2> "$OUT/reopen-full.err"; echo $? > "$OUT/reopen-full.code"
    rm "$lib/filler"
    run status --db "$lib/lib.sqlite" --json > /dev/null 2> "$OUT/reopen.err"; echo $? > "$OUT/reopen.code"
    keep reopen
  `;
  const shell = await runShell(`unshare -rm sh -c '${script.replace(/'/g, `'\\''`)}'`, {
    timeoutMs: ctx.budgetMs(0.95),
    env: docqaEnv({ OUT: out, NODE: process.execPath, BIN: DOCQA_BIN, DOCS: folder.root }),
  });
  if (shell.code !== 0 || !existsSync(out)) {
    results.add(
      PHASE,
      'runs on a full disk',
      'the rounds ran',
      `shell ${shell.code}: ${shell.stderr.slice(0, 200)}`,
      false,
    );
    return;
  }
  const read = (f: string) => readFileSync(path.join(out, f), 'utf8');
  const errorLines = (f: string) =>
    read(f)
      .split('\n')
      .filter((l) => l.trim() && !l.includes('execution provider'));
  const rounds = readdirSync(out).filter((f) => /^round-\d+\.code$/.test(f)).length;
  const unclear: string[] = [];
  const inconsistent: string[] = [];
  let stoppedByDisk = 0;
  let lastCode = '';
  for (let r = 1; r <= rounds; r++) {
    lastCode = read(`round-${r}.code`).trim();
    const lines = errorLines(`round-${r}.err`);
    if (lastCode !== '0') {
      if (lines.length === 1 && DISK_FULL.test(lines[0])) stoppedByDisk++;
      else unclear.push(`round ${r} exit ${lastCode}: ${lines.join(' | ').slice(0, 160)}`);
    }
    const copy = path.join(out, `round-${r}`, 'lib.sqlite');
    if (!existsSync(copy)) continue; // the disk was full before the library file was made
    const problems = withLibrary(copy, consistencyProblems);
    if (problems.length) inconsistent.push(`round ${r}: ${problems[0]}`);
  }
  results.add(
    PHASE,
    `ingest on a filling disk (${FILES} files, ${STEP_KB} KB freed a round)`,
    'each run exits 0 or says the disk is full in one line; the last exits 0',
    `${rounds} runs, ${stoppedByDisk} stopped by the full disk, last exit ${lastCode}${unclear.length ? `; unclear: ${unclear[0]}` : ''}`,
    unclear.length === 0 && stoppedByDisk > 0 && lastCode === '0',
  );
  results.add(
    PHASE,
    'library after each run',
    'integrity ok and consistent every time',
    inconsistent.length ? `${inconsistent.length} bad: ${inconsistent[0]}` : `ok after all ${rounds}`,
    inconsistent.length === 0,
  );
  const final = path.join(out, `round-${rounds}`, 'lib.sqlite');
  const diff = existsSync(final)
    ? withLibrary(final, (conn) => compareWithDisk(documentsOf(conn, folder.root), folder.files))
    : ['no library'];
  results.add(
    PHASE,
    'after the last run',
    `all ${FILES} files, none stale`,
    `problems ${summarize(diff, 3)}`,
    diff.length === 0,
  );
  // The notice that the index is being updated, then the refusal.
  const fullLines = errorLines('reopen-full.err').filter((l) => !l.startsWith('updating the search index'));
  const reopened = path.join(out, 'reopen', 'lib.sqlite');
  const reopenProblems = existsSync(reopened) ? withLibrary(reopened, consistencyProblems) : ['no library'];
  results.add(
    PHASE,
    're-index on open, disk full, then room',
    'refused in one line, then done and consistent',
    `exit ${read('reopen-full.code').trim()} (${fullLines.join(' | ').slice(0, 100)}), then exit ${read('reopen.code').trim()}; problems ${summarize(reopenProblems, 2)}`,
    read('reopen-full.code').trim() !== '0' &&
      fullLines.length === 1 &&
      DISK_FULL.test(fullLines[0]) &&
      read('reopen.code').trim() === '0' &&
      reopenProblems.length === 0,
  );
}

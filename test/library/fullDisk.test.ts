import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, DOCQA_BIN, errorLines } from '../cli/runDocqa.js';
import { openDatabase } from '../../main/engine/store/database.js';
import { FTS_VERSION } from '../../main/engine/store/ftsIndex.js';
import { checkLibraryFile } from './consistency.js';
import { seededRandom, tempDir } from './helpers.js';

/**
 * A real full disk: the library lives on a small tmpfs mounted in a private
 * mount namespace (`unshare`: as root, or as any user where user namespaces are
 * allowed), most of it taken by a filler file. Nothing is simulated inside DocQA:
 * SQLite gets ENOSPC from the kernel. Skipped, saying why, where no such mount
 * can be made.
 */
function canMountPrivateTmpfs(): string | null {
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=1m tmpfs "$(mktemp -d)"'], {
    encoding: 'utf8',
  });
  if (r.error) return `unshare is not available (${r.error.message})`;
  return r.status === 0 ? null : `no private tmpfs mount here: ${r.stderr.trim() || `exit ${r.status}`}`;
}

const whyNot = canMountPrivateTmpfs();
if (whyNot) console.warn(`full-disk test skipped: ${whyNot}`);

const DOCS = 60;
// Enough distinct words that the full-text index is a good part of the library.
const WORDS = (() => {
  const pick = seededRandom(3);
  return Array.from({ length: 3000 }, () =>
    Array.from({ length: 5 + Math.floor(pick() * 5) }, () =>
      String.fromCharCode(97 + Math.floor(pick() * 26)),
    ).join(''),
  );
})();

describe.skipIf(whyNot !== null)('a full disk under the library', () => {
  const tmp = tempDir('docqa-full-disk-');
  afterAll(() => tmp.cleanup());

  it('stops with one clear line, keeps every file indexed before, and the next run finishes', () => {
    const pick = seededRandom(7);
    for (let i = 0; i < DOCS; i++) {
      const paragraphs = Array.from({ length: 12 }, () =>
        Array.from({ length: 90 }, () => WORDS[Math.floor(pick() * WORDS.length)]).join(' '),
      );
      // Each file names itself once, so the last one can be asked for.
      paragraphs.push(`Marker word zq${i}x closes file ${i}.`);
      tmp.file(`docs/doc${String(i).padStart(2, '0')}.md`, `# Document ${i}\n\n${paragraphs.join('\n\n')}\n`);
    }
    const out = path.join(tmp.dir, 'out');
    const script = `
      set -u
      lib=$(mktemp -d)
      mount -t tmpfs -o size=6m tmpfs "$lib" || exit 90
      # Leave about 1 MB: the library of these files needs about 2.
      head -c 5242880 /dev/zero > "$lib/filler" 2>/dev/null
      mkdir -p "$OUT"
      run() { "$NODE" "$BIN" "$@"; }
      run ingest "$DOCS" --db "$lib/lib.sqlite" > "$OUT/ingest1.out" 2> "$OUT/ingest1.err"; echo $? > "$OUT/ingest1.code"
      cp "$lib"/lib.sqlite* "$OUT/" 2>/dev/null
      mkdir -p "$OUT/first" && mv "$OUT"/lib.sqlite* "$OUT/first/"
      rm "$lib/filler"
      run ingest "$DOCS" --db "$lib/lib.sqlite" > "$OUT/ingest2.out" 2> "$OUT/ingest2.err"; echo $? > "$OUT/ingest2.code"
      run status --db "$lib/lib.sqlite" --json > "$OUT/status.json" 2> "$OUT/status.err"
      run ask "zq${DOCS - 1}x" --db "$lib/lib.sqlite" --json > "$OUT/ask.json" 2> "$OUT/ask.err"
      mkdir -p "$OUT/second" && cp "$lib"/lib.sqlite* "$OUT/second/"
      # No room at all: opening the library to add a folder fails before any of our writes.
      head -c 100000000 /dev/zero > "$lib/filler" 2>/dev/null
      run ingest "$MORE" --db "$lib/lib.sqlite" > /dev/null 2> "$OUT/noroom.err"; echo $? > "$OUT/noroom.code"
      rm "$lib/filler"
      # An upgrade whose new analyzer re-indexes the library on open, with 200 KB left.
      "$NODE" -e 'const d = new (require("better-sqlite3"))(process.argv[1]);
        d.prepare("UPDATE meta SET value = ? WHERE key = ?").run("analyzer-0", "fts_version"); d.close();' "$lib/lib.sqlite"
      avail=$(df -k --output=avail "$lib" | tail -1)
      head -c $(( (avail - 200) * 1024 )) /dev/zero > "$lib/filler"
      run status --db "$lib/lib.sqlite" --json > "$OUT/reopen1.out" 2> "$OUT/reopen1.err"; echo $? > "$OUT/reopen1.code"
      rm "$lib/filler"
      run status --db "$lib/lib.sqlite" --json > "$OUT/reopen2.json" 2> "$OUT/reopen2.err"; echo $? > "$OUT/reopen2.code"
      mkdir -p "$OUT/third" && cp "$lib"/lib.sqlite* "$OUT/third/"
    `;
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', script], {
      env: {
        ...cliEnv(tmp.dir),
        OUT: out,
        NODE: process.execPath,
        BIN: DOCQA_BIN,
        DOCS: path.join(tmp.dir, 'docs'),
        MORE: path.dirname(tmp.file('more/note.md', '# More\n\nA note added when the disk has no room.\n')),
      },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const read = (f: string) => readFileSync(path.join(out, f), 'utf8');

    // The first run: a failure, said in one line that names the library and what to do.
    expect(read('ingest1.code').trim()).not.toBe('0');
    const lines = errorLines(read('ingest1.err'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /the disk holding the library .*lib\.sqlite is full: .*free some space and try again/,
    );
    // What it committed is whole and consistent: some files, none marked failed for want of space.
    const first = path.join(out, 'first', 'lib.sqlite');
    expect(existsSync(first)).toBe(true);
    expect(checkLibraryFile(first)).toEqual([]);
    const db = openDatabase(first, { readonly: true });
    const kept = db.prepare(`SELECT status, COUNT(*) AS n FROM documents GROUP BY status`).all();
    db.close();
    expect(kept).toEqual([{ status: 'ok', n: expect.any(Number) }]);
    expect((kept[0] as { n: number }).n).toBeLessThan(DOCS);

    // The second run, with room: every file, consistent, and the last file answers.
    expect(read('ingest2.code').trim(), read('ingest2.err')).toBe('0');
    const status = JSON.parse(read('status.json')) as {
      documents: number;
      failed: number;
      folders: { state: string }[];
    };
    expect(status.documents).toBe(DOCS);
    expect(status.failed).toBe(0);
    expect(status.folders.map((f) => f.state)).toEqual(['ok']);
    expect(checkLibraryFile(path.join(out, 'second', 'lib.sqlite'))).toEqual([]);
    const answer = JSON.parse(read('ask.json')) as { results: { path: string }[] };
    expect(answer.results[0]?.path).toBe(`doc${DOCS - 1}.md`);

    // A disk with no room at all fails where SQLite sizes its shared memory ("disk I/O
    // error"); the free space beside the library says it is the disk.
    expect(read('noroom.code').trim()).not.toBe('0');
    expect(errorLines(read('noroom.err'))).toEqual([
      expect.stringMatching(/the disk holding the library .* is full/),
    ]);

    // Re-indexing on open (a new analyzer) on a full disk: refused in the same words, nothing
    // lost; with room, done on the next open.
    expect(read('reopen1.code').trim()).not.toBe('0');
    expect(errorLines(read('reopen1.err'))).toEqual([
      expect.stringMatching(
        /^updating the search index of .* for this version of DocQA \(\d+ passages, once\)$/,
      ),
      expect.stringMatching(/the disk holding the library .* is full/),
    ]);
    expect(read('reopen2.code').trim(), read('reopen2.err')).toBe('0');
    expect((JSON.parse(read('reopen2.json')) as { documents: number }).documents).toBe(DOCS);
    const third = path.join(out, 'third', 'lib.sqlite');
    expect(checkLibraryFile(third)).toEqual([]);
    const reopened = openDatabase(third, { readonly: true });
    expect(reopened.prepare(`SELECT value FROM meta WHERE key = 'fts_version'`).pluck().get()).toBe(
      FTS_VERSION,
    );
    reopened.close();
  });
});

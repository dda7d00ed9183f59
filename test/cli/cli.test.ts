import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/engine/store/database.js';
import { makePptx } from '../../scripts/documentWriters/pptxWriter.js';
import { makeXlsx } from '../../scripts/documentWriters/xlsxWriter.js';
import { checkConsistency } from '../library/consistency.js';
import { tempDir, writeTestPack } from '../library/helpers.js';
import { cliEnv, type CliRun, DOCQA_BIN, errorLines, runDocqa } from './runDocqa.js';

const BIN = DOCQA_BIN;
const tmp = tempDir('docqa-cli-');
let pack: string;
let db: string;
const env = cliEnv(tmp.dir);
const docqa = (args: string[]): CliRun => runDocqa(args, env);

beforeAll(async () => {
  pack = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 32 });
  tmp.file(
    'docs/travel/checklist.md',
    '# Travel checklist\n\nPassport, tickets and a phone charger. Remember the umbrella.\n',
  );
  tmp.file('docs/茶/绿茶.txt', '绿茶\n\n绿茶水温在八十度左右最合适，不要用沸水。\n');
  tmp.file('docs/broken.pdf', 'not a pdf');
  db = path.join(tmp.dir, 'lib.sqlite');
});

afterAll(() => tmp.cleanup());

describe('docqa CLI', () => {
  it('ingests, asks and answers a batch in input order, as JSON', () => {
    const ingest = docqa(['ingest', path.join(tmp.dir, 'docs'), '--db', db, '--model', pack, '--json']);
    expect(ingest.code, ingest.stderr).toBe(0);
    const summary = JSON.parse(ingest.stdout);
    expect(summary).toMatchObject({ phase: 'done', filesAdded: 2, filesFailed: 1 });
    expect(summary.failed).toEqual([
      expect.objectContaining({ path: 'broken.pdf', error: expect.stringMatching(/PDF/) }),
    ]);

    const ask = docqa(['ask', '绿茶用多少度的水？', '--db', db, '--model', pack, '--json', '--k', '2']);
    expect(ask.code, ask.stderr).toBe(0);
    const answer = JSON.parse(ask.stdout);
    expect(answer).toMatchObject({ question: '绿茶用多少度的水？', notFound: expect.any(Boolean) });
    expect(answer.results[0]).toMatchObject({
      path: '茶/绿茶.txt',
      start: expect.any(Number),
      end: expect.any(Number),
      score: expect.any(Number),
    });
    expect(answer.results[0].text).toContain('八十度');
    expect(answer.results.length).toBeLessThanOrEqual(2);

    const batch = tmp.file(
      'questions.jsonl',
      [
        { id: 'q1', question: 'what should I pack? umbrella' },
        { id: 7, question: '绿茶' },
        { id: 'q3', question: '"unbalanced NEAR( -- DROP TABLE' },
      ]
        .map((q) => JSON.stringify(q))
        .join('\n') + '\n',
    );
    const search = docqa([
      'search',
      '--batch',
      batch,
      '--db',
      db,
      '--model',
      pack,
      '--mode',
      'bm25',
      '--json',
    ]);
    expect(search.code, search.stderr).toBe(0);
    const lines = search.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['q1', 7, 'q3']);
    expect(lines[0].results[0]).toMatchObject({ path: 'travel/checklist.md' });
    const text = '# Travel checklist\n\nPassport, tickets and a phone charger. Remember the umbrella.\n';
    expect(text.slice(lines[0].results[0].start, lines[0].results[0].end)).toBe(lines[0].results[0].text);
    expect(lines[1].results[0].path).toBe('茶/绿茶.txt');

    const status = docqa(['status', '--db', db, '--model', pack, '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      documents: 2,
      failed: 1,
      failedFiles: [expect.objectContaining({ path: 'broken.pdf' })],
    });
    const human = docqa(['status', '--db', db, '--model', pack]);
    expect(human.stdout).toMatch(/broken\.pdf: .*PDF/);
    // Counted in the words the interface uses: passages, not chunks; one document, not "1 documents".
    expect(human.stdout).toMatch(/^Content {3}2 documents, \d+ passages?, 1 failed$/m);
  });

  it('searches a misspelt word as the word the documents hold, says so, and --as-written does not', () => {
    const question = ['ask', 'Should I bring an umbrela?', '--db', db, '--model', pack, '--k', '2'];
    const corrected = docqa([...question, '--json']);
    expect(corrected.code, corrected.stderr).toBe(0);
    const answer = JSON.parse(corrected.stdout);
    expect(answer.corrections).toEqual([{ written: 'umbrela', searched: 'umbrella' }]);
    expect(answer.results[0].path).toBe('travel/checklist.md');
    const text = docqa(question);
    expect(text.stdout).toMatch(/^Searched for: umbrella \(you wrote umbrela\)/m);
    const asWritten = JSON.parse(docqa([...question, '--json', '--as-written']).stdout);
    expect(asWritten.corrections).toEqual([]);
    const batch = tmp.file('typos.jsonl', JSON.stringify({ id: 1, question: 'umbrela' }) + '\n');
    const search = (...flags: string[]) =>
      JSON.parse(docqa(['search', '--batch', batch, '--db', db, '--model', pack, ...flags]).stdout);
    expect(search().corrections).toEqual([{ written: 'umbrela', searched: 'umbrella' }]);
    expect(search('--as-written').corrections).toEqual([]);
  });

  it('says once why opening waits when a new analyzer re-indexes the full text, and answers the same', () => {
    const question = ['ask', '绿茶用多少度的水？', '--db', db, '--model', pack, '--json', '--k', '3'];
    const before = docqa(question);
    expect(before.code, before.stderr).toBe(0);
    const conn = openDatabase(db);
    const passages = conn.prepare('SELECT COUNT(*) FROM chunks').pluck().get() as number;
    conn.prepare(`UPDATE meta SET value = 'analyzer-0' WHERE key = 'fts_version'`).run();
    conn.close();

    const reindexed = docqa(question);
    expect(reindexed.code, reindexed.stderr).toBe(0);
    expect(errorLines(reindexed.stderr)).toEqual([
      `updating the search index of ${db} for this version of DocQA (${passages} passages, once)`,
    ]);
    const again = docqa(question);
    expect(errorLines(again.stderr)).toEqual([]);
    const results = (r: CliRun) => (JSON.parse(r.stdout) as { results: unknown[] }).results;
    expect(results(reindexed)).toEqual(results(before));
    expect(results(again)).toEqual(results(before));
  });

  it('leaves out files matching --ignore, and a new list re-admits them', () => {
    tmp.file('ign/notes/keep.md', '# Keep\n\nThe lighthouse keeper logs the weather at dawn.\n');
    tmp.file('ign/drafts/draft.md', '# Draft\n\nThe lighthouse keeper draft about storms.\n');
    const ignDb = path.join(tmp.dir, 'ignore.sqlite');
    const folder = path.join(tmp.dir, 'ign');
    const first = docqa([
      'ingest',
      folder,
      '--db',
      ignDb,
      '--model',
      pack,
      '--ignore',
      'drafts/',
      '--ignore',
      '*.tmp',
      '--json',
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ filesAdded: 1 });
    const paths = (): string[] => {
      const r = docqa([
        'search',
        '--batch',
        tmp.file('ign-q.jsonl', '{"id":1,"question":"lighthouse keeper"}\n'),
        '--db',
        ignDb,
        '--model',
        pack,
        '--mode',
        'bm25',
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout).results as { path: string }[]).map((x) => x.path).sort();
    };
    expect(paths()).toEqual(['notes/keep.md']);
    // Without --ignore the folder keeps its list; with a new one, what it no longer excludes is indexed.
    expect(
      JSON.parse(docqa(['ingest', folder, '--db', ignDb, '--model', pack, '--json']).stdout),
    ).toMatchObject({ filesAdded: 0 });
    const second = docqa(['ingest', folder, '--db', ignDb, '--model', pack, '--ignore', 'notes/', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(paths()).toEqual(['drafts/draft.md']);
  });

  it('removes a folder, and --undo puts it back with its ignore list and indexes it', () => {
    tmp.file('undo/notes/keep.md', '# Keep\n\nThe ferry timetable changes in October.\n');
    tmp.file('undo/drafts/draft.md', '# Draft\n\nA ferry timetable draft.\n');
    const undoDb = path.join(tmp.dir, 'undo.sqlite');
    const folder = path.join(tmp.dir, 'undo');
    const withPack = ['--db', undoDb, '--model', pack];
    expect(docqa(['ingest', folder, ...withPack, '--ignore', 'drafts/']).code).toBe(0);
    const removed = docqa(['remove', folder, '--db', undoDb]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`To undo within 10 minutes: docqa remove --undo ${folder}`);
    const status = () =>
      JSON.parse(docqa(['status', '--db', undoDb, '--json']).stdout) as { documents: number };
    expect(status().documents).toBe(0);

    const undone = docqa(['remove', '--undo', folder, ...withPack]);
    expect(undone.code, undone.stderr).toBe(0);
    expect(undone.stdout).toContain(`Put ${folder} back in the library`);
    expect(undone.stdout).toMatch(/1 added/);
    expect(status().documents).toBe(1);

    const twice = docqa(['remove', '--undo', folder, ...withPack]);
    expect(twice.code).not.toBe(0);
    expect(errorLines(twice.stderr)).toEqual([
      `docqa: ${folder} was not removed from this library in the last 10 minutes`,
    ]);
  });

  it("places a deck's passage by its slide, in the text answer and in the JSON", () => {
    tmp.file(
      'deck/ferries.pptx',
      makePptx([
        { title: 'Ferry timetable', body: ['Boats leave the harbour every hour.'] },
        {
          title: 'Winter service',
          body: ['From November the ferry to the lighthouse island runs twice a day.'],
        },
      ]),
    );
    const deckDb = path.join(tmp.dir, 'deck.sqlite');
    const ingest = docqa(['ingest', path.join(tmp.dir, 'deck'), '--db', deckDb, '--model', pack]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const question = ['ask', 'ferry to the lighthouse island in winter', '--db', deckDb, '--model', pack];
    const json = docqa([...question, '--json']);
    expect(JSON.parse(json.stdout).results[0]).toMatchObject({
      path: 'ferries.pptx',
      page: 2,
      pageIsSlide: true,
    });
    expect(docqa(question).stdout).toContain('ferries.pptx  (slide 2 · Winter service)');
  });

  it("places a workbook's passage by its sheet row, in the text answer and in the JSON", () => {
    const rows: (string | number | null)[][] = [['Item', 'Price', 'Shelf']];
    for (let i = 1; i <= 300; i++) rows.push([`Crate ${i}`, i * 2, `Aisle ${i % 9}`]);
    rows.splice(100, 0, [null, null, null]); // an empty row: rows and lines part ways
    rows.push(['Brass lantern', 19, 'Aisle 4']);
    tmp.file('sheets/stock.xlsx', makeXlsx([{ name: 'Stock', rows }]));
    const sheetDb = path.join(tmp.dir, 'sheets.sqlite');
    const ingest = docqa(['ingest', path.join(tmp.dir, 'sheets'), '--db', sheetDb, '--model', pack]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const question = ['ask', 'brass lantern', '--db', sheetDb, '--model', pack, '--mode', 'bm25'];
    const first = JSON.parse(docqa([...question, '--json']).stdout).results[0];
    expect(first).toMatchObject({ path: 'stock.xlsx', lineIsRow: true, headingPath: ['Stock'] });
    // The passage's first row, as the spreadsheet numbers it.
    const firstCrate = Number(/^Item: Crate (\d+)/.exec(first.text)![1]);
    expect(first.line).toBe(firstCrate + (firstCrate >= 100 ? 2 : 1));
    expect(docqa(question).stdout).toContain(`stock.xlsx  (row ${first.line} · Stock)`);
  });

  it('fails with one clear line and a non-zero exit for user mistakes', () => {
    const cases: [string[], RegExp][] = [
      [['ask', 'tea', '--db', path.join(tmp.dir, 'nope.sqlite')], /no library at .*nope\.sqlite/],
      [['ask', 'tea', '--db', db, '--k', 'many'], /--k must be/],
      [['ask', 'tea', '--db', db, '--mode', 'fuzzy'], /--mode must be/],
      [['ingest', path.join(tmp.dir, 'missing-folder'), '--db', db], /folder not found/],
      [['search', '--batch', path.join(tmp.dir, 'missing.jsonl'), '--db', db], /questions file not found/],
      [['eval', path.join(tmp.dir, 'docs')], /not an evaluation set/],
      [['ingest', path.join(tmp.dir, 'docs'), '--db', db, '--model', path.join(tmp.dir, 'no-pack')], /pack/],
    ];
    for (const [args, pattern] of cases) {
      const r = docqa(args);
      expect(r.code, args.join(' ')).toBe(2);
      const lines = errorLines(r.stderr);
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
    }
    const bad = tmp.file('bad.jsonl', '{"id": 1, "question": "ok"}\n{"id": 2}\n');
    const r = docqa(['search', '--batch', bad, '--db', db, '--model', pack, '--json']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/bad\.jsonl:2: .*"id" and "question"/)]);
    expect(r.stdout.trim().split('\n')).toHaveLength(1); // the first line was answered
  });

  it('evaluates a generated set by the scoring rule (code-point offsets, astral characters)', () => {
    const doc =
      'Emoji 😀 title\n\nThe first paragraph talks about kiwi birds.\n\nThe second paragraph 𠀀 is about the moon landing in 1969.\n';
    tmp.file('set/docs/a.txt', doc);
    tmp.file('set/docs/b.txt', 'Other\n\nA text about volcanoes and lava.\n');
    const cp = [...doc];
    const start =
      cp.join('').indexOf('The second') >= 0 ? [...doc.slice(0, doc.indexOf('The second'))].length : -1;
    const end = start + [...'The second paragraph 𠀀 is about the moon landing in 1969.'].length;
    tmp.file(
      'set/questions.jsonl',
      [
        { id: '1', question: 'moon landing year', answers: ['1969'], doc: 'a.txt', start, end },
        { id: '2', question: 'volcanoes lava', answers: [], doc: 'b.txt', start: 7, end: 40 },
      ]
        .map((q) => JSON.stringify(q))
        .join('\n'),
    );
    const r = docqa([
      'eval',
      path.join(tmp.dir, 'set'),
      '--pool',
      '--mode',
      'bm25,hybrid',
      '--model',
      pack,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => x.mode)).toEqual(['bm25', 'hybrid']);
    expect(rows[0]).toMatchObject({ set: 'set', questions: 2, 'hit@1': 1, 'hit@10': 1, 'mrr@10': 1 });
    expect(rows[0].ms_per_query).toBeGreaterThan(0);
  });

  it('leaves a consistent library when killed mid-ingest, and the next run finishes', async () => {
    const N = 1500;
    for (let i = 0; i < N; i++) {
      tmp.file(
        `big/${String(i).padStart(4, '0')}.txt`,
        `Note ${i}\n\nThe parcel ${i} was shipped to warehouse ${i % 17} on day ${i % 31}. 第${i}号包裹已发往${i % 17}号仓库。\n`,
      );
    }
    const killDb = path.join(tmp.dir, 'kill.sqlite');
    const child = spawn(
      process.execPath,
      [BIN, 'ingest', path.join(tmp.dir, 'big'), '--db', killDb, '--model', pack],
      { env, stdio: 'ignore' },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let seen = 0;
    for (let waited = 0; waited < 90_000 && seen === 0; waited += 25) {
      await new Promise((r) => setTimeout(r, 25));
      try {
        const probe = openDatabase(killDb, { readonly: true });
        seen = probe.prepare(`SELECT COUNT(*) FROM documents WHERE status = 'ok'`).pluck().get() as number;
        probe.close();
      } catch {
        // not created yet
      }
    }
    child.kill('SIGKILL');
    await exited;
    expect(seen).toBeGreaterThan(0);

    const after = openDatabase(killDb);
    const partial = after
      .prepare(`SELECT COUNT(*) FROM documents WHERE status = 'ok'`)
      .pluck()
      .get() as number;
    expect(partial).toBeLessThan(N); // really stopped mid-way
    expect(checkConsistency(after)).toEqual([]);
    after.close();

    const resumed = docqa(['ingest', path.join(tmp.dir, 'big'), '--db', killDb, '--model', pack, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const s = JSON.parse(resumed.stdout);
    expect(s.filesSkipped).toBeGreaterThanOrEqual(partial);
    expect(s.filesAdded + s.filesSkipped).toBe(N);
    const done = openDatabase(killDb, { readonly: true });
    expect(done.prepare(`SELECT COUNT(*) FROM documents WHERE status = 'ok'`).pluck().get()).toBe(N);
    expect(checkConsistency(done)).toEqual([]);
    done.close();
  });
});

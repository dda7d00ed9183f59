import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import { NameInPassages } from '../../main/engine/search/nameInPassages.js';
import { openDatabase, type Db } from '../../main/engine/store/database.js';
import { tempDir } from '../library/helpers.js';

const tmp = tempDir('docqa-names-');
let lib: Library;
let db: Db;

beforeAll(async () => {
  tmp.file(
    'docs/users.md',
    '# User accounts\n\nNew teachers are added on the accounts page; many accounts can be added at once from a file. Windows machines log in through pGina.\n',
  );
  tmp.file('docs/laptops.md', '# Laptops\n\nEach Chromebook gets the school profile when it first starts.\n');
  lib = await Library.open({ dbPath: path.join(tmp.dir, 'lib.sqlite'), provider: 'cpu' });
  const folder = await lib.addFolder(path.join(tmp.dir, 'docs'));
  await lib.ingest({ folderIds: [folder.id] });
  db = openDatabase(path.join(tmp.dir, 'lib.sqlite'));
});

afterAll(async () => {
  db.close();
  await lib.close();
  tmp.cleanup();
});

describe('a name the library holds only as another word with the same stem', () => {
  it('is reported missing: "AD" is not "added"', async () => {
    const answer = await lib.ask('Can the laptops join our AD domain?', { k: 3 });
    expect(answer.missingNames).toEqual(['AD']);
  });

  it('is found as written, or in the plural, in the passage or its heading', async () => {
    expect((await lib.ask('Do Windows machines need pGina?', { k: 3 })).missingNames).toEqual([]);
    expect((await lib.ask('Do our Chromebooks get a profile?', { k: 3 })).missingNames).toEqual([]);
    const names = new NameInPassages(db);
    const vocab = db.prepare('SELECT doc FROM chunks_fts_vocab WHERE term = ?').pluck();
    const df = (term: string) => (vocab.get(term) as number | undefined) ?? 0;
    expect(names.written('ad', 'ad', df('ad'))).toBe(false);
    expect(names.written('window', 'windows', df('window'))).toBe(true);
    expect(names.written('chromebook', 'chromebooks', df('chromebook'))).toBe(true); // the singular is written
    expect(names.written('chromebook', 'chromebookes', df('chromebook'))).toBe(true);
    expect(names.written('account', 'accounts', df('account'))).toBe(true); // the heading writes it too
    expect(names.written('docker', 'docker', df('docker'))).toBe(false);
  });

  it('counts a hyphenated compound as a name in a library of its language, and nowhere else', async () => {
    // "factor" occurs in no passage: the library lacks two-factor login; "school-profile" is all there.
    expect(
      (await lib.ask('Can teachers use two-factor login on the accounts page?', { k: 3 })).missingNames,
    ).toEqual(['two-factor']);
    expect((await lib.ask('Does each Chromebook get the school-profile?', { k: 3 })).missingNames).toEqual(
      [],
    );
    // In a Chinese library the English words of a question are translated, not written: no verdict.
    const zh = await Library.open({ dbPath: path.join(tmp.dir, 'zh.sqlite'), provider: 'cpu' });
    try {
      tmp.file('zh/accounts.md', '# 用户账号\n\n新教师的账号在账号页面添加，也可以从文件批量导入。\n');
      tmp.file('zh/laptops.md', '# 笔记本电脑\n\n每台笔记本第一次启动时获得学校的配置。\n');
      const folder = await zh.addFolder(path.join(tmp.dir, 'zh'));
      await zh.ingest({ folderIds: [folder.id] });
      const answer = await zh.ask('Can teachers use two-factor login on the accounts page?', { k: 3 });
      expect(answer.missingNames).toEqual([]);
    } finally {
      await zh.close();
    }
  });

  it('checks a bounded number of names per search, then gives no verdict', () => {
    const vocab = db.prepare('SELECT doc FROM chunks_fts_vocab WHERE term = ?').pluck();
    const df = (term: string) => (vocab.get(term) as number | undefined) ?? 0;
    const check = new NameInPassages(db, 200, 2).forOneSearch(df);
    expect(check('ad', 'ad')).toBe(false);
    expect(check('window', 'windows')).toBe(true);
    expect(check('ad', 'ad')).toBeNull(); // the third name: presence by its term decides
    // Each search starts its own count.
    expect(new NameInPassages(db, 200, 2).forOneSearch(df)('ad', 'ad')).toBe(false);
  });

  it('cannot tell when more passages hold the term than it reads', () => {
    // One passage holds "ad" ("added", twice): reading none at most gives no verdict, reading one does.
    expect(new NameInPassages(db, 0).written('ad', 'ad', 1)).toBeNull();
    expect(new NameInPassages(db, 1).written('ad', 'ad', 1)).toBe(false);
  });
});

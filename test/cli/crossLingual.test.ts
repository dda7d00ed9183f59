import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bm25Channel } from '../../main/engine/search/bm25.js';
import { builtinLexicon } from '../../main/engine/search/lexicon.js';
import { ScoreFusionRanker } from '../../main/engine/search/ranker.js';
import { Searcher } from '../../main/engine/search/searcher.js';
import { openDatabase } from '../../main/engine/store/database.js';
import { tempDir, writeTestPack } from '../library/helpers.js';

const BIN = fileURLToPath(new URL('../../bin/docqa.js', import.meta.url));
const tmp = tempDir('docqa-xling-');
const env = {
  ...process.env,
  DOCQA_FROM_SOURCE: '1',
  HOME: tmp.dir,
  XDG_DATA_HOME: path.join(tmp.dir, 'data'),
  DOCQA_DB: '',
};
let pack: string;
const enDb = path.join(tmp.dir, 'en.sqlite');
const zhDb = path.join(tmp.dir, 'zh.sqlite');
const noticeDb = path.join(tmp.dir, 'zh-notice.sqlite');
const mixedDb = path.join(tmp.dir, 'mixed.sqlite');

function docqa(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Answer {
  notFound: boolean;
  translatedTerms: string[];
  results: { path: string; lang: string; text: string }[];
}

function ask(question: string, db: string, ...flags: string[]): Answer {
  const r = docqa(['ask', question, '--db', db, '--model', pack, '--json', '--k', '3', ...flags]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Answer;
}

beforeAll(async () => {
  pack = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 32 });
  tmp.file(
    'en/backup.md',
    '# Restoring a backup\n\nTo restore a database backup, stop the server first, then copy the backup archive back into the data folder and start the server again.\n',
  );
  tmp.file(
    'en/garden.md',
    '# Watering the garden\n\nWater the tomatoes early in the morning: the soil keeps its moisture longer.\n',
  );
  tmp.file(
    'en/printer.md',
    '# Printer setup\n\nConnect the printer with a USB cable and install the driver from the vendor.\n',
  );
  tmp.file(
    'zh/防火墙.md',
    '# 防火墙设置\n\n要开放一个端口，请在防火墙规则里添加一条允许该端口的规则，然后重新加载防火墙。\n',
  );
  tmp.file('zh/绿茶.md', '# 绿茶\n\n绿茶水温在八十度左右最合适，不要用沸水。\n');
  // A Chinese library with an untranslated English notice: common English words, none of the question's subject.
  tmp.file(
    'zh-notice/防火墙.md',
    '# 防火墙设置\n\n要开放一个端口，请在防火墙规则里添加一条允许该端口的规则，然后重新加载防火墙。\n',
  );
  tmp.file('zh-notice/打印机.md', '# 打印机\n\n用数据线连接打印机，再从厂商网站下载驱动程序。\n');
  tmp.file(
    'zh-notice/许可.md',
    '# 许可\n\nThis program is distributed in the hope that it will be useful, but you should not do it if you are not sure how it is done, and I do not know why you would want to do that with the data.\n',
  );
  tmp.file('zh/打印机.md', '# 打印机\n\n用数据线连接打印机，再从厂商网站下载驱动程序。\n');
  // Both languages: a dozen Chinese notes that share the question's own words, and the English
  // passage that answers it.
  tmp.file(
    'mixed/backup.md',
    '# Restoring a backup\n\nTo restore a database backup, stop the server first, then copy the backup archive back into the data folder and start the server again.\n',
  );
  const topics = [
    '打印机',
    '绿茶',
    '花园',
    '自行车',
    '相机',
    '厨房',
    '咖啡',
    '雨伞',
    '钢琴',
    '书架',
    '鱼缸',
    '台灯',
  ];
  // Many notes on other things, so that the question's words are rare enough to count.
  for (let i = 0; i < 96; i++) {
    const topic = topics[i % topics.length];
    tmp.file(
      `mixed/${topic}${i}.md`,
      `# ${topic}\n\n关于${topic}的第${i + 1}条笔记：平时要注意保养，用完放回原处。\n`,
    );
  }
  for (let i = 1; i <= 12; i++)
    tmp.file(
      `mixed/笔记${i}.md`,
      `# 第${i}台服务器\n\n第${i}台服务器的数据库备份每天夜里做一次，备份文件放在${i}号机房。怎么恢复？问管理员。\n`,
    );
  // And the other way: English notes sharing an English question's words, a Chinese passage answering it.
  tmp.file(
    'mixed/防火墙.md',
    '# 防火墙设置\n\n要开放一个端口，请在防火墙规则里添加一条允许该端口的规则，然后重新加载防火墙。\n',
  );
  for (let i = 1; i <= 12; i++)
    tmp.file(
      `mixed/firewall-note-${i}.md`,
      `# Server ${i}\n\nServer ${i} is behind the firewall of room ${i}; ask the admin before you open a port on it.\n`,
    );
  for (const [folder, db] of [
    ['en', enDb],
    ['zh', zhDb],
    ['zh-notice', noticeDb],
    ['mixed', mixedDb],
  ]) {
    const r = docqa(['ingest', path.join(tmp.dir, folder), '--db', db, '--model', pack, '--json']);
    expect(r.code, r.stderr).toBe(0);
  }
});

afterAll(() => tmp.cleanup());

describe('cross-lingual search through the CLI', () => {
  it('finds an English document for a Chinese question, and says what it also searched', () => {
    const answer = ask('怎么恢复数据库备份？', enDb);
    expect(answer.notFound).toBe(false);
    expect(answer.results[0]).toMatchObject({ path: 'backup.md', lang: 'en' });
    expect(answer.translatedTerms).toEqual(expect.arrayContaining(['database', 'backup']));
    // Traditional input reaches the same passage.
    expect(ask('怎麼恢復數據庫備份？', enDb).results[0].path).toBe('backup.md');
  });

  it('finds a Chinese document for an English question', () => {
    const answer = ask('How do I open a port in the firewall?', zhDb);
    expect(answer.notFound).toBe(false);
    expect(answer.results[0]).toMatchObject({ path: '防火墙.md', lang: 'zh' });
    expect(answer.translatedTerms.some((t) => t.includes('墙'))).toBe(true);
    const text = docqa(['ask', 'How do I open a port in the firewall?', '--db', zhDb, '--model', pack]);
    expect(text.stdout).toMatch(/^Also searched: .*墙/m);
    expect(text.stdout).toMatch(/防火墙\.md .*\[zh\]/);
  });

  it('an English notice in a Chinese library does not win an English question by its function words', () => {
    // "how", "do", "I", "the", "with": rare in a Chinese library, so they would score as rare words.
    const answer = ask('How do I open a port with the firewall?', noticeDb);
    expect(answer.results[0]).toMatchObject({ path: '防火墙.md', lang: 'zh' });
    expect(answer.results.findIndex((r) => r.path === '许可.md')).not.toBe(0);
  });

  it('keeps places on the first page for the other language when the library holds both', () => {
    const page = (question: string, ...flags: string[]) => {
      const args = ['ask', question, '--db', mixedDb, '--model', pack, '--json', '--mode', 'bm25'];
      const r = docqa([...args, ...flags]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as Answer).results;
    };
    const question = '怎么恢复数据库备份？';
    const results = page(question);
    expect(results).toHaveLength(10);
    // The Chinese notes match the question's own words; the English answer comes through its translations.
    expect(results.slice(0, 9).every((r) => r.lang === 'zh')).toBe(true);
    // The only English passage takes the last place of the page.
    expect(results[9]).toMatchObject({ path: 'backup.md', lang: 'en' });
    // It takes that place's score: scores still fall down the list.
    const scores = results.map((r) => (r as unknown as { score: number }).score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // Asked for more, it is still shown once, in its place.
    const twenty = page(question, '--k', '20');
    expect(twenty.slice(0, 10)).toEqual(results);
    expect(twenty.filter((r) => r.path === 'backup.md')).toHaveLength(1);
    // A page of two is the question's own.
    expect(page(question, '--k', '2').every((r) => r.lang === 'zh')).toBe(true);
    // An English question's page is the question's own: the Chinese answer is where its score puts it.
    const english = page('How do I open a port in the firewall?', '--k', '20');
    expect(english.slice(0, 10).every((r) => r.lang === 'en')).toBe(true);
    expect(english.findIndex((r) => r.path === '防火墙.md')).toBeGreaterThan(9);
    const without = page(question, '--no-cross-lingual');
    expect(without.some((r) => r.path === 'backup.md')).toBe(false);
  });

  it('--no-cross-lingual searches no translated terms', () => {
    const off = ask('怎么恢复数据库备份？', enDb, '--no-cross-lingual');
    expect(off.translatedTerms).toEqual([]);
    expect(off.notFound).toBe(true);
  });
});

describe('cross-lingual search off', () => {
  const questions = [
    '怎么恢复数据库备份？',
    'How do I open a port in the firewall?',
    'restore the database backup',
    '绿茶用多少度的水？',
    'printer driver 打印机驱动',
  ];

  it('gives exactly the results of a searcher without the lexicon', async () => {
    for (const file of [enDb, zhDb]) {
      const db = openDatabase(file);
      try {
        const ranker = new ScoreFusionRanker(0.15);
        const plain = new Searcher(db, ranker, undefined, new Bm25Channel(db));
        const crossing = new Searcher(db, ranker, undefined, new Bm25Channel(db), builtinLexicon);
        for (const q of questions) {
          const without = await plain.search(q, 5, 'bm25', null);
          const off = await crossing.search(q, 5, 'bm25', null, undefined, { crossLingual: false });
          expect(off, `${q} in ${path.basename(file)}`).toEqual(without);
          expect(off.translatedTerms).toEqual([]);
        }
        // A question in the library's own language whose translations the library does not hold: nothing changes.
        const same = file === enDb ? 'restore the database backup' : '绿茶用多少度的水？';
        const on = await crossing.search(same, 5, 'bm25', null);
        expect(on).toEqual(await plain.search(same, 5, 'bm25', null));
      } finally {
        db.close();
      }
    }
  });
});

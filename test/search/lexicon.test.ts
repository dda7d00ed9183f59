import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinLexicon, encodeLexicon, Lexicon, LEXICON_FILE } from '../../main/engine/search/lexicon.js';
import { chineseNames, segmentChinese, translateQuestion } from '../../main/engine/search/translateQuery.js';
import { absentChineseNames } from '../../main/engine/search/namedTerms.js';
import { builtinPackDir } from '../../main/engine/towers/builtinPack.js';

function lexicon(): Lexicon {
  const lex = builtinLexicon();
  expect(lex, 'the built-in pack has lexicon.bin').not.toBeNull();
  return lex!;
}

function englishOf(lex: Lexicon, word: string): string[] {
  const entry = lex.zhEntry(word);
  expect(entry, word).toBeGreaterThanOrEqual(0);
  return lex.senses(entry).flatMap((s) => s.map((w) => lex.enDisplayForm(w)));
}

describe('the built-in CC-CEDICT lexicon', () => {
  it('translates Chinese words into English and English stems into Chinese', () => {
    const lex = lexicon();
    expect(englishOf(lex, '数据库')).toContain('database');
    expect(englishOf(lex, '备份')).toContain('backup');
    expect(englishOf(lex, '上游')).toContain('upstream');
    const install = lex.enWord('install'); // looked up by its inflectional stem
    expect(install).toBeGreaterThanOrEqual(0);
    expect(lex.enStem(install)).toBe('instal'); // searched by the analyzer's stem
    expect(lex.zhForEn(install).map((e) => lex.zhKey(e))).toContain('安装');
    expect(lex.zhEntry('不是一个词语的字符串')).toBe(-1);
    expect(lex.enWord('zzzqqq')).toBe(-1);
  });

  it('shows each English word in its commonest form, a compound by its own part', () => {
    // What "also searched" lists: 服务器 was shown as "client-server" and 电脑
    // as "computing" (the first form of the stem met in CC-CEDICT).
    const lex = lexicon();
    expect(englishOf(lex, '服务器')).toEqual(['server']);
    expect(englishOf(lex, '电脑')).toContain('computer');
    expect(englishOf(lex, '机器')).toContain('machine');
    expect(englishOf(lex, '下')).not.toContain('lateralization');
    for (const word of ['服务器', '电脑', '机器', '原始', '保证'])
      for (const shown of englishOf(lex, word)) expect(shown, word).not.toContain('-');
  });

  it('segments by longest match, then characters, and folds Traditional input', () => {
    const lex = lexicon();
    expect(segmentChinese(lex, '上游源码压缩包')).toEqual(['上游', '源码', '压缩', '包']);
    expect(segmentChinese(lex, '上游源碼壓縮包')).toEqual(['上游', '源码', '压缩', '包']);
    // Latin words are not Chinese runs; a character the lexicon lacks stays a word of one character.
    expect(segmentChinese(lex, 'Debian 软件包')).toEqual(['软件包']);
    const simplified = translateQuestion(lex, '怎么恢复数据库备份？').groups;
    const traditional = translateQuestion(lex, '怎麼恢復數據庫備份？').groups;
    expect(traditional).toEqual(simplified);
    expect(simplified.map((g) => g.source)).toEqual(['恢复', '数据库', '备份']); // 怎么 only frames the question
    expect(simplified[1].members.map((m) => m.terms)).toEqual([['databas']]);
  });

  it('leaves out place words and particles that stand alone (服务器上 is the server)', () => {
    const lex = lexicon();
    const t = translateQuestion(lex, '服务器上的配置文件，在电脑下看着不对');
    expect(t.groups.map((g) => g.source)).toEqual(['服务器', '配置', '文件', '电脑', '看', '不对']);
    for (const c of '上下着') expect(t.framingUnits.has(c), c).toBe(true);
    // Inside a word they are content: 上游 is translated, its 上 counts.
    const upstream = translateQuestion(lex, '上游的版本');
    expect(upstream.groups.map((g) => g.source)).toContain('上游');
    expect(upstream.framingUnits.has('上')).toBe(false);
  });

  it('marks names, which translate only from Chinese and must be in the library in one language', () => {
    const lex = lexicon();
    const names = chineseNames(lex, '手头的树莓派能装安卓吗？苹果呢？');
    expect(names.map((n) => n.name)).toEqual(['树莓派', '安卓']); // 苹果 is also the fruit: a word
    expect(names[0].terms).toEqual(['树莓', '莓派']);
    expect(names[0].translations).toContainEqual(['raspberri', 'pi']);
    expect(lex.isName(lex.zhEntry('上游'))).toBe(false);
    // A name translates to the name alone, not the words that describe it
    // (CC-CEDICT: "Tucheng city in New Taipei City", "Microsoft corporation").
    expect(englishOf(lex, '土城')).toEqual(['tucheng']);
    expect(englishOf(lex, '微软')).toEqual(['microsoft']);
    expect(lex.senses(lex.zhEntry('树莓派')).map((s) => s.map((w) => lex.enStem(w)))).toEqual([
      ['raspberri', 'pi'],
    ]);
    // An English word is not translated into a name: its documents write the name in Latin letters.
    const raspberry = lex.zhForEn(lex.enWord('raspberri')).map((e) => lex.zhKey(e));
    expect(raspberry).not.toContain('树莓派');
    // Absent when the library holds neither the Chinese name nor every word of a translation.
    const df = (held: string[]) => (t: string) => (held.includes(t) ? 1 : 0);
    expect(absentChineseNames(names, df(['android', 'pi']))).toEqual(['树莓派']);
    expect(absentChineseNames(names, df(['android', 'pi', 'raspberri']))).toEqual([]);
    expect(absentChineseNames(names, df(['树莓', '莓派']))).toEqual(['安卓']);
  });

  it('translates the content words of an English question into Chinese', () => {
    const lex = lexicon();
    const groups = translateQuestion(lex, 'How do I restore the database backup?').groups;
    expect(groups.map((g) => g.source)).toEqual(['restor', 'databas', 'backup']);
    const database = groups[1].members.map((m) => m.display);
    expect(database).toContain('数据库');
    // Chinese members are searched as the index's bigrams.
    expect(groups[1].members.find((m) => m.display === '数据库')!.terms).toEqual(['数据', '据库']);
  });

  it("translates an English word by its inflections, not by what the index's stem joins to it", () => {
    const lex = lexicon();
    const chinese = (question: string) =>
      translateQuestion(lex, question).groups.flatMap((g) => g.members.map((m) => m.display));
    // Porter stems policy and police "polic", organization and organ "organ",
    // international and intern "intern", experiment and experience "experi".
    expect(chinese('the privacy policy')).toContain('政策');
    expect(chinese('the privacy policy')).not.toContain('警察');
    expect(chinese('call the police')).toContain('警察');
    expect(chinese('which organization')).not.toContain('器官');
    expect(chinese('international standards')).toContain('国际');
    expect(chinese('international standards')).not.toContain('内科');
    expect(chinese('the experiment')).not.toContain('经验');
    // Inflections still meet: policies, used / using (use), closed (close).
    expect(chinese('privacy policies')).toContain('政策');
    expect(chinese('using a proxy')).toContain('使用');
    expect(chinese('the window is closed')).toContain('关门');
    expect(chinese('ripe tomatoes')).toContain('番茄'); // -es: tomatoe, then tomato
    // A word that is no key of its own falls back to the shortest word of its index stem.
    expect(chinese('a systemic fault')).toContain('系统');
  });

  it('translates a phrasal verb as one word, and with its noun written as one', () => {
    const lex = lexicon();
    const groups = translateQuestion(lex, 'How do I log in, back up my files and then log out?').groups;
    const shown = (source: string) => groups.find((g) => g.source === source)?.members.map((m) => m.display);
    expect(groups.map((g) => g.source)).toEqual(['log in', 'back up', 'file', 'log out']);
    expect(shown('log in')).toContain('登录');
    expect(shown('log out')).toContain('登出');
    expect(shown('log out')).not.toContain('登录');
    expect(shown('back up')).toContain('备份'); // from "backup": CC-CEDICT's "to back up" is water's 倒灌
    expect(groups[0].sourceUnits).toEqual(['log']); // "in" is a function word
    // Asked twice, still one word.
    expect(translateQuestion(lex, 'I log in, then log in again').groups.map((g) => g.source)).toEqual([
      'log in',
    ]);
    // The verb alone is another word: a log is 日志, not 登录 or 退出.
    const log = translateQuestion(lex, 'Where is the log?').groups[0].members.map((m) => m.display);
    expect(log).toContain('日志');
    expect(log).not.toContain('登录');
    expect(log).not.toContain('退出');
  });

  it('translates an English word by the entries it heads, not by compounds it only modifies', () => {
    const lex = lexicon();
    const chinese = (word: string) =>
      translateQuestion(lex, word).groups.flatMap((g) => g.members.map((m) => m.display));
    // 国家航空公司 is a "flag carrier", 嵌入式衣柜 a "built-in wardrobe": a carrier, a wardrobe.
    expect(chinese('flag')).not.toContain('国家航空公司');
    expect(chinese('built')).not.toContain('嵌入式衣柜');
    // A verb sense's head is its verb: "to install software" still translates "install".
    expect(chinese('install')).toContain('安装');
    expect(chinese('package')).toContain('软件包');
    // "to put up with" means none of its words.
    expect(chinese('put')).not.toContain('容忍');
    // Senses about computers come first, however CC-CEDICT marks them: "(computer)" as "(computing)".
    expect(chinese('string')[0]).toBe('字符串'); // "string (computer science)", before 符串 and 断线
    expect(chinese('refresh')[0]).toBe('刷新'); // "to refresh (computer window)", before 爽快
  });

  it('translates the first words up to a limit and counts the rest', () => {
    const lex = lexicon();
    const question = '怎么恢复数据库备份？ How do I restore the firewall settings of the printer?';
    const all = translateQuestion(lex, question);
    expect(all.unread).toEqual([]);
    expect(all.groups.length).toBeGreaterThan(4);
    const limited = translateQuestion(lex, question, 4);
    expect(limited.groups).toEqual(all.groups.slice(0, 4));
    expect(limited.unread).toEqual(all.groups.slice(4).map((g) => g.source));
  });

  it('is recorded in the pack: file hash, manifest section and CC-CEDICT attribution', () => {
    const dir = builtinPackDir();
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
      attribution: string[];
      files: Record<string, { sha256: string; bytes: number }>;
      lexicon: { file: string; source: string; license: string };
    };
    const bytes = readFileSync(path.join(dir, LEXICON_FILE));
    expect(manifest.files[LEXICON_FILE]).toEqual({
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.byteLength,
    });
    expect(manifest.lexicon).toMatchObject({
      file: LEXICON_FILE,
      source: 'CC-CEDICT',
      license: 'CC BY-SA 4.0',
    });
    expect(manifest.attribution.some((a) => a.includes('CC-CEDICT') && a.includes('CC BY-SA 4.0'))).toBe(
      true,
    );
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toMatch(/CC-CEDICT[\s\S]*Creative Commons Attribution-ShareAlike 4\.0/);
  });
});

describe('the lexicon file format', () => {
  const bytes = encodeLexicon({
    zh: [
      { key: '包', senses: [[1], [0, 1]] },
      { key: '打包', senses: [[2]] },
      { key: '怎么', senses: [] },
    ],
    en: [
      { key: 'bag', stem: 'bag', display: 'bag', zh: [0] },
      { key: 'package', stem: 'packag', display: 'package', zh: [1, 0] },
      { key: 'packaging', stem: 'packag', display: 'packaging', zh: [1] },
      { key: 'wrap', stem: 'wrap', display: 'wrap', zh: [1] },
    ],
  });

  it('marks names in a bit per entry; a file made before names has none', () => {
    const withNames = encodeLexicon({
      zh: [
        { key: '安卓', senses: [[0]], name: true },
        { key: '包', senses: [[1]] },
      ],
      en: [
        { key: 'android', stem: 'android', display: 'android', zh: [] },
        { key: 'bag', stem: 'bag', display: 'bag', zh: [1] },
      ],
    });
    const lex = new Lexicon(withNames);
    expect([lex.isName(0), lex.isName(1)]).toEqual([true, false]);
    expect(new Lexicon(bytes).isName(0)).toBe(false);
    expect(new Uint32Array(bytes.buffer, bytes.byteOffset, 12)[11]).toBe(0); // no names section
  });

  it('reads back what was written, from any byte offset', () => {
    // A copy at an odd offset: the reader must not assume an aligned buffer.
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    for (const lex of [new Lexicon(bytes), new Lexicon(shifted.subarray(1))]) {
      expect(lex.zhCount).toBe(3);
      expect(lex.maxZhKeyLength).toBe(2);
      expect(lex.zhEntry('打包')).toBe(1);
      expect(lex.zhEntry('xx打包yy', 2, 2)).toBe(1);
      expect(lex.zhEntry('打')).toBe(-1);
      expect(lex.senses(0)).toEqual([[1], [0, 1]]);
      expect(lex.senses(2)).toEqual([]);
      expect(lex.enWord('package')).toBe(1);
      expect(lex.enWord('packag')).toBe(-1); // looked up by inflectional stem, not the index stem
      expect(lex.enStem(1)).toBe('packag');
      expect(lex.firstEnWord(['packages', 'wrap', 'bag'])).toBe(3);
      expect(lex.enKey(1)).toBe('package');
      expect(lex.enWordsWithStem('packag')).toEqual([1, 2]);
      expect(lex.enWordsWithStem('wrap')).toEqual([3]);
      expect(lex.enWordsWithStem('bag')).toEqual([0]);
      expect(lex.enWordsWithStem('pack')).toEqual([]);
      expect(lex.enDisplayForm(1)).toBe('package');
      expect(lex.zhForEn(1).map((e) => lex.zhKey(e))).toEqual(['打包', '包']);
      expect(lex.enWord('pack')).toBe(-1);
      expect(lex.enWord('zzz')).toBe(-1);
    }
  });

  it('rejects a file that is not a lexicon or is cut short', () => {
    expect(() => new Lexicon(new Uint8Array(64))).toThrow(/not a DocQA lexicon/);
    expect(() => new Lexicon(bytes.subarray(0, bytes.byteLength - 8))).toThrow(/truncated/);
  });
});

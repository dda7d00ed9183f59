import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LibraryLanguages } from '../../main/engine/search/libraryLanguages.js';
import {
  MINORITY_SHARE,
  withoutMinorityFunctionWords,
} from '../../main/engine/search/minorityFunctionWords.js';
import { queryTerms } from '../../main/engine/search/ftsQuery.js';

describe('withoutMinorityFunctionWords', () => {
  const english = queryTerms('How do I sign the package with my key?');

  it('keeps every term when the question is in the library language', () => {
    expect(withoutMinorityFunctionWords(english, 'en', 0.9)).toEqual(english);
    expect(withoutMinorityFunctionWords(english, 'en', MINORITY_SHARE)).toEqual(english);
  });

  it('drops the function words of a question in the library minority language', () => {
    const kept = withoutMinorityFunctionWords(english, 'en', 0.05);
    expect(kept).toEqual(expect.arrayContaining(['sign', 'packag', 'kei']));
    for (const word of ['how', 'do', 'i', 'the', 'with', 'my']) expect(kept).not.toContain(word);
  });

  it('keeps the Latin words of a Chinese question: they are names there', () => {
    const chinese = queryTerms('怎么查看一个 .so 文件的 SONAME？');
    expect(chinese).toContain('so');
    // Chinese is searched by character pairs, none of which is a function word: all stay.
    expect(withoutMinorityFunctionWords(chinese, 'zh', 0.1)).toEqual(chinese);
  });

  it('keeps a question made only of function words whole', () => {
    const only = queryTerms('how do I do it');
    expect(withoutMinorityFunctionWords(only, 'en', 0)).toEqual(only);
  });
});

describe('LibraryLanguages', () => {
  function library(texts: string[]): Database.Database {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE chunks (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO chunks (text) VALUES (?)');
    for (const t of texts) insert.run(t);
    return db;
  }

  it('measures the share of passages in each language', () => {
    const db = library([
      ...Array.from(
        { length: 30 },
        (_, i) => `第 ${i} 节：用 dpkg-buildpackage 构建软件包，然后用 lintian 检查。`,
      ),
      ...Array.from({ length: 10 }, (_, i) => `Section ${i}: build the package, then check it with lintian.`),
    ]);
    const languages = new LibraryLanguages(db);
    expect(languages.share('zh', 40)).toBeCloseTo(0.75, 5);
    expect(languages.share('en', 40)).toBeCloseTo(0.25, 5);
  });

  it('samples a large library evenly and reads it again when it changes size', () => {
    const db = library(
      Array.from({ length: 5000 }, (_, i) => (i % 5 === 0 ? `中文段落 ${i}` : `English passage ${i}`)),
    );
    const languages = new LibraryLanguages(db);
    expect(languages.share('zh', 5000)).toBeCloseTo(0.2, 1);
    db.exec("UPDATE chunks SET text = '全部改成中文的段落'");
    // Same size: the estimate is kept; a changed size reads the library again.
    expect(languages.share('zh', 5000)).toBeCloseTo(0.2, 1);
    expect(languages.share('zh', 6000)).toBe(1);
  });

  it('says an empty library has no Chinese', () => {
    expect(new LibraryLanguages(library([])).share('zh', 0)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import {
  absentNames,
  nameSurfaces,
  namedTokens,
  namedWords,
  textWritesName,
  writesName,
} from '../../main/engine/search/namedTerms.js';

describe('named words of a question', () => {
  it('takes capitalised words inside a sentence, capitals, digits and joiners, not the first word', () => {
    expect(namedTokens('How do I package a Rust program that builds with cargo?')).toEqual(['Rust']);
    expect(namedTokens('Can I convert it to RPM for Fedora? The GOsa page uses ext4 and Node.js.')).toEqual([
      'RPM',
      'Fedora',
      'GOsa',
      'ext4',
      'Node.js',
    ]);
    // Sentence starts and ordinary lower-case words (a paraphrase may change them) are not names.
    expect(namedTokens('Where do the files go? My printer is plugged in.')).toEqual([]);
    expect(namedTokens('"Which" command? (Why) not')).toEqual([]);
    expect(namedTokens('I deleted a file')).toEqual([]);
    // The first word of a line is capitalised for layout (pasted text keeps its line breaks).
    expect(namedTokens('6.6. Quick rebuild\n\nOnce it is built, start Docker.\nWhen done')).toEqual([
      'Docker',
    ]);
  });

  it("takes hyphenated compounds only when asked to (a library mostly in the question's language)", () => {
    const question = 'How do I turn on two-factor authentication for read-only users?';
    expect(namedTokens(question)).toEqual([]);
    expect(namedTokens(question, { compounds: true })).toEqual(['two-factor', 'read-only']);
    expect(namedWords(question, { compounds: true })[0]).toEqual({
      name: 'two-factor',
      terms: ['two', 'factor'],
      surfaces: ['two', 'factor'],
    });
  });

  it('takes every Latin word of a Chinese question', () => {
    expect(namedTokens('学校想用 Flatpak 装软件，怎么添加 Flathub 软件源？')).toEqual(['Flatpak', 'Flathub']);
    expect(namedTokens('control 文件里那行简介最多能写多长？')).toEqual(['control']);
    // One letter ("U 盘") is too short to name anything.
    expect(namedTokens('在瘦客户机上插了 U 盘')).toEqual([]);
  });

  it('is absent when one of its index terms occurs in no passage', () => {
    const df = new Map([
      ['node', 3],
      ['docker', 0],
      ['debian', 40],
    ]);
    const lookup = (t: string) => df.get(t) ?? 0;
    const named = namedWords('Use Docker with Node.js on Debian');
    expect(named.flatMap((w) => w.terms)).toEqual(['docker', 'node', 'js', 'debian']);
    expect(absentNames(named, lookup)).toEqual(['Docker', 'Node.js']);
    expect(absentNames(namedWords('Is Debian fine?'), lookup)).toEqual([]);
  });

  it('is absent when the passages holding its term never write it', () => {
    const df = (t: string) => (t === 'ad' || t === 'window' ? 4 : 0);
    // "AD" indexes as "ad", as "added" does; the library writes only "added".
    const written = (term: string, surface: string) => (term === 'window' ? surface === 'windows' : false);
    const named = namedWords('学校的 Windows 电脑能用 AD 账号登录吗？');
    expect(named.map((w) => w.surfaces)).toEqual([['windows'], ['ad']]);
    expect(absentNames(named, df, written)).toEqual(['AD']);
    // No verdict (too many passages to read): the term's presence decides.
    expect(absentNames(named, df, () => null)).toEqual([]);
  });
});

describe('names as written', () => {
  it('splits Latin words as the analyzer does, lower case, without diacritics, apart from Chinese', () => {
    expect(nameSurfaces('Node.js')).toEqual(['node', 'js']);
    expect(nameSurfaces('Pokémon x86_64 GOsa²')).toEqual(['pokemon', 'x86', '64', 'gosa2']);
    expect(nameSurfaces('使用AD域')).toEqual(['ad']);
  });

  it('takes the same word or its plural, never another word with the same stem', () => {
    expect(writesName('ad', 'ad')).toBe(true);
    expect(writesName('ad', 'ads')).toBe(true);
    expect(writesName('chromebooks', 'chromebook')).toBe(true);
    expect(writesName('box', 'boxes')).toBe(true);
    expect(writesName('ad', 'added')).toBe(false);
    expect(writesName('ad', 'adding')).toBe(false);
  });

  it('finds the word in a text as a word of its own, with the same forms writesName takes', () => {
    expect(textWritesName('New users are added here.', 'ad')).toBe(false);
    expect(textWritesName('Join the AD domain.', 'ad')).toBe(true);
    expect(textWritesName('使用AD域账号登录', 'ad')).toBe(true);
    expect(textWritesName('使用ＡＤ域账号登录', 'ad')).toBe(true); // full-width letters
    expect(textWritesName('Each Chromebook starts…', 'chromebooks')).toBe(true);
    expect(textWritesName('Two Chromebooks.', 'chromebook')).toBe(true);
    expect(textWritesName('Pokémon cards', 'pokemon')).toBe(true);
    expect(textWritesName('see readme and loading', 'ad')).toBe(false);
    expect(textWritesName('x86_64 builds', 'x86')).toBe(true);
    expect(textWritesName('x866 builds', 'x86')).toBe(false);
  });

  it('finds exactly the word, no plural or singular, when asked for a spelling correction', () => {
    const text = 'The lids were topped with stoppers.';
    expect(textWritesName(text, 'toppeds')).toBe(true); // the plural rule reads "topped"
    expect(textWritesName(text, 'toppeds', true)).toBe(false);
    expect(textWritesName(text, 'topped', true)).toBe(true);
    expect(textWritesName(text, 'stopper', true)).toBe(false);
    expect(textWritesName(text, 'opped', true)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { absentNames, namedTokens, namedWords } from '../../main/engine/search/namedTerms.js';

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
});

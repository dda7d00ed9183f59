import { describe, expect, it } from 'vitest';
import { withOtherLanguagePlaces } from '../../main/engine/rank/otherLanguagePlaces.js';

const isOther = (x: string) => x.startsWith('en');

describe('the other language places on the first page', () => {
  it('gives the last places of the page to the offered passages, moving the rest down', () => {
    const list = ['zh1', 'zh2', 'zh3', 'zh4', 'zh5', 'zh6'];
    expect(withOtherLanguagePlaces(list, ['en1', 'en2'], isOther, 4)).toEqual([
      'zh1',
      'zh2',
      'en1',
      'en2',
      'zh3',
      'zh4',
      'zh5',
      'zh6',
    ]);
  });

  it('counts the other-language passages already on the page', () => {
    const list = ['zh1', 'en0', 'zh2', 'zh3', 'zh4'];
    expect(withOtherLanguagePlaces(list, ['en1', 'en2'], isOther, 4)).toEqual([
      'zh1',
      'en0',
      'zh2',
      'en1',
      'zh3',
      'zh4',
    ]);
    expect(withOtherLanguagePlaces(['en0', 'zh1', 'en9', 'zh2'], ['en1'], isOther, 4)).toEqual([
      'en0',
      'zh1',
      'en9',
      'zh2',
    ]);
  });

  it('adds after a short list, and leaves a page too small to share alone', () => {
    expect(withOtherLanguagePlaces(['zh1', 'zh2'], ['en1', 'en2'], isOther, 10)).toEqual([
      'zh1',
      'zh2',
      'en1',
      'en2',
    ]);
    expect(withOtherLanguagePlaces(['zh1', 'zh2', 'zh3'], ['en1'], isOther, 2)).toEqual([
      'zh1',
      'zh2',
      'zh3',
    ]);
    expect(withOtherLanguagePlaces(['zh1', 'zh2', 'zh3'], [], isOther, 10)).toEqual(['zh1', 'zh2', 'zh3']);
  });
});

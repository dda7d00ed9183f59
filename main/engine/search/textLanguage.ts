import { isIndexedCjk as isCjk } from '../text/cjk.js';

export type TextLanguage = 'zh' | 'en';

/**
 * The language a passage is written in, for marking results that come from
 * the other language: Chinese when its Han/kana characters are at least a
 * tenth as many as its Latin letters (a Chinese manual full of command
 * lines stays Chinese; an English page quoting one Chinese word stays English).
 */
export function textLanguage(text: string): TextLanguage {
  let cjk = 0;
  let latin = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
    else if (c >= 0x3040 && isCjk(c)) cjk++;
  }
  return cjk > 0 && cjk * 10 >= latin ? 'zh' : 'en';
}

import { foldChinese } from '../towers/chineseFold.js';
import { isIndexedCjk as isCjk } from '../text/cjk.js';

/**
 * The form lexicon keys and questions are compared in: NFKC, lower case, and
 * Traditional → Simplified per character (the featurizer's fold), so a
 * Traditional question finds the same entries as a Simplified one. Applied to
 * the keys when the table is built and to the question when it is segmented.
 */
export function foldForLexicon(text: string): string {
  const input = text.normalize('NFKC').toLowerCase();
  let out = '';
  for (const ch of input) {
    const cp = ch.codePointAt(0)!;
    out += cp >= 0x3400 && isCjk(cp) ? String.fromCodePoint(foldChinese(cp)) : ch;
  }
  return out;
}

/** True when every code point of `text` is a Han character or kana. */
export function isAllCjk(text: string): boolean {
  if (!text) return false;
  for (const ch of text) if (!isCjk(ch.codePointAt(0)!)) return false;
  return true;
}

/**
 * English words that carry no meaning of their own in a dictionary gloss or a
 * question ("to install", "sth", "one's"), besides the usual function words.
 */
export const GLOSS_FILLER_WORDS = new Set(
  `a an the to of and or in on at by for from with as into onto about up down out off over is are be been being
  it its this that these those sb sth sb's sth's one one's oneself someone something etc esp lit fig also used
  i me my we our you your he him his she her they them their who what which how why when where not no do does did
  can could will would should may might must shall have has had get gets got make makes made very more most much
  some any all each other such so than then there here if but because while whether per same like way kind thing things`.split(
    /\s+/,
  ),
);

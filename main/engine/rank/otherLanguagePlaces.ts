import type { TextLanguage } from '../search/textLanguage.js';

/**
 * In a library holding both languages, a question's own language fills the
 * first page: a Chinese question matches the Chinese passages by their own
 * words and the English ones only through translations, weighted down so that
 * a passage in the question's words stays ahead (search/crossLingual.ts). Yet
 * for a Chinese reader the English original is often where the answer is (a
 * translation lags, or leaves paragraphs out; vendors' manuals and papers come
 * in English). So the first page keeps this many places for the best English
 * passages, when they cover the question through its translations. Measured
 * on manuals-dev's mixed library (the English passages taken in score-fusion
 * order among themselves, covering at least the not-found rule's share): 1
 * place: zh2en hit@10 0.375 → 0.625; 2: 0.75, with the en and zh kinds
 * unchanged; 3: 0.75, en hit@10 one question lower.
 */
export const OTHER_LANGUAGE_PLACES = 2;
/**
 * Only a Chinese question gets them. The same places for Chinese passages
 * under an English question went to Chinese passages in 80% of the English
 * questions of the pooled dev sets (whose Chinese part, cmrc2018, is about
 * other things) and lowered their hit@10 by 0.4–1.1 points; and an English
 * question says its reader reads English, not that they read Chinese. Chinese
 * passages still come to an English question where they rank on their own.
 */
export const OTHER_LANGUAGE_PLACES_FOR: TextLanguage = 'zh';
/** The page those places are kept on: the first ten results. */
export const FIRST_PAGE = 10;

/**
 * `list` with the last places of its first page given to `offered` (passages
 * of the other language, best first, none already on the page), so that the
 * page holds at least `places` passages of the other language. The passages
 * they displace move down, in order.
 */
export function withOtherLanguagePlaces<T>(
  list: readonly T[],
  offered: readonly T[],
  isOther: (item: T) => boolean,
  page: number,
  places: number = OTHER_LANGUAGE_PLACES,
): T[] {
  if (page <= places) return [...list];
  const present = list.slice(0, page).filter(isOther).length;
  const added = offered.slice(0, Math.max(0, places - present));
  if (!added.length) return [...list];
  const at = Math.min(page, list.length + added.length) - added.length;
  const rest = list.filter((x) => !added.includes(x));
  return [...rest.slice(0, at), ...added, ...rest.slice(at)];
}

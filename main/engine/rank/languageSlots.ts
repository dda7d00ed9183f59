import type { RankedCandidate } from '../search/ranker.js';

/**
 * A learned ranker is trained on questions asked in their passages' own language, so it
 * learns that a passage in the other language never answers (its words are not the
 * question's). When the question was also searched in translation, that would push every
 * crossing passage out of sight. So the places score fusion gave each language are kept:
 * the question's own-language places are filled in the learned order, the other
 * language's places keep the fused order, which counts the translated words. Each place
 * keeps the fused score it had, so scores still fall down the list.
 */
export function keepLanguageSlots(
  fused: readonly RankedCandidate[],
  learned: readonly RankedCandidate[],
  ownLanguage: (chunkId: number) => boolean,
): RankedCandidate[] {
  // Each passage's language once (a scan of its text), not once per list it is looked up in.
  const own = new Set(fused.filter((c) => ownLanguage(c.chunkId)).map((c) => c.chunkId));
  const learnedOwn = learned.filter((c) => own.has(c.chunkId));
  // A ranker that dropped a candidate (its passage unreadable) leaves it in its fused order.
  const seen = new Set(learnedOwn.map((c) => c.chunkId));
  learnedOwn.push(...fused.filter((c) => own.has(c.chunkId) && !seen.has(c.chunkId)));
  const fusedOther = fused.filter((c) => !own.has(c.chunkId));
  let nextOwn = 0;
  let nextOther = 0;
  return fused.map((slot) => {
    const isOwn = own.has(slot.chunkId);
    const c = isOwn ? learnedOwn[nextOwn++] : fusedOther[nextOther++];
    // The calibrated answer probability belongs to the learned first passage, and only there.
    const { answerProbability, ...rest } = c!;
    return slot === fused[0] && isOwn && c === learned[0] && answerProbability !== undefined
      ? { ...rest, answerProbability, score: slot.score }
      : { ...rest, score: slot.score };
  });
}

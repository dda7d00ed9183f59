import { createHash } from 'node:crypto';

/**
 * A passage's text (as `passageText` joins title, headings and body) as a 48-bit number, for
 * finding a passage with the same text elsewhere in the library (a copied file) and taking its
 * vector instead of embedding it again. A match
 * is checked against the text itself: the number only narrows the search.
 */
export function passageHash(passage: string): number {
  return createHash('sha1').update(passage).digest().readUIntBE(0, 6);
}

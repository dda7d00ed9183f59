import { isBlank } from './lines.js';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * One line through CommonMark's fenced code blocks: given the fence open before the line
 * (its backticks or tildes, null outside a block), the fence open after it, and whether
 * the line belongs to a block (opens it, is inside it, or closes it). A block closes at a
 * line of the same character, at least as long, with nothing after it but spaces.
 */
export function fenceStep(line: string, open: string | null): { open: string | null; inBlock: boolean } {
  const m = FENCE.exec(line);
  if (open !== null) {
    const closes =
      m !== null &&
      m[1][0] === open[0] &&
      m[1].length >= open.length &&
      isBlank(line, m[0].length, line.length);
    return { open: closes ? null : open, inBlock: true };
  }
  return m ? { open: m[1], inBlock: true } : { open: null, inBlock: false };
}

/**
 * What kind of passage a chunk is, from its text alone: tables of contents and
 * navigation lists match a question's words through their headings but never
 * hold the answer, so the ranking stage needs to know them. Computed at ranking
 * time from the candidate's text (no index change), the same for every pack.
 */

// "6.3.9. Modifying PXE installations", "Chapter 6. Building", "A.1 Appendix", "第 6 章 构建软件包"
const NUMBERED_HEADING =
  /^\s*(?:(?:chapter|section|appendix|part)\s+)?(?:\d+(?:\.\d+)*\.?|[A-Z]\.(?:\d+\.?)*|第\s*\d+\s*[章节部分])\s*\S/iu;
const SENTENCE_END = /[.!?。！？:：;；]\s*$/u;
// Shell prompts, option-heavy lines and code-like punctuation.
const CODE_LINE =
  /^\s*(?:\$ |# |sudo |[a-z0-9_.-]+\s+-{1,2}[a-z]|[{}();<>=]|\S+\s*=\s*\S|[a-z_]+\(|\/(?:usr|etc|var)\/)/u;

export interface PassageShape {
  /** Share of the non-empty lines that are short numbered headings with no sentence: a table of contents. */
  toc: number;
  /** Share of the non-empty lines that look like commands or code. */
  code: number;
  /** Share of the non-empty lines that are short (under 40 characters): lists, menus, navigation. */
  shortLines: number;
  /** Non-empty lines. */
  lines: number;
}

export function passageShape(text: string): PassageShape {
  let lines = 0;
  let toc = 0;
  let code = 0;
  let short = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    lines++;
    if (line.length < 100 && NUMBERED_HEADING.test(line) && !SENTENCE_END.test(line)) toc++;
    if (CODE_LINE.test(raw)) code++;
    if (line.length < 40) short++;
  }
  const share = (x: number) => (lines ? x / lines : 0);
  return { toc: share(toc), code: share(code), shortLines: share(short), lines };
}

/** A passage made mostly of numbered heading lines (at least four of them): a table of contents. */
export function isTableOfContents(shape: PassageShape): boolean {
  return shape.lines >= 4 && shape.toc >= 0.6;
}

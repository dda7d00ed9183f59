import type { TextRange } from '../../../main/api/contract.js';
import { splitByRanges } from '../text.js';

/** Text with its best-matching sentences marked. `offset` shifts ranges given in a larger text's coordinates. */
export function HighlightedText({
  text,
  highlights,
  offset = 0,
}: {
  text: string;
  highlights: readonly TextRange[];
  offset?: number;
}) {
  return (
    <>
      {splitByRanges(text, highlights, offset).map((s, i) =>
        s.marked ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>,
      )}
    </>
  );
}

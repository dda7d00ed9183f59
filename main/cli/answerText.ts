import type { AskResult, SearchResult } from '../engine/library/types.js';
import { printable, safe } from './terminalText.js';
import { textLanguage } from '../engine/search/textLanguage.js';

/** Translated terms listed in a text answer (the JSON has them all). */
const MAX_TERMS_SHOWN = 24;

/** Page (PDF) or slide, row (spreadsheets) or line (files read as they are), then the heading path; '' when neither. */
function position(r: SearchResult): string {
  const parts =
    r.page !== null
      ? [`${r.pageIsSlide ? 'slide' : 'page'} ${r.page}`]
      : r.lineIsRow
        ? [`row ${r.line}`]
        : r.lineInFile === false
          ? []
          : [`line ${r.line}`];
  if (r.headingPath.length) parts.push(r.headingPath.join(' › '));
  return parts.join(' · ');
}

/**
 * The passage, cut at `maxChars`, with its best sentences marked: bold on a terminal, »…«
 * otherwise. The document's own text is escaped piece by piece (it may hold terminal
 * escapes), so only the markers added here reach the terminal as control sequences.
 */
function markHighlights(r: SearchResult, tty: boolean, maxChars: number): string {
  const [open, close] = tty ? ['\x1b[1m', '\x1b[22m'] : ['»', '«'];
  const text = r.text.slice(0, maxChars);
  const piece = (from: number, to: number): string => printable(text.slice(from, to), { multiline: true });
  let out = '';
  let at = 0;
  for (const h of r.highlights) {
    const start = Math.max(at, Math.min(h.start, text.length));
    const end = Math.min(h.end, text.length);
    if (end <= start) continue;
    out += piece(at, start) + open + piece(start, end) + close;
    at = end;
  }
  return out + piece(at, text.length) + (r.text.length > maxChars ? '…' : '');
}

function indent(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => `   ${l}`)
    .join('\n');
}

/** Another file with the same text, by its path in its folder; in full when that path is the result's own (another folder). */
function alsoInName(r: SearchResult, d: NonNullable<SearchResult['alsoIn']>[number]): string {
  return d.path === r.path ? d.absPath : d.path;
}

/** A human-readable answer: not-found note, then numbered sources with passages. */
export function formatAnswer(answer: AskResult, options: { tty: boolean; maxChars?: number }): string {
  const lines: string[] = [];
  if (answer.notFound) {
    lines.push('Not found in your documents.');
    if (answer.results.length) lines.push('Closest passages:');
  }
  // Question text: escaped like the documents' (a question may come from a file).
  if (answer.missingNames.length) lines.push(safe`No document mentions: ${answer.missingNames.join(', ')}`);
  if (answer.weakMatch)
    lines.push('Weak match: these passages share few words with the question; check that they answer it.');
  if (answer.corrections.length)
    lines.push(
      safe`Searched for: ${answer.corrections.map((c) => `${c.searched} (you wrote ${c.written})`).join(', ')}; --as-written searches your words as they are`,
    );
  if (answer.translatedTerms.length) {
    const shown = answer.translatedTerms.slice(0, MAX_TERMS_SHOWN).join(', ');
    lines.push(`Also searched: ${shown}${answer.translatedTerms.length > MAX_TERMS_SHOWN ? ', …' : ''}`);
  }
  // Passages in a language other than the question's are marked with theirs.
  const questionLang = textLanguage(answer.question);
  answer.results.forEach((r, i) => {
    const lang = r.lang && r.lang !== questionLang ? `  [${r.lang}]` : '';
    const where = position(r);
    lines.push(safe`${i + 1}. ${r.path}${where ? `  (${where})` : ''}${lang}  score ${r.score.toFixed(3)}`);
    if (r.alsoIn?.length) lines.push(safe`   also in: ${r.alsoIn.map((d) => alsoInName(r, d)).join(', ')}`);
    lines.push(indent(markHighlights(r, options.tty, options.maxChars ?? 600)));
  });
  return lines.join('\n');
}

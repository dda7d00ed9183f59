import { analyze } from '../text/analyzer.js';
import { isIndexedCjk } from '../text/cjk.js';
import { contentUnits, stopwordSet } from '../search/coverage.js';
import type { Rng } from './rng.js';
import { seededCopies } from './seededCopies.js';

/** A piece of the question: a word, a CJK character pair or character, or the text between. */
interface Piece {
  text: string;
  content: boolean;
  drop: boolean;
}

/**
 * A training question reworded the way a user's question differs from the
 * manual: some of the content words it shares with its answering passage are
 * dropped (each with probability `rate`), so the question keeps its intent but
 * no longer copies the passage. The crowd-written questions of the training
 * sets were written while looking at the passage and share most of its words;
 * a ranker trained on them alone learns that word overlap decides, which is
 * least true of the questions people ask. English words are compared by stem,
 * Chinese by character pairs the passage holds. At least one content word of
 * the question is always kept; a question with nothing to drop comes back as
 * it was.
 */
export function dropSharedWords(question: string, passage: string, rate: number, rng: Rng): string {
  const passageUnits = contentUnits(passage);
  const passageText = analyzeCjkFolded(passage);
  const stop = stopwordSet();
  const pieces: Piece[] = [];
  for (const text of scriptRuns(question)) {
    if (!/[\p{L}\p{N}]/u.test(text)) {
      pieces.push({ text, content: false, drop: false });
      continue;
    }
    if (isIndexedCjk(text.codePointAt(0)!)) {
      pieces.push(...cjkPieces(text, passageText, stop, rate, rng));
      continue;
    }
    const stem = analyze(text)[0];
    const content = stem !== undefined && !stop.has(stem);
    pieces.push({ text, content, drop: content && passageUnits.has(stem) && rng.next() < rate });
  }
  if (!pieces.some((p) => p.content && !p.drop)) return question;
  return pieces
    .filter((p) => !p.drop)
    .map((p) => p.text)
    .join('')
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([?.!,;:])/g, '$1')
    .trim();
}

/**
 * The question as runs of letters and the text between, a letter run cut where
 * CJK meets other script ("用Python写" is 用, Python, 写: the Latin word is a
 * word of its own).
 */
function* scriptRuns(text: string): Generator<string> {
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+|[^\p{L}\p{N}\p{M}]+/gu)) {
    let run = '';
    let cjk = false;
    for (const ch of m[0]) {
      const isCjk = isIndexedCjk(ch.codePointAt(0)!);
      if (run && isCjk !== cjk) {
        yield run;
        run = '';
      }
      run += ch;
      cjk = isCjk;
    }
    if (run) yield run;
  }
}

/** A CJK run cut into character pairs the passage holds (each dropped with probability `rate`) and the characters between. */
function cjkPieces(
  run: string,
  passageText: string,
  stop: ReadonlySet<string>,
  rate: number,
  rng: Rng,
): Piece[] {
  const chars = [...run];
  // Function characters are listed in Simplified; the question may be Traditional.
  const isStop = chars.map((c) => stop.has(analyzeCjkFolded(c)));
  const out: Piece[] = [];
  for (let i = 0; i < chars.length;) {
    const pair = chars.slice(i, i + 2).join('');
    const folded = analyzeCjkFolded(pair);
    if (i + 1 < chars.length && !isStop[i] && !isStop[i + 1] && passageText.includes(folded)) {
      out.push({ text: pair, content: true, drop: rng.next() < rate });
      i += 2;
    } else {
      out.push({ text: chars[i], content: !isStop[i], drop: false });
      i += 1;
    }
  }
  return out;
}

/** The text with CJK folded as the index folds it (Traditional → Simplified), for substring tests. */
function analyzeCjkFolded(text: string): string {
  const chars: string[] = [];
  analyze(text, { chars });
  return chars.join('');
}

/** Options of a design that trains the towers on reworded copies of questions too. */
export interface RewordOptions {
  /** Share of the training questions that get a reworded copy. */
  fraction: number;
  /** Chance that each shared content word is dropped. */
  rate: number;
}

/**
 * Reworded copies of a seeded share of the pairs (the original pairs stay): the
 * towers then see questions that must be matched to their passage without the
 * words they share with it.
 */
export function rewordedPairs<P extends { question: string; passage: string }>(
  pairs: readonly P[],
  options: RewordOptions,
  seed: number,
): P[] {
  return seededCopies(pairs, options.fraction, seed ^ 0x5eed, (p, rng) => {
    const question = dropSharedWords(p.question, p.passage, options.rate, rng);
    return question === p.question ? null : { ...p, question };
  });
}

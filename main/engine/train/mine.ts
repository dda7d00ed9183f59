import path from 'node:path';
import { chunkDocument } from '../ingest/chunk.js';
import { isExtractError } from '../ingest/extractError.js';
import { extractFile } from '../ingest/extractFile.js';
import { scanFolder } from '../ingest/scanFolder.js';
import { splitSentences } from '../ingest/sentences.js';
import type { Chunk } from '../ingest/types.js';
import { UserError } from '../errors.js';
import type { Pair } from './pairs.js';
import { Rng } from './rng.js';

/**
 * Self-supervised question→passage pairs mined from a person's own documents,
 * so the towers can adapt to a library without labels:
 *  - heading → section: the nearest heading (or the document title) asks for
 *    the first chunk under it;
 *  - inverse cloze: a sentence asks for the rest of its chunk, the sentence
 *    itself removed (so the pair is not a trivial exact match).
 */
export interface MineOptions {
  /** Inverse-cloze pairs per chunk at most. */
  sentencesPerChunk?: number;
  minSentenceChars?: number;
  maxSentenceChars?: number;
  /** The rest of a chunk must keep at least this many characters. */
  minRestChars?: number;
  /** mineFolders keeps a seeded sample of at most this many pairs (default MAX_MINED_PAIRS). */
  maxPairs?: number;
}

/**
 * mineFolders keeps at most this many pairs (a seeded sample): about ten
 * minutes of training on two cores, however large the library.
 */
export const MAX_MINED_PAIRS = 60_000;

export interface MinableDocument {
  title: string;
  text: string;
  chunks: Pick<Chunk, 'start' | 'end' | 'text' | 'headingPath'>[];
}

export function minePairs(doc: MinableDocument, source: string, rng: Rng, options: MineOptions = {}): Pair[] {
  const perChunk = options.sentencesPerChunk ?? 1;
  const minSentence = options.minSentenceChars ?? 12;
  const maxSentence = options.maxSentenceChars ?? 400;
  const minRest = options.minRestChars ?? 40;
  const pairs: Pair[] = [];
  let lastHeading: string | null = null;
  doc.chunks.forEach((chunk, i) => {
    const heading = chunk.headingPath[chunk.headingPath.length - 1] ?? (i === 0 ? doc.title : null);
    const key = chunk.headingPath.join('\u0000');
    if (heading && key !== lastHeading && isUsefulHeading(heading, chunk.text)) {
      pairs.push({ question: heading.trim(), passage: chunk.text, source });
    }
    lastHeading = key;

    const sentences = splitSentences(doc.text, chunk.start, chunk.end).filter((s) => {
      const len = s.end - s.start;
      return len >= minSentence && len <= maxSentence;
    });
    if (sentences.length < 2) return;
    for (const s of rng.shuffle(sentences).slice(0, perChunk)) {
      const rest = `${doc.text.slice(chunk.start, s.start)}${doc.text.slice(s.end, chunk.end)}`.trim();
      if (rest.length < minRest) continue;
      pairs.push({ question: doc.text.slice(s.start, s.end), passage: rest, source });
    }
  });
  return pairs;
}

function isUsefulHeading(heading: string, chunkText: string): boolean {
  const h = heading.trim();
  return h.length >= 2 && chunkText.trim().length > h.length + 20;
}

export interface MineFolderResult {
  pairs: Pair[];
  /** Pairs found before sampling down to MAX_MINED_PAIRS. */
  found: number;
  files: number;
  /** Files that could not be read, with the reason. */
  skipped: { file: string; reason: string }[];
}

/** Mine every supported document under the given folders (the ingest scanner's rules apply). */
export async function mineFolders(
  dirs: string[],
  seed: number,
  options: MineOptions = {},
): Promise<MineFolderResult> {
  const rng = new Rng(seed ^ 0x6d696e65);
  const result: MineFolderResult = { pairs: [], found: 0, files: 0, skipped: [] };
  for (const dir of dirs) {
    const source = `docs:${path.basename(path.resolve(dir))}`;
    try {
      for await (const file of scanFolder(dir)) {
        try {
          const doc = await extractFile(file.absPath);
          result.pairs.push(...minePairs({ ...doc, chunks: chunkDocument(doc) }, source, rng, options));
          result.files++;
        } catch (e) {
          if (!isExtractError(e)) throw e;
          result.skipped.push({ file: file.relPath, reason: e.message });
        }
      }
    } catch (e) {
      if (e instanceof UserError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code) throw new UserError(`${dir}: cannot read folder (${code})`, dir, { cause: e });
      throw e;
    }
  }
  result.found = result.pairs.length;
  const max = options.maxPairs ?? MAX_MINED_PAIRS;
  if (result.pairs.length > max) {
    const keep = rng
      .shuffle(result.pairs.map((_, i) => i))
      .slice(0, max)
      .sort((a, b) => a - b);
    result.pairs = keep.map((i) => result.pairs[i]!);
  }
  return result;
}

import { indexColumns } from '../../main/engine/text/analyzer.js';
import { passageText } from '../../main/engine/text/passageText.js';
import type { DocumentStore } from '../../main/engine/store/documentStore.js';

/** What DocumentStore.write takes for a text file of one passage, titled by its path. */
export function onePassageDocument(
  folderId: number,
  relPath: string,
  text: string,
  vectors: Map<number, Float32Array> = new Map(),
): Parameters<DocumentStore['write']>[0] {
  return {
    folderId,
    relPath,
    size: text.length,
    mtimeMs: 1,
    hash: relPath,
    type: 'text',
    title: relPath,
    encoding: 'utf-8',
    chunks: [
      {
        ord: 0,
        start: 0,
        end: text.length,
        headingPath: [],
        page: null,
        line: 1,
        text,
        fts: indexColumns(passageText(relPath, [], text)),
      },
    ],
    vectors,
  };
}

/**
 * What DocumentStore.write takes for a text file of paragraphs (one passage each,
 * separated by blank lines) under one heading.
 */
export function passagesDocument(
  folderId: number,
  relPath: string,
  title: string,
  headingPath: string[],
  texts: readonly string[],
  vectors: Map<number, Float32Array> = new Map(),
): Parameters<DocumentStore['write']>[0] {
  let at = 0;
  return {
    folderId,
    relPath,
    size: 1,
    mtimeMs: 1,
    hash: relPath,
    type: 'text',
    title,
    encoding: 'utf-8',
    chunks: texts.map((text, ord) => {
      const start = at;
      at += text.length + 2;
      return {
        ord,
        start,
        end: start + text.length,
        headingPath,
        page: null,
        line: 2 * ord + 1,
        text,
        fts: indexColumns(passageText(title, headingPath, text)),
      };
    }),
    vectors,
  };
}

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

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { resourcesDirectory } from '../towers/builtinPack.js';

/**
 * The built-in sample documents (resources/sample-docs): what `docqa demo`
 * indexes and what the app offers for a first try. QUESTIONS.md describes the
 * samples and is not one of them: it holds the questions word for word, so
 * indexed it would answer each of them first.
 */
export interface SampleLibrary {
  folder: string;
  /** The folder's own ignore patterns. */
  ignore: string[];
  /** Questions the samples answer, each with the file that answers it. */
  questions: { question: string; expected: string }[];
}

export function sampleLibrary(): SampleLibrary {
  const folder = path.join(resourcesDirectory(), 'sample-docs');
  const questionsFile = path.join(folder, 'QUESTIONS.md');
  if (!existsSync(questionsFile))
    throw new UserError(`the built-in sample documents are missing: ${folder}`, folder);
  return {
    folder,
    ignore: ['QUESTIONS.md'],
    questions: sampleQuestions(readFileSync(questionsFile, 'utf8')),
  };
}

/** The first two columns of QUESTIONS.md's table: question, expected file. */
function sampleQuestions(markdown: string): { question: string; expected: string }[] {
  const rows: { question: string; expected: string }[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4 || !cells[1] || cells[1] === 'Question' || /^-+$/.test(cells[1])) continue;
    rows.push({ question: cells[1], expected: cells[2] });
  }
  return rows;
}

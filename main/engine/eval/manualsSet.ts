import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { evalSetFiles, readQuestionLines } from './evalSet.js';

/**
 * One question of a set in the manuals format (manuals-dev, manuals-xling-dev and
 * held-out sets like them): several gold documents, answer snippets instead of
 * offsets, and a kind (`en`, `zh`, `zh2en`, `en2zh`, `none`, …).
 */
export interface ManualsQuestion {
  id: string;
  question: string;
  kind: string;
  /** Gold files, relative to the question's library folder ('/' separators); empty for kind `none`. */
  docs: string[];
  answers: string[];
  /** The sub-folder of docs/ searched for this question (manuals-xling-dev); '' = docs/ itself. */
  library: string;
}

export interface ManualsSet {
  format: 'manuals';
  name: string;
  dir: string;
  docsDir: string;
  questions: ManualsQuestion[];
  /** Library folders ('' = docs/ itself), in first-seen order. */
  libraries: string[];
}

/** True when `<dir>/questions.jsonl`'s first question has the manuals format's `docs` list. */
export function isManualsSet(dir: string): boolean {
  const qFile = path.join(path.resolve(dir), 'questions.jsonl');
  if (!fs.existsSync(qFile)) return false;
  const first = fs
    .readFileSync(qFile, 'utf8')
    .split('\n')
    .find((l) => l.trim());
  if (!first) return false;
  try {
    const q = JSON.parse(first) as Record<string, unknown>;
    return Array.isArray(q.docs) && typeof q.kind === 'string';
  } catch {
    return false;
  }
}

const strings = (v: unknown): string[] | null =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;

/** Reads a manuals-format set; each question's library folder must exist under docs/. */
export function loadManualsSet(dir: string): ManualsSet {
  const { abs, qFile, docsDir } = evalSetFiles(dir);
  const questions: ManualsQuestion[] = [];
  const libraries: string[] = [];
  readQuestionLines(qFile).forEach(({ q, line: i }) => {
    const docs = strings(q.docs);
    const answers = strings(q.answers);
    const library = q.library === undefined ? '' : q.library;
    if (typeof q.question !== 'string' || typeof q.kind !== 'string' || !docs || !answers) {
      throw new UserError(`${qFile}:${i + 1}: needs "question", "kind", "docs" and "answers"`, qFile);
    }
    if (typeof library !== 'string' || library.includes('..') || path.isAbsolute(library)) {
      throw new UserError(`${qFile}:${i + 1}: "library" must name a folder under docs/`, qFile);
    }
    if (!libraries.includes(library)) {
      if (!fs.statSync(path.join(docsDir, library), { throwIfNoEntry: false })?.isDirectory()) {
        throw new UserError(`${qFile}:${i + 1}: no library folder docs/${library}`, qFile);
      }
      libraries.push(library);
    }
    questions.push({
      id: String(q.id ?? i + 1),
      question: q.question,
      kind: q.kind,
      docs: docs.map((d) => d.replace(/\\/g, '/')),
      answers,
      library,
    });
  });
  return { format: 'manuals', name: path.basename(abs), dir: abs, docsDir, questions, libraries };
}

import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

/** One question of an evaluation set (the format of ../shared/eval, see its README). */
export interface EvalQuestion {
  id: string;
  question: string;
  answers: string[];
  /** Document file name relative to the set's docs/ folder. */
  doc: string;
  /** Gold span in UTF-16 code units (converted from the file's code-point offsets). */
  start: number;
  end: number;
}

export interface EvalSet {
  name: string;
  dir: string;
  docsDir: string;
  questions: EvalQuestion[];
}

/** A set's folder, its questions.jsonl and its docs/ folder, checked to exist. */
export function evalSetFiles(dir: string): { abs: string; qFile: string; docsDir: string } {
  const abs = path.resolve(dir);
  const qFile = path.join(abs, 'questions.jsonl');
  const docsDir = path.join(abs, 'docs');
  if (!fs.existsSync(qFile)) throw new UserError(`not an evaluation set (no questions.jsonl): ${dir}`, dir);
  if (!fs.statSync(docsDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UserError(`not an evaluation set (no docs/ folder): ${dir}`, dir);
  }
  return { abs, qFile, docsDir };
}

/** The JSON objects of a questions.jsonl, with their 0-based line numbers (blank lines skipped). */
export function readQuestionLines(qFile: string): { q: Record<string, unknown>; line: number }[] {
  const out: { q: Record<string, unknown>; line: number }[] = [];
  fs.readFileSync(qFile, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      if (!text.trim()) return;
      try {
        out.push({ q: JSON.parse(text) as Record<string, unknown>, line });
      } catch {
        throw new UserError(`${qFile}:${line + 1}: not valid JSON`, qFile);
      }
    });
  return out;
}

/** Code-point offset → UTF-16 offset in `text`. */
export function codePointToUtf16(text: string, cp: number): number {
  let units = 0;
  for (let seen = 0; seen < cp && units < text.length; seen++) {
    const c = text.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < text.length ? 2 : 1;
  }
  return units;
}

const ASTRAL = /[\u{10000}-\u{10FFFF}]/u;

/**
 * Reads `<dir>/questions.jsonl` and checks `<dir>/docs/`. Gold offsets in the file
 * are Python code points; documents with astral characters get them converted to
 * the UTF-16 offsets the engine works in (the decoded text is read as UTF-8, BOM
 * dropped, exactly like the ingest does for plain text).
 */
export function loadEvalSet(dir: string): EvalSet {
  const { abs, qFile, docsDir } = evalSetFiles(dir);
  const textCache = new Map<string, string | null>();
  const astralText = (doc: string): string | null => {
    if (!textCache.has(doc)) {
      let text: string | null = null;
      try {
        const raw = fs.readFileSync(path.join(docsDir, doc), 'utf8').replace(/^\uFEFF/, '');
        text = ASTRAL.test(raw) ? raw : null;
      } catch {
        text = null;
      }
      textCache.set(doc, text);
    }
    return textCache.get(doc)!;
  };
  const questions: EvalQuestion[] = [];
  readQuestionLines(qFile).forEach(({ q, line: i }) => {
    if (
      typeof q.question !== 'string' ||
      typeof q.doc !== 'string' ||
      typeof q.start !== 'number' ||
      typeof q.end !== 'number'
    ) {
      throw new UserError(`${qFile}:${i + 1}: needs "question", "doc", "start" and "end"`, qFile);
    }
    const text = astralText(q.doc);
    questions.push({
      id: String(q.id ?? i + 1),
      question: q.question,
      answers: Array.isArray(q.answers) ? q.answers.filter((a): a is string => typeof a === 'string') : [],
      doc: q.doc,
      start: text ? codePointToUtf16(text, q.start) : q.start,
      end: text ? codePointToUtf16(text, q.end) : q.end,
    });
  });
  return { name: path.basename(abs), dir: abs, docsDir, questions };
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

/** One training example: a question and the passage that answers it. */
export interface Pair {
  question: string;
  passage: string;
  lang?: string;
  id?: string;
  /** The file (base name) or miner the pair came from. */
  source: string;
}

/**
 * Read question→passage pairs from JSON Lines files (`{question, passage, lang?, id?}`
 * per line; blank lines are skipped). A malformed line stops the load with the
 * file and line number, because silently dropping pairs would change the model.
 */
export function loadPairs(files: string[]): Pair[] {
  if (files.length === 0) throw new UserError('no pairs files given', '--pairs');
  const pairs: Pair[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(`${file}: cannot read pairs file (${code ?? 'error'})`, file, { cause: e });
    }
    const source = path.basename(file);
    const before = pairs.length;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      pairs.push(parsePairLine(line, `${file}:${i + 1}`, source));
    }
    if (pairs.length === before) throw new UserError(`${file}: no pairs in file`, file);
  }
  return pairs;
}

function parsePairLine(line: string, where: string, source: string): Pair {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UserError(`${where}: not valid JSON`, where);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(`${where}: expected a JSON object with "question" and "passage"`, where);
  }
  const record = value as Record<string, unknown>;
  const question = requireText(record, 'question', where);
  const passage = requireText(record, 'passage', where);
  const pair: Pair = { question, passage, source };
  if (typeof record.lang === 'string') pair.lang = record.lang;
  if (typeof record.id === 'string' || typeof record.id === 'number') pair.id = String(record.id);
  return pair;
}

function requireText(record: Record<string, unknown>, field: string, where: string): string {
  const v = record[field];
  if (typeof v !== 'string') throw new UserError(`${where}: "${field}" must be a string`, where);
  if (v.trim() === '') throw new UserError(`${where}: "${field}" is empty`, where);
  return v;
}

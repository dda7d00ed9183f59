import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codePointToUtf16, loadEvalSet } from '../../main/engine/eval/evalSet.js';
import { runEval, type EvalResult } from '../../main/engine/eval/runEval.js';

describe('docqa eval on a SQuAD-style set', () => {
  let dir: string;
  // An astral character (U+1F600) before the gold span: Python's code-point offsets are one less than UTF-16's.
  const text = 'Smiles\n\n😀 Emoji are small pictures. The kettle descaling cycle takes twelve minutes.\n';
  const answer = 'twelve minutes';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'docqa-squad-'));
    mkdirSync(path.join(dir, 'set', 'docs'), { recursive: true });
    writeFileSync(path.join(dir, 'set', 'docs', 'kettle.txt'), text);
    writeFileSync(path.join(dir, 'set', 'docs', 'other.txt'), 'Trains\n\nThe night train leaves at nine.\n');
    const start = [...text.slice(0, text.indexOf(answer))].length; // code points before
    const q = {
      id: 'q1',
      question: 'How long does kettle descaling take?',
      doc: 'kettle.txt',
      start,
      end: start + answer.length,
      answers: [answer],
    };
    writeFileSync(path.join(dir, 'set', 'questions.jsonl'), JSON.stringify(q) + '\n\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('converts code-point offsets of documents with astral characters to UTF-16', () => {
    const set = loadEvalSet(path.join(dir, 'set'));
    expect(set.questions).toHaveLength(1);
    const q = set.questions[0];
    expect(text.slice(q.start, q.end)).toBe(answer);
    expect(codePointToUtf16('😀a', 1)).toBe(2);
  });

  it('scores hit@1 by the gold span', async () => {
    const [r] = (await runEval({
      setDirs: [path.join(dir, 'set')],
      pool: false,
      modes: ['bm25'],
      k: 10,
    })) as EvalResult[];
    expect(r.questions).toBe(1);
    expect(r['hit@1']).toBe(1);
  });

  it('names the line of a question that is not JSON', () => {
    writeFileSync(path.join(dir, 'set', 'questions.jsonl'), '{"id": 1,\n');
    expect(() => loadEvalSet(path.join(dir, 'set'))).toThrow(/questions\.jsonl:1: not valid JSON/);
  });
});

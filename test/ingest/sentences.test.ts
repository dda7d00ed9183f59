import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../main/engine/ingest/sentences.js';

const sentences = (text: string, start?: number, end?: number) =>
  splitSentences(text, start, end).map((s) => text.slice(s.start, s.end));

describe('splitSentences', () => {
  it('splits Chinese at 。！？；… and keeps closing quotes with their sentence', () => {
    expect(sentences('今天天气很好。我们去公园吧！你觉得呢？好的；走吧……他说：“我来了。”然后走了。')).toEqual(
      [
        '今天天气很好。',
        '我们去公园吧！',
        '你觉得呢？',
        '好的；',
        '走吧……',
        '他说：“我来了。”',
        '然后走了。',
      ],
    );
  });

  it('splits English at . ! ? before a capital, with care for abbreviations, initials, decimals and lists', () => {
    expect(
      sentences(
        'Mr. Smith paid $3.50 for coffee! Did he? Yes... It was e.g. fine. The U.S. Army is big. J. R. R. Tolkien wrote books. See Fig. 3 for details. 2020 was different.',
      ),
    ).toEqual([
      'Mr. Smith paid $3.50 for coffee!',
      'Did he?',
      'Yes...',
      'It was e.g. fine.',
      'The U.S. Army is big.',
      'J. R. R. Tolkien wrote books.',
      'See Fig. 3 for details.',
      '2020 was different.',
    ]);
  });

  it('does not split inside words, URLs or numbers', () => {
    expect(sentences('Visit example.com/a.b or Yahoo!Japan, version 1.2.3 is out.')).toEqual([
      'Visit example.com/a.b or Yahoo!Japan, version 1.2.3 is out.',
    ]);
  });

  it('handles mixed Chinese and English text', () => {
    expect(
      sentences('“你好。”他说。Hello world. 中文句子。English again? Yes. OK!好的。版本1.0发布了。'),
    ).toEqual([
      '“你好。”',
      '他说。',
      'Hello world.',
      '中文句子。',
      'English again?',
      'Yes.',
      'OK!',
      '好的。',
      '版本1.0发布了。',
    ]);
  });

  it('ends sentences at blank lines and before list items and headings, not at wrapped lines', () => {
    expect(
      sentences(
        'Title line\n\nFirst line of a\nwrapped sentence. Next one.\n- item one\n- item two\n1. first\n## Heading\n第二条 押金',
      ),
    ).toEqual([
      'Title line',
      'First line of a\nwrapped sentence.',
      'Next one.',
      '- item one',
      '- item two',
      '1. first',
      '## Heading',
      '第二条 押金',
    ]);
  });

  it('returns trimmed, non-empty spans in order, within the range asked for', () => {
    const text = '  Skip me.   One. Two!  \n\n  Three?   Tail';
    const start = text.indexOf('One');
    const spans = splitSentences(text, start, text.indexOf('Tail'));
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['One.', 'Two!', 'Three?']);
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\t ')).toEqual([]);
  });

  it('treats a megabyte without any sentence mark as one sentence (one linear pass)', () => {
    const text = 'x'.repeat(1 << 20);
    expect(splitSentences(text)).toEqual([{ start: 0, end: text.length }]);
  });
});

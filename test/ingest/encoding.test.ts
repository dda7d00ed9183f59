import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { decodeText, isBinaryContent, type DecodedText } from '../../main/engine/ingest/encoding.js';

function decoded(bytes: Uint8Array): DecodedText {
  const r = decodeText(bytes);
  if (isBinaryContent(r)) throw new Error('unexpectedly binary');
  return r;
}

// Original sentences, not used to build the detector's character lists.
const SIMPLIFIED =
  '周末我们全家去郊外爬山，山顶的风景非常漂亮。下山以后在一家小饭馆吃了午饭，老板推荐的红烧鱼味道很好。' +
  '图书馆每天上午九点开门，借书需要带上借书证，每次最多借五本，期限是一个月。' +
  '这台洗衣机有快速洗、标准洗和羽绒服三种模式，使用前请先检查排水管是否接好。';
const TRADITIONAL =
  '週末我們全家去郊外爬山，山頂的風景非常漂亮。下山以後在一家小飯館吃了午飯，老闆推薦的紅燒魚味道很好。' +
  '圖書館每天上午九點開門，借書需要帶上借書證，每次最多借五本，期限是一個月。' +
  '這台洗衣機有快速洗、標準洗和羽絨服三種模式，使用前請先檢查排水管是否接好。';

/** Share of the substrings of `length` characters that decode back exactly after encoding. */
function accuracy(corpus: string, encoding: string, length: number): number {
  let total = 0,
    right = 0;
  for (let i = 0; i + length <= corpus.length; i++) {
    const sample = corpus.slice(i, i + length);
    const bytes = iconv.encode(sample, encoding);
    if (iconv.decode(bytes, encoding) !== sample) continue;
    total++;
    if (decoded(bytes).text === sample) right++;
  }
  return right / total;
}

describe('decodeText', () => {
  it('reads UTF-8 with and without a byte-order mark; the mark is not part of the text', () => {
    const text = 'Hello 你好 😀 𠀀\r\nline two';
    expect(decoded(Buffer.from(text, 'utf8'))).toEqual({ text, encoding: 'utf-8', warnings: [] });
    expect(decoded(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]))).toEqual({
      text,
      encoding: 'utf-8',
      warnings: [],
    });
  });

  it('keeps a second U+FEFF (a character of the text) after the mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\ufeffx', 'utf8')]);
    expect(decoded(bytes).text).toBe('\ufeffx');
  });

  it('reads UTF-16 LE and BE with a byte-order mark, astral characters included', () => {
    const text = '年假制度 annual leave 😀\n第二行';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    expect(decoded(le)).toEqual({ text, encoding: 'utf-16le', warnings: [] });
    expect(decoded(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({
      text,
      encoding: 'utf-16be',
      warnings: [],
    });
  });

  it('reads mostly-ASCII UTF-16 LE without a mark instead of calling it binary', () => {
    const text = 'Plain notes saved by an old Windows tool.\r\n';
    expect(decoded(Buffer.from(text, 'utf16le'))).toMatchObject({ text, encoding: 'utf-16le' });
  });

  it.each([
    ['gbk', '租房合同要点：押金一般为两个月房租，退租时房东应在七日内退还。', 'gb18030'],
    ['gb18030', '龙井茶用八十度的水冲泡；欧元符号€和生僻字㐀也能编码。', 'gb18030'],
    ['big5', '年假制度：員工到職滿一年者，每年享有七天特別休假。', 'big5'],
    ['shift_jis', '会議は来週の月曜日に東京で行います。', 'shift_jis'],
    ['euc-kr', '회의는 다음 주 월요일에 서울에서 열립니다.', 'euc-kr'],
    ['windows-1252', 'Crème brûlée, café au lait and a naïve façade: 12 € each.', 'windows-1252'],
    ['windows-1251', 'Совещание состоится в понедельник в десять часов утра.', 'windows-1251'],
  ])('detects %s text', (encoding, text, expected) => {
    expect(decoded(iconv.encode(text, encoding))).toEqual({ text, encoding: expected, warnings: [] });
  });

  it('is right on short GBK and Big5 samples (every substring of 4 and 8 characters)', () => {
    for (const length of [4, 8]) {
      expect(accuracy(SIMPLIFIED, 'gbk', length)).toBeGreaterThanOrEqual(0.97);
      expect(accuracy(TRADITIONAL, 'big5', length)).toBeGreaterThanOrEqual(0.97);
    }
    // Two characters are a guess for any detector; most still come out right.
    expect(accuracy(SIMPLIFIED, 'gbk', 2)).toBeGreaterThanOrEqual(0.85);
    expect(accuracy(TRADITIONAL, 'big5', 2)).toBeGreaterThanOrEqual(0.85);
  });

  it.each([
    ['windows-1252', 'café'],
    ['windows-1252', 'Müller'],
    ['windows-1252', 'Ça va? Très bien.'],
    ['windows-1252', '“Smart quotes” – and dashes…'],
    ['windows-1251', 'Привет'],
    ['windows-1251', 'Мама мыла раму.'],
  ])('keeps a short %s text single-byte: %s', (encoding, text) => {
    expect(decoded(iconv.encode(text, encoding))).toMatchObject({ text, encoding });
  });

  it('uses a declared charset for bytes that are not UTF-8, and ignores it for UTF-8', () => {
    const gbk = iconv.encode('你好', 'gbk');
    expect(decodeText(gbk, { declared: 'GB2312' })).toMatchObject({ text: '你好', encoding: 'gb18030' });
    expect(decodeText(Buffer.from('你好', 'utf8'), { declared: 'big5' })).toMatchObject({
      text: '你好',
      encoding: 'utf-8',
    });
  });

  it('calls NUL bytes and control-character noise binary, naming known formats', () => {
    expect(decodeText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toEqual({
      binary: true,
      looksLike: 'a PNG image',
    });
    // One NUL in 15 bytes is noise, not text.
    expect(decodeText(Buffer.from('text\0with a NUL'))).toEqual({ binary: true, looksLike: null });
    const noisy = Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 20 === 0 ? 0x01 : 0x61)));
    expect(isBinaryContent(decodeText(noisy))).toBe(true);
    // Tabs, form feeds and ESC are text.
    expect(decoded(Buffer.from('a\tb\fc\x1b[0m\n')).text).toBe('a\tb\fc\x1b[0m\n');
  });

  it('keeps a text file with a stray NUL byte, replacing the NUL in place (offsets unchanged)', () => {
    const line = 'A line of ordinary text in a log file, written before the power went out.\n';
    const bytes = Buffer.from(`${line.repeat(20)}\0${line.repeat(20)}`, 'utf8');
    const r = decoded(bytes);
    expect(r.encoding).toBe('utf-8');
    expect(r.text).toBe(`${line.repeat(20)}\ufffd${line.repeat(20)}`);
    expect(r.text.length).toBe(bytes.length);
    expect(r.warnings).toEqual(['1 NUL character(s) were replaced with U+FFFD']);
    // Also in a file with a byte-order mark, which skips the binary sniffing.
    const withBom = decoded(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('中文\0文本')]));
    expect(withBom.text).toBe('中文\ufffd文本');
    // Binary files stay binary: NULs at the density executables and databases have.
    const sqliteLike = Buffer.alloc(4096);
    sqliteLike.write('SQLite format 3', 0);
    expect(isBinaryContent(decodeText(sqliteLike))).toBe(true);
  });

  it('reads UTF-8 cut inside its last character, with a warning', () => {
    const whole = Buffer.from('结尾是中文', 'utf8');
    const r = decoded(whole.subarray(0, whole.length - 1));
    expect(r.encoding).toBe('utf-8');
    expect(r.text).toBe('结尾是中\ufffd');
    expect(r.warnings[0]).toMatch(/incomplete|truncated/);
  });

  it('keeps UTF-8 with one stray Latin-1 byte as UTF-8 (replacing that byte)', () => {
    const bytes = Buffer.concat([
      Buffer.from('中文内容很多很多很多很多，'.repeat(3), 'utf8'),
      Buffer.from([0xe9]),
      Buffer.from(' end', 'utf8'),
    ]);
    const r = decoded(bytes);
    expect(r.encoding).toBe('utf-8');
    expect(r.text.endsWith('\ufffd end')).toBe(true);
    expect(r.warnings).toHaveLength(1);
  });

  it('drops the odd last byte of a truncated UTF-16 file with a warning', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('abc', 'utf16le'),
      Buffer.from([0x61]),
    ]);
    const r = decoded(bytes);
    expect(r.text).toBe('abc');
    expect(r.warnings[0]).toMatch(/odd number of bytes/);
  });
});

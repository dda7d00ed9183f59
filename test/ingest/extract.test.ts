import { describe, expect, it } from 'vitest';
import { chmodSync } from 'node:fs';
import iconv from 'iconv-lite';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { hashFile } from '../../main/engine/ingest/hashFile.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';

const tempDir = useTempDir();
const isRoot = process.getuid?.() === 0;

describe('extractFile: plain text types', () => {
  it('reads a .txt exactly as decoded, with its title line as a level-1 heading', async () => {
    const dir = tempDir();
    const text = 'Annual Leave Policy\r\n\r\nEmployees get 20 days.\r\nCarry-over is capped at 5 days.\r\n';
    const file = dir.write('policy.txt', text);
    const doc = await extractFile(file);
    expect(doc).toMatchObject({
      type: 'text',
      text,
      title: 'Annual Leave Policy',
      encoding: 'utf-8',
      pages: [],
      warnings: [],
    });
    expect(doc.headings).toEqual([{ level: 1, text: 'Annual Leave Policy', start: 0, end: 19 }]);
    expect(doc.bytes).toBe(Buffer.byteLength(text));
    expect(doc.contentHash).toBe(await hashFile(file));
  });

  it('uses the file name as the title when the first line is not a title', async () => {
    const dir = tempDir();
    const doc = await extractFile(
      dir.write('notes-2024.txt', 'This first line ends like a sentence.\nAnd goes on.\n'),
    );
    expect(doc.title).toBe('notes-2024');
    expect(doc.headings).toEqual([]);
  });

  it('finds markdown headings (ATX, setext, closing #s, inline markup) outside code and front matter', async () => {
    const dir = tempDir();
    const text = [
      '---',
      'title: "Team Handbook"',
      '# not a heading: front matter',
      '---',
      '',
      '# Welcome to *the* team #',
      '',
      'Intro paragraph.',
      '',
      '```sh',
      '# a shell comment, not a heading',
      '```',
      '',
      'Leave and holidays',
      '------------------',
      '',
      '### Sick leave [policy](https://example.com)',
      '',
      '#hashtag is text',
      '',
    ].join('\n');
    const doc = await extractFile(dir.write('handbook.md', text));
    expect(doc.text).toBe(text);
    expect(doc.title).toBe('Team Handbook');
    expect(doc.headings.map((h) => [h.level, h.text])).toEqual([
      [1, 'Welcome to the team'],
      [2, 'Leave and holidays'],
      [3, 'Sick leave policy'],
    ]);
    for (const h of doc.headings) expect(text.slice(h.start, h.end)).toContain(h.text.split(' ')[0]);
    expect(text.slice(doc.headings[1].start, doc.headings[1].end)).toBe(
      'Leave and holidays\n------------------',
    );
  });

  it('titles markdown by its first H1 when there is no front matter, else by file name', async () => {
    const dir = tempDir();
    expect((await extractFile(dir.write('a.md', '## Only a sub-heading\n\ntext\n\n# Main\n'))).title).toBe(
      'Main',
    );
    expect((await extractFile(dir.write('b.markdown', '## Only a sub-heading\n\ntext\n'))).title).toBe('b');
  });

  it('finds reStructuredText section titles with levels in order of appearance', async () => {
    const dir = tempDir();
    const text =
      '=========\nUser Guide\n=========\n\nIntro.\n\nInstalling\n----------\n\nRun it.\n\nOn Linux\n~~~~~~~~\n\nMore.\n\nUsing\n-----\n';
    const doc = await extractFile(dir.write('guide.rst', text));
    expect(doc.type).toBe('rst');
    expect(doc.title).toBe('User Guide');
    expect(doc.headings.map((h) => [h.level, h.text])).toEqual([
      [1, 'User Guide'],
      [2, 'Installing'],
      [3, 'On Linux'],
      [2, 'Using'],
    ]);
    expect(doc.headings[0].start).toBe(0);
  });

  it.each([
    ['data.csv', 'csv', 'name,city\nAlice,上海\nBob,"Taipei, TW"\n', 'name | city'],
    ['config.json', 'json', '{\n  "name": "docqa",\n  "说明": "离线问答"\n}\n', null],
    ['main.py', 'code', '# Compute totals\ndef total(xs):\n    return sum(xs)\n', null],
    ['notes.tsv', 'csv', 'a\tb\n1\t2\n', 'a | b'],
    ['numbers.csv', 'csv', '1,2\n3,4\n', null],
  ])('reads %s as %s text, exactly as in the file', async (name, type, text, header) => {
    const dir = tempDir();
    const doc = await extractFile(dir.write(name, text));
    expect(doc).toMatchObject({
      type,
      text,
      title: name.replace(/\.[^.]+$/, ''),
      headings: header === null ? [] : [{ level: 1, text: header, start: 0, end: text.indexOf('\n') }],
      encoding: 'utf-8',
    });
  });

  it('decodes GBK, GB18030, Big5 and UTF-16 files and records the encoding', async () => {
    const dir = tempDir();
    const zh = '年假制度\n\n员工工作满一年可享受带薪年假五天。\n';
    const tw = '租屋合約重點\n\n押金不得超過兩個月租金。\n';
    expect(await extractFile(dir.write('gbk.txt', iconv.encode(zh, 'gbk')))).toMatchObject({
      text: zh,
      encoding: 'gb18030',
      title: '年假制度',
    });
    expect(
      await extractFile(dir.write('gb18030.md', iconv.encode('# 标题 𠀀\n\n内容\n', 'gb18030'))),
    ).toMatchObject({ text: '# 标题 𠀀\n\n内容\n', title: '标题 𠀀' });
    expect(await extractFile(dir.write('big5.txt', iconv.encode(tw, 'big5')))).toMatchObject({
      text: tw,
      encoding: 'big5',
      title: '租屋合約重點',
    });
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(zh, 'utf16le')]);
    expect(await extractFile(dir.write('utf16le.txt', le))).toMatchObject({ text: zh, encoding: 'utf-16le' });
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(zh, 'utf16le').swap16()]);
    expect(await extractFile(dir.write('utf16be.txt', be))).toMatchObject({ text: zh, encoding: 'utf-16be' });
  });
});

describe('extractFile: HTML', () => {
  it('extracts visible text with paragraph breaks, headings at their offsets, entities decoded', async () => {
    const dir = tempDir();
    const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Coffee &amp; Tea Guide</title>
      <style>h1 { color: red }</style><script>var secret = "do not index";</script></head>
      <body><nav><a href="/">Home</a></nav><h1>Brewing <em>basics</em></h1>
      <p>Use water at 90&nbsp;&deg;C.   Wait
      three minutes.</p><h2>绿茶</h2><p>水温八十度&lt;左右&gt;。</p><ul><li>One</li><li>Two</li></ul><noscript>enable JS</noscript></body></html>`;
    const doc = await extractFile(dir.write('guide.html', html));
    expect(doc.title).toBe('Coffee & Tea Guide');
    expect(doc.text).toBe(
      'Home\n\nBrewing basics\n\nUse water at 90 °C. Wait three minutes.\n\n绿茶\n\n水温八十度<左右>。\n\nOne\nTwo',
    );
    expect(doc.text).not.toContain('secret');
    expect(doc.headings.map((h) => [h.level, h.text, doc.text.slice(h.start, h.end)])).toEqual([
      [1, 'Brewing basics', 'Brewing basics'],
      [2, '绿茶', '绿茶'],
    ]);
  });

  it('leaves out the permalink marks generated documentation puts beside headings and definitions', async () => {
    const dir = tempDir();
    const html = `<html><body>
      <h1>Installing<a class="headerlink" href="#installing" title="Permalink to this heading">¶</a></h1>
      <p>See <a href="#upgrading">Upgrading <code>pear</code></a> and issue <a href="#42">#42</a>.</p>
      <h2>Class: <code>fs.Dir</code><span><a class="mark" href="#class-fsdir" id="class-fsdir">#</a></span></h2>
      <dl><dt>pear.open(path)<a class="headerlink" href="#pear.open">¶</a></dt><dd>Opens it.</dd></dl>
      <h3>Upgrading <a href="#upgrading" class="anchor">§</a></h3>
      <h3><a href="#icons" aria-hidden="true"><svg><path d="M0"/></svg></a>Icons</h3>
      <a href="#card"><div>A card</div></a>
    </body></html>`;
    const doc = await extractFile(dir.write('manual.html', html));
    expect(doc.text).toBe(
      'Installing\n\nSee Upgrading pear and issue #42.\n\nClass: fs.Dir\n\npear.open(path)\nOpens it.\n\nUpgrading\n\nIcons\n\nA card',
    );
    expect(doc.headings.map((h) => [h.level, h.text, doc.text.slice(h.start, h.end)])).toEqual([
      [1, 'Installing', 'Installing'],
      [2, 'Class: fs.Dir', 'Class: fs.Dir'],
      [3, 'Upgrading', 'Upgrading'],
      [3, 'Icons', 'Icons'],
    ]);
  });

  it('titles by the first <h1> without a <title>, and decodes a declared GBK charset', async () => {
    const dir = tempDir();
    const html =
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><h1>茶叶冲泡指南</h1><p>绿茶用八十度的水。</p></body></html>';
    const doc = await extractFile(dir.write('tea.htm', iconv.encode(html, 'gbk')));
    expect(doc).toMatchObject({
      title: '茶叶冲泡指南',
      encoding: 'gb18030',
      text: '茶叶冲泡指南\n\n绿茶用八十度的水。',
    });
  });

  it('writes a table row on one line, its cells joined by " | ", and keeps a layout cell\'s paragraphs', async () => {
    const dir = tempDir();
    const html = [
      '<table><tr><th>Tree</th><th>Yield</th><th></th></tr>',
      '<tr><td>Apple</td><td><b>150</b> kg</td><td></td></tr>',
      '<tr><td></td><td>90 kg</td></tr></table>',
      // A page laid out in a table: the navigation cell, then the content cell's paragraphs.
      '<table><tr><td>Prev</td><td>Next</td></tr><tr><td><p>First paragraph.</p><p>Second.</p></td></tr></table>',
    ].join('');
    const doc = await extractFile(dir.write('yield.html', html));
    expect(doc.text).toBe(
      'Tree | Yield\nApple | 150 kg\n90 kg\n\nPrev | Next\n\nFirst paragraph.\n\nSecond.',
    );
  });

  it('fails a page with no visible text', async () => {
    const dir = tempDir();
    const file = dir.write('empty.html', '<html><head><script>x()</script></head><body>  </body></html>');
    await expectFailure(extractFile(file), 'no-text', /^no text/, file);
  });
});

describe('extractFile: failures', () => {
  it('empty and whitespace-only files', async () => {
    const dir = tempDir();
    const empty = dir.write('empty.txt', '');
    await expectFailure(extractFile(empty), 'empty', /^empty file$/, empty);
    const blank = dir.write('blank.md', ' \n\t\r\n');
    await expectFailure(extractFile(blank), 'empty', /^empty file/, blank);
  });

  it('binary files with a text extension', async () => {
    const dir = tempDir();
    const png = dir.write(
      'image.txt',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]),
    );
    await expectFailure(extractFile(png), 'binary', /^binary file \(looks like a PNG image\)$/, png);
    const noise = dir.write(
      'noise.md',
      Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)),
    );
    await expectFailure(extractFile(noise), 'binary', /^binary file/, noise);
  });

  it('files over the size limit, before reading them', async () => {
    const dir = tempDir();
    const file = dir.write('big.txt', 'x'.repeat(3000));
    await expectFailure(
      extractFile(file, { maxBytes: 1024 }),
      'too-large',
      /^file too large \(2\.9 KB > 1\.0 KB\)$/,
      file,
    );
  });

  it('missing files, folders and unsupported types', async () => {
    const dir = tempDir();
    const missing = dir.path('gone.txt');
    await expectFailure(extractFile(missing), 'missing', /^file disappeared$/, missing);
    const folder = dir.mkdir('folder.txt');
    await expectFailure(extractFile(folder), 'not-a-file', /^not a regular file$/, folder);
    const exe = dir.write('tool.exe', 'MZ');
    await expectFailure(extractFile(exe), 'unsupported', /^unsupported file type "\.exe"$/, exe);
    await expectFailure(hashFile(missing), 'missing', /^file disappeared$/, missing);
  });

  it.skipIf(isRoot)('unreadable files', async () => {
    const dir = tempDir();
    const file = dir.write('secret.txt', 'secret');
    chmodSync(file, 0o000);
    await expectFailure(extractFile(file), 'permission', /^cannot read: permission denied$/, file);
  });

  it('stops when aborted', async () => {
    const dir = tempDir();
    const file = dir.write('a.txt', 'hello');
    await expect(extractFile(file, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

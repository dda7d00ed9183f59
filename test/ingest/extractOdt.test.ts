import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';
import { documentTypeOf } from '../../main/engine/ingest/fileTypes.js';
import { makeOdt } from '../../scripts/documentWriters/odtWriter.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';
import { expectArchiveRefusals } from './helpers/archiveRefusals.js';

const tempDir = useTempDir();

const BODY = [
  '<text:tracked-changes><text:changed-region><text:deletion><text:p>Deleted draft sentence.</text:p></text:deletion></text:changed-region></text:tracked-changes>',
  '<text:h text:outline-level="1">Club rules</text:h>',
  '<text:p>Members pay <text:span>40 euros</text:span> a year.<office:annotation><dc:creator>Ann</dc:creator><text:p>Check the fee</text:p></office:annotation></text:p>',
  '<text:h text:outline-level="2">Opening<text:s text:c="3"/>hours</text:h>',
  '<text:list><text:list-item><text:p>Monday: closed</text:p></text:list-item><text:list-item><text:p>Tuesday:<text:tab/>9–17</text:p></text:list-item></text:list>',
  '<text:p>Holidays<text:line-break/>are announced by mail.</text:p>',
  '<table:table><table:table-row><table:table-cell><text:p>场地</text:p></table:table-cell><table:table-cell><text:p>费用</text:p></table:table-cell></table:table-row>',
  '<table:table-row><table:table-cell><text:p>网球场</text:p></table:table-cell><table:table-cell><text:p>每小时 8 欧元</text:p></table:table-cell></table:table-row></table:table>',
  '<text:p/>',
].join('');

describe('extractFile: ODT', () => {
  it('reads headings with their levels, paragraphs, lists and tables, without deleted text or comments', async () => {
    const dir = tempDir();
    const file = dir.write('rules.odt', makeOdt(BODY, { title: 'Tennis club' }));
    expect(documentTypeOf(file)).toBe('odt');
    const doc = await extractFile(file);
    expect(doc).toMatchObject({ type: 'odt', title: 'Tennis club', encoding: null, pages: [], warnings: [] });
    expect(doc.text).toBe(
      'Club rules\n\nMembers pay 40 euros a year.\n\nOpening hours\n\n' +
        'Monday: closed\nTuesday: 9–17\n\nHolidays\nare announced by mail.\n\n' +
        '场地 | 费用\n网球场 | 每小时 8 欧元',
    );
    expect(doc.headings.map((h) => [h.level, h.text, doc.text.slice(h.start, h.end)])).toEqual([
      [1, 'Club rules', 'Club rules'],
      [2, 'Opening hours', 'Opening hours'],
    ]);
    const chunks = chunkDocument(doc, { targetChars: 80 });
    expect(chunks.find((c) => c.text.includes('Tuesday'))!.headingPath).toEqual([
      'Club rules',
      'Opening hours',
    ]);
  });

  it('titles a document without metadata by its first heading', async () => {
    const dir = tempDir();
    const file = dir.write('untitled.odt', makeOdt(BODY, { title: null }));
    expect((await extractFile(file)).title).toBe('Club rules');
  });

  it('refuses password-protected, damaged, non-ODT and empty documents with a reason, and decompression bombs', async () => {
    const dir = tempDir();
    const locked = dir.write('locked.odt', makeOdt(BODY, { encrypted: true }));
    await expectFailure(extractFile(locked), 'encrypted', /^password-protected ODT$/, locked);
    await expectArchiveRefusals(dir, {
      ext: 'odt',
      name: 'ODT',
      failure: 'invalid-odt',
      whole: makeOdt(BODY),
      empty: makeOdt('<text:p/>'),
      withPart: (entry) => makeOdt(BODY, { extra: { 'content.xml': entry } }),
      part: 'content.xml',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanFolder } from '../../main/engine/ingest/scanFolder.js';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';
import type { ExtractedDocument, IngestWarning, ScannedFile } from '../../main/engine/ingest/types.js';

const SAMPLES = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'resources',
  'sample-docs',
);

/** Rows of the table in QUESTIONS.md: question, expected file, answer text. */
function questions(): [string, string, string][] {
  return readFileSync(path.join(SAMPLES, 'QUESTIONS.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Question') && !line.startsWith('| ---'))
    .map(
      (line) =>
        line
          .split('|')
          .slice(1, 4)
          .map((cell) => cell.trim()) as [string, string, string],
    );
}

describe('built-in sample library', () => {
  it('extracts every document cleanly, in several formats and both languages', async () => {
    const files: ScannedFile[] = [];
    const warnings: IngestWarning[] = [];
    for await (const f of scanFolder(SAMPLES, {
      ignore: ['QUESTIONS.md'],
      onWarning: (w) => warnings.push(w),
    }))
      files.push(f);
    expect(warnings).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect(new Set(files.map((f) => f.type))).toEqual(new Set(['markdown', 'text', 'html', 'pdf', 'docx']));
    const titles: Record<string, string> = {};
    for (const f of files) {
      const doc = await extractFile(f.absPath);
      expect(doc.warnings, f.relPath).toEqual([]);
      expect(chunkDocument(doc).length, f.relPath).toBeGreaterThan(0);
      titles[f.relPath] = doc.title;
    }
    expect(titles).toEqual({
      'aurora-espresso-manual.html': 'Aurora 2 Espresso Machine – User Manual',
      'aurora-warranty-card.pdf': 'Aurora 2 Warranty Card / 保修卡',
      'banana-bread.md': 'Banana Bread',
      'meeting-notes-2024-05-07.txt': 'Product Team Weekly Meeting - 7 May 2024',
      'remote-work-policy.docx': 'Northwind Remote Work Policy',
      'travel-checklist.md': 'Travel Checklist',
      '年假制度.txt': '员工手册（节选）：年假制度',
      '租房合同要点.md': '租房合同要点',
      '茶叶冲泡指南.html': '茶叶冲泡指南',
    });
  });

  it('answers each listed question in the named file', async () => {
    const rows = questions();
    expect(rows).toHaveLength(4);
    expect(rows.filter(([q]) => /[\u4e00-\u9fff]/.test(q))).toHaveLength(2);
    const docs = new Map<string, ExtractedDocument>();
    for (const [, file, answer] of rows) {
      const doc = docs.get(file) ?? (await extractFile(path.join(SAMPLES, file)));
      docs.set(file, doc);
      expect(doc.text, file).toContain(answer);
    }
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSafeHref, parseInline, parseMarkdown } from '../../renderer/src/markdown.js';
import { metricsTable } from '../../renderer/src/metricsTable.js';

const manifest = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../resources/models/docqa-zh-en-hashed/manifest.json', import.meta.url)),
    'utf8',
  ),
) as { metrics: Record<string, unknown>; attribution: string[] };

describe('released metrics', () => {
  it("make one table of the built-in pack's nested metrics, with no JSON left in a cell", () => {
    const table = metricsTable(manifest.metrics);
    expect(table.rows.map((r) => r.label)).toEqual([
      'heldout',
      'heldout · model',
      'heldout · bm25',
      'heldout · hybrid',
    ]);
    expect(table.columns).toContain('recall@1');
    expect(table.columns).toContain('mrr@10');
    const hybrid = table.rows.find((r) => r.label === 'heldout · hybrid')!;
    expect(hybrid.cells[table.columns.indexOf('recall@1')]).toBe('0.899');
    expect(hybrid.cells[table.columns.indexOf('questions')]).toBe('1476');
    for (const row of table.rows) for (const cell of row.cells) expect(cell ?? '').not.toMatch(/[{}[\]"]/);
  });

  it('have an empty table when there are none', () => {
    expect(metricsTable({})).toEqual({ columns: [], rows: [] });
  });
});

describe('attribution Markdown', () => {
  it("renders the built-in pack's attribution: code spans and http(s) links, no backticks left", () => {
    const inline = parseInline(manifest.attribution[0]!);
    const codes = inline.filter((n) => n.type === 'code').map((n) => (n as { text: string }).text);
    expect(codes).toContain('13f82e35b9a1fb9173f863b35f5675030646571e');
    expect(codes).toContain('explore/1.1/train/*.html');
    const links = inline.filter((n) => n.type === 'link').map((n) => (n as { href: string }).href);
    expect(links).toEqual(['https://github.com/rajpurkar/SQuAD-explorer']);
    const text = inline.map((n) => (n.type === 'text' ? n.text : '')).join('');
    expect(text).not.toContain('`');
  });

  it('makes links of http(s) addresses only', () => {
    expect(isSafeHref('https://example.org/a')).toBe(true);
    for (const href of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', '//evil.example'])
      expect(isSafeHref(href), href).toBe(false);
    const nodes = parseInline('[click](javascript:void0) and [ok](https://example.org)');
    expect(nodes.filter((n) => n.type === 'link')).toEqual([
      { type: 'link', href: 'https://example.org', children: [{ type: 'text', text: 'ok' }] },
    ]);
    // The unsafe link keeps only its label, as text.
    expect(nodes[0]).toEqual({ type: 'text', text: 'click and ' });
  });

  it('keeps markup as text: nothing becomes HTML', () => {
    const nodes = parseInline('<img src=x onerror=alert(1)> **bold** and *em*');
    expect(nodes[0]).toEqual({ type: 'text', text: '<img src=x onerror=alert(1)> ' });
    expect(nodes.some((n) => n.type === 'strong')).toBe(true);
    expect(nodes.some((n) => n.type === 'em')).toBe(true);
  });

  it('reads paragraphs and lists', () => {
    expect(parseMarkdown('Data from:\n\n- one `a`\n- two\n\n1. first\n2. second\n\nthe end')).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'Data from:' }] },
      {
        type: 'list',
        ordered: false,
        items: [
          [
            { type: 'text', text: 'one ' },
            { type: 'code', text: 'a' },
          ],
          [{ type: 'text', text: 'two' }],
        ],
      },
      {
        type: 'list',
        ordered: true,
        items: [[{ type: 'text', text: 'first' }], [{ type: 'text', text: 'second' }]],
      },
      { type: 'paragraph', children: [{ type: 'text', text: 'the end' }] },
    ]);
  });
});

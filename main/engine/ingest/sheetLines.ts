import type { SectionedText } from './sectionedText.js';

/** A non-empty cell of a spreadsheet row, as its reader found it. */
export interface SheetCell {
  /** 0 for column A. */
  column: number;
  value: string;
  /** Text rather than a number, a date or a truth value. */
  isText: boolean;
}

/** A row of a sheet that holds something: its number as the spreadsheet shows it (1 for the first) and its cells. */
export interface SheetRow {
  row: number;
  cells: SheetCell[];
}

/**
 * A sheet's rows as lines, cells joined by " | ". When the first row is a header
 * (all text, two cells at least, with rows under it), every later cell is named
 * by its column's header ("Item: Tent | Price: 120"), so a passage cut from the
 * middle of a long sheet still says what its numbers are.
 */
export function sheetLines(sheetRows: readonly SheetRow[]): string[] {
  if (!sheetRows.length) return [];
  const rows = sheetRows.map((r) => r.cells);
  const [first, ...rest] = rows;
  const isHeader = first.length >= 2 && first.every((c) => c.isText) && rest.length > 0;
  if (!isHeader) return rows.map((r) => r.map((c) => c.value).join(' | '));
  const header = new Map(first.map((c) => [c.column, c.value]));
  return [
    first.map((c) => c.value).join(' | '),
    ...rest.map((r) =>
      r.map((c) => (header.has(c.column) ? `${header.get(c.column)}: ${c.value}` : c.value)).join(' | '),
    ),
  ];
}

/** A sheet's name as its heading: spaces collapsed; "Sheet N" (its place among the sheets read) when it has none. */
export function sheetName(name: string, sheetsBefore: number): string {
  return name.replace(/\s+/g, ' ').trim() || `Sheet ${sheetsBefore + 1}`;
}

/**
 * Adds a sheet to a workbook's text: its name as a heading over its rows as lines, each line
 * knowing its row number (so a passage can say "row 5,012"); an empty sheet adds nothing.
 */
export function addSheet(out: SectionedText, name: string, rows: readonly SheetRow[]): void {
  out.addRows(
    sheetName(name, out.headings.length),
    sheetLines(rows),
    rows.map((r) => r.row),
  );
}

import type { Heading } from './types.js';

/** A header longer than this is cut at a column (a wide export would head every passage with it). */
const MAX_HEADING_CHARS = 300;
/** A first line longer than this is data, not a header worth reading. */
const MAX_HEADER_LINE = 64 * 1024;

/**
 * The header row of a CSV or TSV file as a level-1 heading over the rows below it, so
 * that every passage cut from the file carries its column names ("Item | Price |
 * Bought"): a passage from row 5,000 alone is "Lantern,19,2026-03-05", and neither the
 * search nor the reader knows what 19 is. The spreadsheet readers name each cell by
 * its header instead; a CSV's passages are the file's own text, so the names go where
 * a section's heading goes. A header is a first line of two fields at least, none empty
 * and none a number or a date, with a row under it.
 */
export function csvHeader(text: string): Heading | null {
  let end = text.indexOf('\n');
  if (end < 0 || end > MAX_HEADER_LINE || !/\S/.test(text.slice(end + 1))) return null;
  if (text[end - 1] === '\r') end--;
  const line = text.slice(0, end);
  const fields = splitFields(line, delimiterOf(line)).map((f) => f.replace(/\s+/g, ' ').trim());
  if (fields.length < 2 || fields.some((f) => f === '' || NUMBER_OR_DATE.test(f))) return null;
  return { level: 1, text: joinedWithin(fields, MAX_HEADING_CHARS), start: 0, end };
}

/** Numbers, amounts, percentages, dates and times: what a first row of data holds. */
const NUMBER_OR_DATE = /^[-+(]?[$€£¥]?\s*[\d.,:/\s-]*\d[\d.,:/\s%)-]*$/u;

/** Tab when the line has one; otherwise the semicolon of European exports when it outnumbers commas. */
function delimiterOf(line: string): string {
  if (line.includes('\t')) return '\t';
  const count = (c: string) => line.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/** One line's fields; a field in double quotes may hold the delimiter, "" is a quote. */
function splitFields(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

function joinedWithin(fields: string[], max: number): string {
  let out = fields[0].slice(0, max);
  for (let i = 1; i < fields.length; i++) {
    if (out.length + 3 + fields[i].length > max) return `${out} | …`;
    out += ` | ${fields[i]}`;
  }
  return out;
}

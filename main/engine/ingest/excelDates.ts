/** Excel's dates: its two date systems, which number formats show a date, and a day number as ISO text. */

// Day 0 of Excel's date systems, in Unix days: 1899-12-30 (day 60 is the 29 February 1900
// that never was, so days from 61 on land right) and 1904-01-01.
export const EPOCH_1900 = Date.UTC(1899, 11, 30) / 86_400_000;
export const EPOCH_1904 = Date.UTC(1904, 0, 1) / 86_400_000;
// Built-in number formats that show dates or times (ECMA-376 §18.8.30, the same ids in BIFF8).
export const BUILT_IN_DATE_FORMATS: ReadonlySet<number> = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47,
]);

/** Whether a number format code shows a date or time: y, m, d, h or s outside quotes, brackets and escapes. */
export function isDateFormatCode(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[ymdhs]/i.test(bare);
}

/** Whether a number can be a day of Excel's calendar (up to 9999-12-31). */
export function isExcelDay(serial: number): boolean {
  return serial >= 0 && serial < 2_958_466;
}

/** An Excel day number as an ISO date, with the time of day when it has one. */
export function excelDate(serial: number, epoch: number): string {
  const ms = Math.round((serial + epoch) * 86_400_000);
  const iso = new Date(ms).toISOString();
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
}

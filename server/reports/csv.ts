/**
 * CSV output that is safe to open in a spreadsheet. Every CSV the dialer exports (import
 * error reports, the audit export) writes its cells through {@link escapeCsvCell}.
 *
 * Formula injection (OWASP "CSV injection"): Excel, LibreOffice and Google Sheets run a
 * cell that starts with `=`, `+`, `-` or `@` (and some with a leading tab or CR) as a
 * formula, e.g. `=cmd|' /C calc'!A0` or `@SUM(1)`. Lead files come from outside, so such
 * values are stored exactly as given and only neutralised here, on the way out, by
 * prefixing `'` (which spreadsheets show as text and do not display).
 *
 * A phone number legitimately starts with `+` (`+12085550100`, `+1 (208) 555-0100`), and
 * amounts with `-`. A cell made only of a leading sign, digits, spaces, `(`, `)`, `.` and
 * `-` cannot name a cell or call a function (both need letters) nor reach DDE (`|`, `!`),
 * so it is left alone: it reads back as the same number, also when re-imported.
 *
 * @module
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?[\d ().-]*\d[\d ().-]*$/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** `value` with a `'` in front when a spreadsheet would take it for a formula. */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/** One cell: formula-neutralised, then quoted (RFC 4180) when it holds `"`, `,`, a line break or edge spaces. */
export function escapeCsvCell(value: string | number | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = neutralizeFormula(value instanceof Date ? value.toISOString() : String(value));
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row, CRLF-terminated as RFC 4180 asks. */
export function csvRow(cells: ReadonlyArray<string | number | boolean | Date | null | undefined>): string {
  return `${cells.map(escapeCsvCell).join(',')}\r\n`;
}

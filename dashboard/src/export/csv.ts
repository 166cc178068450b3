/**
 * CSV files people open in Excel (issue 13, item 7; docs/decisions/0017-case-search-and-csv.md):
 * UTF-8 with a byte-order mark (without it Excel on Windows reads Chinese as mojibake), CRLF
 * line ends, every cell quoted, times in Asia/Shanghai, and cells that a spreadsheet would run
 * as a formula (=, +, -, @, tab, CR at the start: CSV injection, OWASP) prefixed with a quote.
 */
import { TIME_ZONE } from '../format/time';

/** One column: its heading and how a row gives its cell. */
export interface CsvColumn<R> {
  header: string;
  cell(row: R): string | number | null | undefined;
}

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as a spreadsheet will show it: never a formula, always quoted. */
export function csvCell(value: string | number | null | undefined): string {
  if (value == null) return '""';
  let text = String(value);
  // A negative number is data, not a formula; text that only looks like one is defused.
  if (typeof value !== 'number' && FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** The whole file's text, BOM first. */
export function toCsv<R>(columns: readonly CsvColumn<R>[], rows: readonly R[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(c.cell(r))).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

const csvTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** 2026-12-07 09:30:05: Beijing time, a form Excel reads as a date and time. */
export function csvDateTime(value: string | number | Date | null | undefined): string {
  if (value == null) return '';
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? '' : csvTime.format(d);
}

/** Offers `text` as a download named `fileName`. */
export function downloadCsv(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

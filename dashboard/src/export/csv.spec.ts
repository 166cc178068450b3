import { describe, expect, it } from 'vitest';
import { csvCell, csvDateTime, toCsv } from './csv';

describe('csv', () => {
  it('starts with a BOM, quotes every cell, doubles quotes and ends lines with CRLF', () => {
    const text = toCsv([{ header: '申请人', cell: (r: { n: string }) => r.n }], [{ n: '王 "小明"' }]);
    expect(text).toBe('\uFEFF"申请人"\r\n"王 ""小明"""\r\n');
  });

  it('defuses cells a spreadsheet would run as a formula, but keeps negative numbers', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+86 10')).toBe(`"'+86 10"`);
    expect(csvCell('-1+1')).toBe(`"'-1+1"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell(-3)).toBe('"-3"');
    expect(csvCell(null)).toBe('""');
  });

  it('writes times in Asia/Shanghai', () => {
    expect(csvDateTime('2026-12-06T16:30:05Z')).toBe('2026-12-07 00:30:05');
    expect(csvDateTime(null)).toBe('');
  });
});

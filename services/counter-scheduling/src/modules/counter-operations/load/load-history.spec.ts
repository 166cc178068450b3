import { describe, expect, it } from 'vitest';
import { historySampleCount } from './load-history.service.js';

const at = (date: string, hhmm: string): Date => new Date(`${date}T${hhmm}:00+08:00`);

describe('load history samples', () => {
  it('today: one every bucket from 00:00 up to now, now included when it falls on a sample', () => {
    expect(historySampleCount('2026-03-02', 15, at('2026-03-02', '00:00'))).toBe(1);
    expect(historySampleCount('2026-03-02', 15, at('2026-03-02', '10:14'))).toBe(41);
    expect(historySampleCount('2026-03-02', 15, at('2026-03-02', '10:15'))).toBe(42);
    expect(historySampleCount('2026-03-02', 60, at('2026-03-02', '10:15'))).toBe(11);
  });

  it('a past day: the whole day (the last sample before midnight); a day to come: none', () => {
    expect(historySampleCount('2026-03-01', 15, at('2026-03-02', '10:00'))).toBe(96);
    expect(historySampleCount('2026-03-01', 7, at('2026-03-02', '10:00'))).toBe(206);
    expect(historySampleCount('2026-03-03', 15, at('2026-03-02', '10:00'))).toBe(0);
  });
});

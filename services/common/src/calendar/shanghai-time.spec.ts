import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  parseIsoDate,
  shanghaiDate,
  shanghaiDayEnd,
  shanghaiDayStart,
  weekday,
} from './shanghai-time.js';

describe('shanghaiDate', () => {
  it('puts midnight Shanghai at 16:00 UTC of the previous UTC day', () => {
    expect(shanghaiDate(new Date('2026-02-13T15:59:59.999Z'))).toBe('2026-02-13');
    expect(shanghaiDate(new Date('2026-02-13T16:00:00.000Z'))).toBe('2026-02-14');
  });

  it('treats 23:59 UTC as the next morning in Shanghai', () => {
    expect(shanghaiDate(new Date('2026-02-13T23:59:00Z'))).toBe('2026-02-14');
    expect(shanghaiDate(new Date('2026-12-31T23:59:00Z'))).toBe('2027-01-01');
  });

  it('ignores the host time zone and has no DST jumps', () => {
    // Mid-summer and mid-winter instants at 00:00 Shanghai map the same way.
    expect(shanghaiDate(new Date('2026-07-01T00:00:00+08:00'))).toBe('2026-07-01');
    expect(shanghaiDate(new Date('2026-01-01T00:00:00+08:00'))).toBe('2026-01-01');
    expect(shanghaiDate(new Date('2026-06-30T23:59:59.999+08:00'))).toBe('2026-06-30');
  });

  it('rejects an invalid Date', () => {
    expect(() => shanghaiDate(new Date('nope'))).toThrow(RangeError);
  });
});

describe('shanghaiDayStart / shanghaiDayEnd', () => {
  it('gives 00:00 +08:00 of the day and of the next day', () => {
    expect(shanghaiDayStart('2026-02-14').toISOString()).toBe('2026-02-13T16:00:00.000Z');
    expect(shanghaiDayEnd('2026-02-14').toISOString()).toBe('2026-02-14T16:00:00.000Z');
  });

  it('crosses month and year ends', () => {
    expect(shanghaiDayEnd('2026-12-31').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(shanghaiDayEnd('2028-02-28').getTime()).toBe(shanghaiDayStart('2028-02-29').getTime());
  });

  it('round-trips with shanghaiDate: the end instant belongs to the next day', () => {
    const end = shanghaiDayEnd('2026-10-07');
    expect(shanghaiDate(end)).toBe('2026-10-08');
    expect(shanghaiDate(new Date(end.getTime() - 1))).toBe('2026-10-07');
  });
});

describe('addCalendarDays', () => {
  it('moves across months, years and leap days, in both directions', () => {
    expect(addCalendarDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addCalendarDays('2028-02-27', 2)).toBe('2028-02-29');
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addCalendarDays('2026-01-01', 365)).toBe('2027-01-01');
    expect(addCalendarDays('2026-05-05', 0)).toBe('2026-05-05');
  });

  it('rejects a fractional or non-finite number of days', () => {
    expect(() => addCalendarDays('2026-01-01', 1.5)).toThrow(RangeError);
    expect(() => addCalendarDays('2026-01-01', Number.NaN)).toThrow(RangeError);
  });
});

describe('weekday', () => {
  it('numbers days from Sunday = 0', () => {
    expect(weekday('2026-02-14')).toBe(6); // Saturday, an adjusted working day
    expect(weekday('2026-02-15')).toBe(0);
    expect(weekday('2026-10-01')).toBe(4);
    expect(weekday('1970-01-01')).toBe(4);
    expect(weekday('1969-12-31')).toBe(3);
    expect(weekday('2000-02-29')).toBe(2);
  });
});

describe('parseIsoDate', () => {
  it('splits a valid date', () => {
    expect(parseIsoDate('2026-02-14')).toEqual({ year: 2026, month: 2, day: 14 });
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it.each([
    '2026-2-14',
    '2026-02-14T00:00',
    '2026-02-14Z',
    ' 2026-02-14',
    '20260214',
    '2026/02/14',
    '2026-02-30',
    '2025-02-29',
    '1900-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '0000-01-01',
    '',
  ])('rejects %j', (input) => {
    expect(() => parseIsoDate(input)).toThrow(RangeError);
  });

  it('rejects a value that is not a string', () => {
    expect(() => parseIsoDate(20260214 as unknown as string)).toThrow(RangeError);
  });
});

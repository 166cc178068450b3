import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { noticeToEntries, type HolidayNotice } from './holiday-notice.js';
import { BUNDLED_OFFICIAL_YEARS, buildOfficialData } from './official-data.js';
import { addCalendarDays, epochDayOf, shanghaiDate, shanghaiDayEnd, shanghaiDayStart } from './shanghai-time.js';
import { WorkingDayCalendar, type DayKind } from './working-day-calendar.js';

/** An instant given as Shanghai wall-clock time, e.g. `sh('2026-02-13T10:00')`. */
const sh = (local: string): Date => new Date(`${local}+08:00`);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const calendar = WorkingDayCalendar.fromOfficialData();

/** A made-up 2027 notice, shaped like the real ones (the real one is published in November 2026). */
const notice2027: HolidayNotice = {
  year: 2027,
  holidays: [
    { name: "New Year's Day", from: '2027-01-01', to: '2027-01-03' },
    { name: 'Spring Festival', from: '2027-02-06', to: '2027-02-14' },
    { name: 'National Day', from: '2027-10-01', to: '2027-10-07' },
  ],
  adjustedWorkdays: [
    { date: '2027-02-20', name: 'Spring Festival' },
    { date: '2027-09-26', name: 'National Day' },
    { date: '2027-10-09', name: 'National Day' },
  ],
};

/** mulberry32: a tiny seeded PRNG so the property checks are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Day-by-day reference for addWorkingDays, built only on isWorkingDay and calendar-day steps. */
function naiveDueDate(cal: WorkingDayCalendar, start: Date, n: number): string {
  let date = shanghaiDate(start);
  for (let left = n; left > 0;) {
    date = addCalendarDays(date, 1);
    if (cal.isWorkingDay(date)) left--;
  }
  return date;
}

describe('bundled official data (chinese-days)', () => {
  it('covers the contiguous years 2004 to 2026, derived from the data', () => {
    const expected = Array.from({ length: 2026 - 2004 + 1 }, (_, i) => 2004 + i);
    expect(BUNDLED_OFFICIAL_YEARS).toEqual(expected);
    expect(calendar.isOfficialYear(2004)).toBe(true);
    expect(calendar.isOfficialYear(2026)).toBe(true);
    expect(calendar.isOfficialYear(2003)).toBe(false);
    expect(calendar.isOfficialYear(2027)).toBe(false);
  });

  it('does not count a year as covered for New Year days that spill into it', () => {
    const data = buildOfficialData({
      holidays: {
        '2026-02-16': 'Spring Festival,春节,4',
        '2026-12-31': "New Year's Day,元旦,1",
        '2027-01-01': "New Year's Day,元旦,1",
        '2025-12-28': "New Year's Day,元旦,1",
      },
      workdays: { '2027-01-02': "New Year's Day,元旦,1" },
    });
    expect(data.years).toEqual([2026]);
    expect(data.days.get(epochDayOf('2026-02-16'))).toEqual({ kind: 'HOLIDAY', name: 'Spring Festival' });
    expect(data.days.get(epochDayOf('2027-01-02'))).toEqual({ kind: 'ADJUSTED_WORKDAY', name: "New Year's Day" });
    expect([...data.daysByYear.keys()].sort()).toEqual([2025, 2026, 2027]);
  });

  it('refuses raw data of an unexpected shape', () => {
    expect(() => buildOfficialData({ holidays: {} })).toThrow(/workdays/);
    expect(() => buildOfficialData({ holidays: { '2026-01-01': 1 }, workdays: {} })).toThrow(/holidays/);
    expect(() =>
      buildOfficialData({ holidays: { '2026-01-01': 'A,甲,1' }, workdays: { '2026-01-01': 'A,甲,1' } }),
    ).toThrow(/both a holiday and a working day/);
  });

  it('agrees with chinese-days isWorkday on every day it covers', () => {
    // The package's helper is fine where it has data; the calendar must match it there.
    const { isWorkday } = createRequire(import.meta.url)('chinese-days') as { isWorkday(d: Date): boolean };
    const mismatches: string[] = [];
    for (let date = '2004-01-01'; date <= '2026-12-31'; date = addCalendarDays(date, 1)) {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      // Local noon: the helper reads local-time fields, so this is right in any host time zone.
      if (calendar.isWorkingDay(date) !== isWorkday(new Date(y, m - 1, d, 12))) mismatches.push(date);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('day', () => {
  it.each<[string, DayKind, boolean, string | null]>([
    ['2026-02-13', 'WORKDAY', true, null],
    ['2026-02-14', 'ADJUSTED_WORKDAY', true, 'Spring Festival'],
    ['2026-02-15', 'HOLIDAY', false, 'Spring Festival'],
    ['2026-02-16', 'HOLIDAY', false, 'Spring Festival'],
    ['2026-02-23', 'HOLIDAY', false, 'Spring Festival'],
    ['2026-02-24', 'WORKDAY', true, null],
    ['2026-02-28', 'ADJUSTED_WORKDAY', true, 'Spring Festival'],
    ['2026-03-01', 'WEEKEND', false, null],
    ['2026-09-20', 'ADJUSTED_WORKDAY', true, 'National Day'],
    ['2026-09-27', 'HOLIDAY', false, 'Mid-autumn Festival'],
    ['2026-10-01', 'HOLIDAY', false, 'National Day'],
    ['2026-10-07', 'HOLIDAY', false, 'National Day'],
    ['2026-10-10', 'ADJUSTED_WORKDAY', true, 'National Day'],
    ['2026-01-04', 'ADJUSTED_WORKDAY', true, "New Year's Day"],
  ])('classifies %s as %s', (date, kind, working, name) => {
    expect(calendar.day(date)).toEqual({ date, kind, working, name, provisional: false });
    expect(calendar.isWorkingDay(date)).toBe(working);
  });

  it('falls back to the Mon–Fri rule in a year without a notice, and says it is provisional', () => {
    expect(calendar.day('2027-01-01')).toEqual({
      date: '2027-01-01',
      kind: 'WORKDAY',
      working: true,
      name: null,
      provisional: true,
    });
    expect(calendar.day('2027-01-02')).toMatchObject({ kind: 'WEEKEND', working: false, provisional: true });
  });

  it('rejects a malformed date', () => {
    expect(() => calendar.day('2026-02-30')).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('2026-2-3')).toThrow(RangeError);
  });
});

describe('month', () => {
  it('lists February 2026 with the Spring Festival changes', () => {
    const days = calendar.month(2026, 2);
    expect(days).toHaveLength(28);
    expect(days[0]!.date).toBe('2026-02-01');
    expect(days[27]!.date).toBe('2026-02-28');
    // 20 weekdays, minus the 6 weekday holidays (16–20, 23), plus Sat 14 and Sat 28.
    expect(days.filter((d) => d.working)).toHaveLength(16);
    expect(days.filter((d) => d.kind === 'HOLIDAY').map((d) => d.date.slice(8))).toEqual([
      '15',
      '16',
      '17',
      '18',
      '19',
      '20',
      '21',
      '22',
      '23',
    ]);
    expect(days.filter((d) => d.kind === 'ADJUSTED_WORKDAY').map((d) => d.date)).toEqual(['2026-02-14', '2026-02-28']);
  });

  it('handles a leap February and rejects a bad month', () => {
    expect(calendar.month(2028, 2)).toHaveLength(29);
    expect(calendar.month(2028, 2).every((d) => d.provisional)).toBe(true);
    expect(() => calendar.month(2026, 13)).toThrow(RangeError);
    expect(() => calendar.month(2026, 0)).toThrow(RangeError);
    expect(() => calendar.month(2026.5, 1)).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  const due = (start: Date, n: number): string => {
    const result = calendar.addWorkingDays(start, n);
    expect(result.provisional).toBe(false);
    return result.due.toISOString();
  };
  const endOf = (date: string): string => shanghaiDayEnd(date).toISOString();

  it('counts the adjusted Saturday before the Spring Festival', () => {
    expect(due(sh('2026-02-13T10:00'), 1)).toBe(endOf('2026-02-14'));
    expect(due(sh('2026-02-13T10:00'), 1)).toBe('2026-02-14T16:00:00.000Z');
  });

  it('jumps over the Spring Festival holidays', () => {
    expect(due(sh('2026-02-13T10:00'), 2)).toBe(endOf('2026-02-24'));
    expect(due(sh('2026-02-13T10:00'), 3)).toBe(endOf('2026-02-25'));
  });

  it('excludes the start day even when it is a working day, wherever in the day the clock starts', () => {
    expect(due(sh('2026-03-02T00:00'), 1)).toBe(endOf('2026-03-03'));
    expect(due(sh('2026-03-02T23:59:59.999'), 1)).toBe(endOf('2026-03-03'));
    // 23:59 UTC on Mon 2 March is already Tuesday morning in Shanghai.
    expect(due(new Date('2026-03-02T23:59:00Z'), 1)).toBe(endOf('2026-03-04'));
    expect(due(new Date('2026-03-02T15:59:00Z'), 1)).toBe(endOf('2026-03-03'));
  });

  it('jumps over National Day', () => {
    expect(due(sh('2026-09-30T10:00'), 1)).toBe(endOf('2026-10-08'));
  });

  it('starts on a holiday', () => {
    expect(due(sh('2026-02-16T09:00'), 1)).toBe(endOf('2026-02-24'));
    expect(due(sh('2026-10-03T09:00'), 1)).toBe(endOf('2026-10-08'));
    expect(due(sh('2026-10-03T09:00'), 3)).toBe(endOf('2026-10-10'));
  });

  it('starts on an adjusted Saturday', () => {
    expect(due(sh('2026-02-14T09:00'), 1)).toBe(endOf('2026-02-24'));
    expect(due(sh('2026-10-10T09:00'), 1)).toBe(endOf('2026-10-12'));
    // Sun 20 Sep is worked in exchange for National Day.
    expect(due(sh('2026-09-19T09:00'), 1)).toBe(endOf('2026-09-20'));
  });

  it('gives the 5-working-day issuance across Mid-autumn and National Day', () => {
    // Accepted Tue 29 Sep: Wed 30, Thu 8, Fri 9, Sat 10 (adjusted), Mon 12.
    expect(due(sh('2026-09-29T11:00'), 5)).toBe(endOf('2026-10-12'));
    // Accepted Thu 24 Sep: 25–27 are Mid-autumn; Mon 28, Tue 29, Wed 30, Thu 8, Fri 9.
    expect(due(sh('2026-09-24T16:30'), 5)).toBe(endOf('2026-10-09'));
  });

  it('crosses into 2026 over New Year with the adjusted Sunday 4 January', () => {
    expect(due(sh('2025-12-31T10:00'), 1)).toBe(endOf('2026-01-04'));
    expect(due(sh('2025-12-31T10:00'), 2)).toBe(endOf('2026-01-05'));
  });

  it('with n = 0 is due at the end of the start day', () => {
    expect(due(sh('2026-10-03T09:00'), 0)).toBe(endOf('2026-10-03'));
  });

  it('handles long clocks across many years', () => {
    const result = calendar.addWorkingDays(sh('2004-01-01T09:00'), 5000);
    expect(shanghaiDate(new Date(result.due.getTime() - 1))).toBe(naiveDueDate(calendar, sh('2004-01-01T09:00'), 5000));
    expect(result.provisional).toBe(false);
    expect(calendar.addWorkingDays(sh('2026-06-01T09:00'), 400).provisional).toBe(true);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects n = %s', (n) => {
    expect(() => calendar.addWorkingDays(sh('2026-02-13T10:00'), n)).toThrow(RangeError);
  });

  it('rejects an invalid start', () => {
    expect(() => calendar.addWorkingDays(new Date(Number.NaN), 1)).toThrow(RangeError);
  });

  it('matches a day-by-day walk for random starts and lengths (seeded)', () => {
    const random = prng(20260214);
    const from = sh('2025-06-01T00:00').getTime();
    const span = sh('2026-12-01T00:00').getTime() - from;
    for (let i = 0; i < 2000; i++) {
      const start = new Date(from + Math.floor(random() * span));
      const n = Math.floor(random() * 40);
      const { due: dueAt } = calendar.addWorkingDays(start, n);
      const dueDay = shanghaiDate(new Date(dueAt.getTime() - 1));
      expect(dueDay).toBe(naiveDueDate(calendar, start, n));
      expect(dueAt.getTime()).toBe(shanghaiDayEnd(dueDay).getTime());
      // The due day is the nth working day: counting back from just before the due gives n.
      expect(calendar.workingDaysBetween(start, new Date(dueAt.getTime() - 1))).toBe(n);
    }
  });
});

describe('workingDaysBetween', () => {
  it('counts working days after a’s day up to and including b’s day', () => {
    expect(calendar.workingDaysBetween(sh('2026-02-13T10:00'), sh('2026-02-24T09:00'))).toBe(2);
    expect(calendar.workingDaysBetween(sh('2026-02-13T10:00'), sh('2026-02-23T23:59'))).toBe(1);
    expect(calendar.workingDaysBetween(sh('2026-09-29T11:00'), sh('2026-10-12T08:00'))).toBe(5);
    expect(calendar.workingDaysBetween(sh('2026-09-30T18:00'), sh('2026-10-07T18:00'))).toBe(0);
    expect(calendar.workingDaysBetween(sh('2026-10-01T09:00'), sh('2026-10-01T18:00'))).toBe(0);
  });

  it('counts across years (2025 → 2026) and is antisymmetric', () => {
    // Jan 2026: 1–3 holidays, Sun 4 worked; weekdays 5–9 → 6 working days after Wed 31 Dec.
    expect(calendar.workingDaysBetween(sh('2025-12-31T10:00'), sh('2026-01-09T10:00'))).toBe(6);
    expect(calendar.workingDaysBetween(sh('2026-01-09T10:00'), sh('2025-12-31T10:00'))).toBe(-6);
    // From 31 Dec 2025 to 31 Dec 2026: every working day of 2026, as month() lists them.
    let working = 0;
    for (let m = 1; m <= 12; m++) working += calendar.month(2026, m).filter((d) => d.working).length;
    expect(calendar.workingDaysBetween(sh('2025-12-31T12:00'), sh('2026-12-31T12:00'))).toBe(working);
  });
});

describe('workingDaysBetween over many years', () => {
  it('equals the sum of the working days month() lists, from 2004 to 2026', () => {
    let working = 0;
    for (let y = 2004; y <= 2026; y++) {
      for (let m = 1; m <= 12; m++) working += calendar.month(y, m).filter((d) => d.working).length;
    }
    expect(calendar.workingDaysBetween(sh('2003-12-31T12:00'), sh('2026-12-31T12:00'))).toBe(working);
    // …which is the working part of the same span, in whole days.
    expect(calendar.workingMillisBetween(shanghaiDayStart('2004-01-01'), shanghaiDayEnd('2026-12-31'))).toBe(
      working * DAY,
    );
  });
});

describe('workingMillisBetween / addWorkingMillis', () => {
  it('counts all 24 hours of working days only', () => {
    // Wed 30 Sep 12:00 → Thu 8 Oct 06:00: 12 h on the 30th + 6 h on the 8th.
    expect(calendar.workingMillisBetween(sh('2026-09-30T12:00'), sh('2026-10-08T06:00'))).toBe(18 * HOUR);
    expect(calendar.workingMillisBetween(sh('2026-10-02T12:00'), sh('2026-10-06T12:00'))).toBe(0);
    expect(calendar.workingMillisBetween(sh('2026-03-02T09:00'), sh('2026-03-02T17:30'))).toBe(8.5 * HOUR);
    // Fri 13 Feb 00:00 to the end of Tue 24 Feb: Fri, adjusted Sat 14, Tue 24.
    expect(calendar.workingMillisBetween(sh('2026-02-13T00:00'), shanghaiDayEnd('2026-02-24'))).toBe(3 * DAY);
  });

  it('is negative once the end is before the start (overdue)', () => {
    expect(calendar.workingMillisBetween(sh('2026-10-08T06:00'), sh('2026-09-30T12:00'))).toBe(-18 * HOUR);
  });

  it('puts the 50% and 75% warning points of a 5-working-day clock across National Day', () => {
    const start = sh('2026-09-29T12:00');
    const { due } = calendar.addWorkingDays(start, 5);
    const total = calendar.workingMillisBetween(start, due);
    // Rest of Tue 29 (12 h) + Wed 30, Thu 8, Fri 9, Sat 10, Mon 12 (5 × 24 h).
    expect(total).toBe(12 * HOUR + 5 * DAY);
    expect(calendar.addWorkingMillis(start, total / 2).toISOString()).toBe(sh('2026-10-09T06:00').toISOString());
    expect(calendar.addWorkingMillis(start, total * 0.75).toISOString()).toBe(sh('2026-10-10T15:00').toISOString());
    expect(calendar.addWorkingMillis(start, total).getTime()).toBe(due.getTime());
  });

  it('returns the earliest instant: a span ending at a day boundary gives that day’s exclusive end', () => {
    // 12 h from Wed 30 Sep 12:00 ends at 00:00 on 1 Oct, not at 00:00 on 8 Oct.
    expect(calendar.addWorkingMillis(sh('2026-09-30T12:00'), 12 * HOUR).toISOString()).toBe(
      shanghaiDayEnd('2026-09-30').toISOString(),
    );
    expect(calendar.addWorkingMillis(sh('2026-09-30T12:00'), 12 * HOUR + 1).toISOString()).toBe(
      new Date(shanghaiDayStart('2026-10-08').getTime() + 1).toISOString(),
    );
    // From a holiday, time starts on the next working day.
    expect(calendar.addWorkingMillis(sh('2026-10-03T15:00'), HOUR).toISOString()).toBe(
      sh('2026-10-08T01:00').toISOString(),
    );
    expect(calendar.addWorkingMillis(sh('2026-10-03T15:00'), 0).toISOString()).toBe(
      sh('2026-10-03T15:00').toISOString(),
    );
  });

  it('rejects a negative or non-finite amount', () => {
    expect(() => calendar.addWorkingMillis(sh('2026-10-03T15:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingMillis(sh('2026-10-03T15:00'), Number.NaN)).toThrow(RangeError);
    expect(() => calendar.addWorkingMillis(sh('2026-10-03T15:00'), Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('round-trips for random starts and amounts (seeded)', () => {
    const random = prng(42);
    const from = sh('2025-01-01T00:00').getTime();
    const span = sh('2026-11-01T00:00').getTime() - from;
    for (let i = 0; i < 3000; i++) {
      const start = new Date(from + Math.floor(random() * span));
      // Mostly sub-day and exact-day amounts, which hit the boundaries, plus arbitrary ones.
      const pick = random();
      const ms =
        pick < 0.2
          ? Math.floor(random() * 10) * DAY
          : pick < 0.4
            ? Math.floor(random() * DAY)
            : Math.floor(random() * 30 * DAY);
      const end = calendar.addWorkingMillis(start, ms);
      expect(calendar.workingMillisBetween(start, end)).toBe(ms);
      if (ms > 0) {
        // Earliest: one millisecond sooner, not all the time has elapsed yet.
        expect(calendar.workingMillisBetween(start, new Date(end.getTime() - 1))).toBe(ms - 1);
      }
      // The other way round: from any instant, the inverse lands at or before it with no
      // working time in between.
      const other = new Date(start.getTime() + Math.floor(random() * 40 * DAY));
      const back = calendar.addWorkingMillis(start, calendar.workingMillisBetween(start, other));
      expect(back.getTime()).toBeLessThanOrEqual(other.getTime());
      expect(calendar.workingMillisBetween(back, other)).toBe(0);
    }
  });
});

describe('provisional years and loading a notice', () => {
  const start = sh('2026-12-31T10:00');

  it('marks a 2027 deadline provisional while 2027 is not loaded', () => {
    const result = calendar.addWorkingDays(start, 1);
    // Without a notice, Fri 1 Jan 2027 counts as a working day.
    expect(result).toEqual({ due: shanghaiDayEnd('2027-01-01'), provisional: true });
    expect(calendar.isProvisionalBetween(start, result.due)).toBe(true);
  });

  it('is not provisional and moves the due once the 2027 notice is loaded', () => {
    const loaded = WorkingDayCalendar.fromOfficialData({ loadedYears: [2027], entries: noticeToEntries(notice2027) });
    expect(loaded.isOfficialYear(2027)).toBe(true);
    const result = loaded.addWorkingDays(start, 1);
    expect(result).toEqual({ due: shanghaiDayEnd('2027-01-04'), provisional: false });
    expect(loaded.isProvisionalBetween(start, result.due)).toBe(false);
    expect(loaded.day('2027-01-01')).toEqual({
      date: '2027-01-01',
      kind: 'HOLIDAY',
      working: false,
      name: "New Year's Day",
      provisional: false,
    });
    // Spring Festival 2027: 6–14 Feb off, so Fri 5 Feb + 1 lands on Mon 15 Feb instead of Mon 8 Feb.
    expect(calendar.addWorkingDays(sh('2027-02-05T10:00'), 1).due).toEqual(shanghaiDayEnd('2027-02-08'));
    expect(loaded.addWorkingDays(sh('2027-02-05T10:00'), 1).due).toEqual(shanghaiDayEnd('2027-02-15'));
    expect(loaded.isWorkingDay('2027-02-20')).toBe(true);
    // 2028 is still unknown.
    expect(loaded.addWorkingDays(sh('2027-12-30T10:00'), 2).provisional).toBe(true);
  });

  it('entries alone do not make a year official', () => {
    const cal = WorkingDayCalendar.fromOfficialData({ loadedYears: [], entries: noticeToEntries(notice2027) });
    expect(cal.isOfficialYear(2027)).toBe(false);
    expect(cal.addWorkingDays(start, 1)).toEqual({ due: shanghaiDayEnd('2027-01-04'), provisional: true });
  });

  it('isProvisionalBetween treats the end as exclusive, so a due at 00:00 on 1 January stays in its year', () => {
    expect(calendar.isProvisionalBetween(sh('2026-12-30T10:00'), shanghaiDayEnd('2026-12-31'))).toBe(false);
    expect(
      calendar.isProvisionalBetween(sh('2026-12-30T10:00'), new Date(shanghaiDayEnd('2026-12-31').getTime() + 1)),
    ).toBe(true);
    expect(calendar.isProvisionalBetween(sh('2027-03-01T10:00'), sh('2026-03-01T10:00'))).toBe(true);
    expect(calendar.isProvisionalBetween(sh('2003-12-31T10:00'), sh('2004-01-02T10:00'))).toBe(true);
    expect(calendar.isProvisionalBetween(sh('2027-03-01T10:00'), sh('2027-03-01T10:00'))).toBe(false);
  });

  it('addWorkingDays does not count the start day’s year when only the start is provisional', () => {
    // Starting on 31 Dec 2003 (no bundled notice) and landing in 2004 consults only 2004 days.
    expect(calendar.addWorkingDays(sh('2003-12-31T10:00'), 1).provisional).toBe(false);
    expect(calendar.addWorkingDays(sh('2003-12-30T10:00'), 1).provisional).toBe(true);
  });
});

describe('database entries', () => {
  it('a CLOSURE makes a weekday non-working and pushes deadlines', () => {
    const cal = WorkingDayCalendar.fromOfficialData({
      loadedYears: [],
      entries: [{ date: '2026-03-10', kind: 'CLOSURE', name: 'Sandstorm closure' }],
    });
    expect(cal.day('2026-03-10')).toEqual({
      date: '2026-03-10',
      kind: 'CLOSURE',
      working: false,
      name: 'Sandstorm closure',
      provisional: false,
    });
    expect(calendar.addWorkingDays(sh('2026-03-09T10:00'), 1).due).toEqual(shanghaiDayEnd('2026-03-10'));
    expect(cal.addWorkingDays(sh('2026-03-09T10:00'), 1).due).toEqual(shanghaiDayEnd('2026-03-11'));
    expect(cal.workingMillisBetween(sh('2026-03-09T12:00'), sh('2026-03-11T12:00'))).toBe(24 * HOUR);
    // The shared default calendar is untouched.
    expect(calendar.isWorkingDay('2026-03-10')).toBe(true);
  });

  it('a CLOSURE overrides an official adjusted working day', () => {
    const cal = WorkingDayCalendar.fromOfficialData({
      loadedYears: [],
      entries: [{ date: '2026-02-14', kind: 'CLOSURE' }],
    });
    expect(cal.day('2026-02-14')).toMatchObject({ kind: 'CLOSURE', working: false, name: null });
    expect(cal.addWorkingDays(sh('2026-02-13T10:00'), 1).due).toEqual(shanghaiDayEnd('2026-02-24'));
  });

  it('overrides chinese-days in both directions', () => {
    const cal = WorkingDayCalendar.fromOfficialData({
      loadedYears: [],
      entries: [
        { date: '2026-10-02', kind: 'ADJUSTED_WORKDAY', name: 'Correction' },
        { date: '2026-09-20', kind: 'HOLIDAY', name: 'Correction' },
        { date: '2026-03-07', kind: 'ADJUSTED_WORKDAY' },
      ],
    });
    expect(cal.day('2026-10-02')).toMatchObject({ kind: 'ADJUSTED_WORKDAY', working: true, name: 'Correction' });
    expect(cal.day('2026-09-20')).toMatchObject({ kind: 'HOLIDAY', working: false });
    expect(cal.day('2026-03-07')).toMatchObject({ kind: 'ADJUSTED_WORKDAY', working: true, name: null });
    expect(cal.addWorkingDays(sh('2026-09-30T10:00'), 1).due).toEqual(shanghaiDayEnd('2026-10-02'));
  });

  it('the most restrictive of several entries for one date wins, whatever their order', () => {
    for (const entries of [
      [
        { date: '2026-02-14', kind: 'ADJUSTED_WORKDAY' as const },
        { date: '2026-02-14', kind: 'CLOSURE' as const, name: 'Closure' },
      ],
      [
        { date: '2026-02-14', kind: 'CLOSURE' as const, name: 'Closure' },
        { date: '2026-02-14', kind: 'ADJUSTED_WORKDAY' as const },
      ],
    ]) {
      const cal = WorkingDayCalendar.fromOfficialData({ loadedYears: [], entries });
      expect(cal.day('2026-02-14')).toMatchObject({ kind: 'CLOSURE', working: false, name: 'Closure' });
    }
  });

  it('a CLOSURE in a provisional year keeps it provisional', () => {
    const cal = WorkingDayCalendar.fromOfficialData({
      loadedYears: [],
      entries: [{ date: '2027-03-02', kind: 'CLOSURE' }],
    });
    expect(cal.addWorkingDays(sh('2027-03-01T10:00'), 1)).toEqual({
      due: shanghaiDayEnd('2027-03-03'),
      provisional: true,
    });
  });

  it('rejects malformed data, listing every problem', () => {
    let error: unknown;
    try {
      WorkingDayCalendar.fromOfficialData({
        loadedYears: [2027.5],
        entries: [
          { date: '2026-02-30', kind: 'CLOSURE' },
          { date: '2026-03-01', kind: 'DAY_OFF' as unknown as 'CLOSURE' },
        ],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    const message = (error as Error).message;
    expect(message).toContain('2027.5');
    expect(message).toContain('entries[0].date');
    expect(message).toContain('entries[1].kind');
  });
});

import { describe, expect, it } from 'vitest';
import { HolidayNoticeError, noticeToEntries, parseHolidayNotice, type HolidayNotice } from './holiday-notice.js';
import { OFFICIAL_DAYS } from './official-data.js';
import { addCalendarDays, epochDayOf } from './shanghai-time.js';

/** The real 2023 notice (国办发明电〔2022〕16号), whose New Year's span starts in 2022. */
const notice2023: HolidayNotice = {
  year: 2023,
  holidays: [
    { name: "New Year's Day", from: '2022-12-31', to: '2023-01-02' },
    { name: 'Spring Festival', from: '2023-01-21', to: '2023-01-27' },
    { name: 'Tomb-sweeping Day', from: '2023-04-05', to: '2023-04-05' },
    { name: 'Labour Day', from: '2023-04-29', to: '2023-05-03' },
    { name: 'Dragon Boat Festival', from: '2023-06-22', to: '2023-06-24' },
    { name: 'Mid-autumn Festival and National Day', from: '2023-09-29', to: '2023-10-06' },
  ],
  adjustedWorkdays: [
    { date: '2023-01-28', name: 'Spring Festival' },
    { date: '2023-01-29', name: 'Spring Festival' },
    { date: '2023-04-23', name: 'Labour Day' },
    { date: '2023-05-06', name: 'Labour Day' },
    { date: '2023-06-25', name: 'Dragon Boat Festival' },
    { date: '2023-10-07', name: 'Mid-autumn Festival and National Day' },
    { date: '2023-10-08', name: 'Mid-autumn Festival and National Day' },
  ],
};

function problemsOf(input: unknown): string[] {
  try {
    parseHolidayNotice(input);
  } catch (error) {
    expect(error).toBeInstanceOf(HolidayNoticeError);
    expect(error).toBeInstanceOf(Error);
    return (error as HolidayNoticeError).problems;
  }
  throw new Error('expected the notice to be rejected');
}

const valid = (): HolidayNotice => structuredClone(notice2023);

describe('parseHolidayNotice', () => {
  it('accepts the real 2023 notice and returns a copy', () => {
    const input = valid();
    const parsed = parseHolidayNotice(input);
    expect(parsed).toEqual(notice2023);
    expect(parsed).not.toBe(input);
  });

  it('trims names and drops a null adjusted-day name', () => {
    const parsed = parseHolidayNotice({
      year: 2027,
      holidays: [{ name: '  National Day ', from: '2027-10-01', to: '2027-10-07' }],
      adjustedWorkdays: [{ date: '2027-10-09', name: null }],
    });
    expect(parsed).toEqual({
      year: 2027,
      holidays: [{ name: 'National Day', from: '2027-10-01', to: '2027-10-07' }],
      adjustedWorkdays: [{ date: '2027-10-09' }],
    });
  });

  it('lets a New Year span run up to 7 January of the next year, not beyond', () => {
    const base = { year: 2027, adjustedWorkdays: [] };
    expect(() =>
      parseHolidayNotice({ ...base, holidays: [{ name: "New Year's Day", from: '2027-12-31', to: '2028-01-07' }] }),
    ).not.toThrow();
    expect(
      problemsOf({ ...base, holidays: [{ name: "New Year's Day", from: '2027-12-31', to: '2028-01-08' }] }),
    ).toEqual([expect.stringMatching(/^holidays\[0\]\.to: 2028-01-08 is outside the 2027 notice/)]);
  });

  it('rejects a holiday wholly in the previous year', () => {
    expect(
      problemsOf({ year: 2023, holidays: [{ name: 'X', from: '2022-12-26', to: '2022-12-27' }], adjustedWorkdays: [] }),
    ).toEqual([expect.stringMatching(/^holidays\[0\]\.to: 2022-12-27 is outside the 2023 notice/)]);
  });

  it('rejects holidays that share a single day', () => {
    expect(
      problemsOf({
        year: 2027,
        holidays: [
          { name: 'Labour Day', from: '2027-05-01', to: '2027-05-05' },
          { name: 'Extra', from: '2027-05-05', to: '2027-05-05' },
        ],
        adjustedWorkdays: [],
      }),
    ).toEqual(['holidays[0] (Labour Day, 2027-05-01 to 2027-05-05 (5 days)) overlaps holidays[1] (Extra, 2027-05-05)']);
  });

  it('lists every problem at once, not just the first', () => {
    const problems = problemsOf({
      year: 2027,
      source: 'gov.cn',
      holidays: [
        { name: 'Spring Festival', from: '2027-02-06', to: '2027-02-14' },
        { name: 'Overlapping', from: '2027-02-13', to: '2027-02-16' },
        { name: '', from: '2027-02-30', to: '2027-05-01' },
        { name: 'Backwards', from: '2027-06-10', to: '2027-06-08' },
        { name: 'Wrong year', from: '2026-10-01', to: '2026-10-07' },
        'Qingming',
      ],
      adjustedWorkdays: [
        { date: '2027-03-10' }, // Wednesday
        { date: '2027-02-07' }, // Sunday, but inside the Spring Festival
        { date: '2027-09-26', name: 'National Day' },
        { date: '2027-09-26' }, // duplicate
        { date: '2028-01-01' }, // Saturday, but next year
        { date: '27-10-09', note: 'x' },
      ],
    });
    expect(problems).toEqual([
      'notice: unknown field "source" (expected year, holidays, adjustedWorkdays)',
      'holidays[2].name: must be a non-empty text, got ""',
      'holidays[2].from: "2027-02-30" is not a valid date in the form YYYY-MM-DD',
      'holidays[3]: from 2027-06-10 is after to 2027-06-08',
      "holidays[4].from: 2026-10-01 is outside the 2027 notice (dates fall in 2027; only a New Year's span may reach back to 2026-12-25 or forward to 2028-01-07)",
      "holidays[4].to: 2026-10-07 is outside the 2027 notice (dates fall in 2027; only a New Year's span may reach back to 2026-12-25 or forward to 2028-01-07)",
      'holidays[5]: must be an object { name, from, to }',
      'holidays[0] (Spring Festival, 2027-02-06 to 2027-02-14 (9 days)) overlaps holidays[1] (Overlapping, 2027-02-13 to 2027-02-16 (4 days))',
      'adjustedWorkdays[0].date: 2027-03-10 is a Wednesday; an adjusted working day is always a Saturday or Sunday',
      'adjustedWorkdays[1].date: 2027-02-07 is inside holidays[0] (Spring Festival, 2027-02-06 to 2027-02-14 (9 days))',
      'adjustedWorkdays[3].date: 2027-09-26 is already listed as adjustedWorkdays[2]',
      "adjustedWorkdays[4].date: 2028-01-01 is outside the 2027 notice (dates fall in 2027; only a New Year's span may reach back to 2026-12-25 or forward to 2028-01-07)",
      'adjustedWorkdays[5]: unknown field "note" (expected date, name)',
      'adjustedWorkdays[5].date: "27-10-09" is not a valid date in the form YYYY-MM-DD',
    ]);
  });

  it('puts every problem in the error message too', () => {
    const error = (() => {
      try {
        parseHolidayNotice({ year: 1999, holidays: [], adjustedWorkdays: {} });
      } catch (e) {
        return e as HolidayNoticeError;
      }
      throw new Error('expected a rejection');
    })();
    expect(error.name).toBe('HolidayNoticeError');
    expect(error.problems).toHaveLength(3);
    expect(error.message).toContain('3 problems');
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  it.each([
    [2026.5, 'year: 2026.5 is not a whole year between 2000 and 2100'],
    ['2027', 'year: "2027" is not a whole year between 2000 and 2100'],
    [2101, 'year: 2101 is not a whole year between 2000 and 2100'],
    [undefined, 'year: nothing is not a whole year between 2000 and 2100'],
  ])('rejects year %j', (year, problem) => {
    expect(problemsOf({ ...valid(), year })).toEqual([problem]);
  });

  it.each([null, 'notice', 42, [notice2023]])('rejects %j, which is not an object', (input) => {
    expect(problemsOf(input)).toEqual(['the notice must be an object with year, holidays and adjustedWorkdays']);
  });

  it('rejects missing lists', () => {
    expect(problemsOf({ year: 2027 })).toEqual([
      'holidays: must be a list of { name, from, to }',
      'adjustedWorkdays: must be a list of { date, name? } (empty if the notice moves no weekend days)',
    ]);
  });
});

describe('noticeToEntries', () => {
  it('expands the real 2023 notice into exactly the official 2023 data', () => {
    const entries = noticeToEntries(notice2023);
    expect(entries).toHaveLength(27 + 7);
    expect(entries.map((e) => e.date)).toEqual([...entries.map((e) => e.date)].sort());
    expect(entries[0]).toEqual({ date: '2022-12-31', kind: 'HOLIDAY', name: "New Year's Day" });

    const fromNotice = new Map(entries.map((e) => [e.date, e.kind]));
    const mismatches: string[] = [];
    for (let date = '2022-12-25'; date <= '2023-12-31'; date = addCalendarDays(date, 1)) {
      const official = OFFICIAL_DAYS.get(epochDayOf(date))?.kind;
      if (fromNotice.get(date) !== official) mismatches.push(`${date}: ${fromNotice.get(date)} vs ${official}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('names adjusted working days, or leaves the name null', () => {
    const entries = noticeToEntries({
      year: 2027,
      holidays: [{ name: 'Tomb-sweeping Day', from: '2027-04-05', to: '2027-04-05' }],
      adjustedWorkdays: [{ date: '2027-04-10' }],
    });
    expect(entries).toEqual([
      { date: '2027-04-05', kind: 'HOLIDAY', name: 'Tomb-sweeping Day' },
      { date: '2027-04-10', kind: 'ADJUSTED_WORKDAY', name: null },
    ]);
  });

  it('refuses an invalid notice even when it is typed', () => {
    expect(() =>
      noticeToEntries({
        year: 2027,
        holidays: [{ name: 'X', from: '2027-05-05', to: '2027-05-01' }],
        adjustedWorkdays: [],
      }),
    ).toThrow(HolidayNoticeError);
  });
});

import { describe, expect, it } from 'vitest';
import { WorkingDayCalendar } from '@onestop/common';
import {
  closingTime,
  daySchedule,
  exceptionProblems,
  isOpenAt,
  openingHoursProblems,
  parseHhmm,
  slotsOfDay,
  type HoursException,
  type OpeningHours,
} from './opening-hours.js';

const WEEKDAYS: OpeningHours[] = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' }));
const WITH_SATURDAY: OpeningHours[] = [...WEEKDAYS, { weekday: 6, opens: '09:00', closes: '12:00' }];
const calendar = WorkingDayCalendar.fromOfficialData();

const at = (date: string, hhmm: string): Date => new Date(`${date}T${hhmm}:00+08:00`);
const exception = (date: string, e: Partial<HoursException>): HoursException => ({
  date,
  closed: false,
  opens: null,
  closes: null,
  reason: 'test',
  ...e,
});

describe('opening hours validation', () => {
  it('parses HH:MM and rejects anything else', () => {
    expect(parseHhmm('09:30')).toBe(570);
    expect(parseHhmm('23:59')).toBe(1439);
    for (const bad of ['9:30', '24:00', '12:60', '0930', '', '09:30:00']) expect(parseHhmm(bad)).toBeNull();
  });

  it('lists every problem of a week at once', () => {
    const problems = openingHoursProblems([
      { weekday: 7, opens: '09:00', closes: '17:00' },
      { weekday: 1, opens: '9am', closes: '25:00' },
      { weekday: 2, opens: '17:00', closes: '09:00' },
      { weekday: 3, opens: '09:00', closes: '12:30' },
      { weekday: 3, opens: '12:00', closes: '17:00' },
    ]);
    expect(problems).toEqual([
      'openingHours[0].weekday must be 0 (Sunday) to 6 (Saturday), got 7',
      'openingHours[1].opens must be HH:MM (00:00–23:59), got "9am"',
      'openingHours[1].closes must be HH:MM (00:00–23:59), got "25:00"',
      'openingHours[2]: opens (17:00) must be before closes (09:00)',
      'openingHours[3] and openingHours[4] overlap on the same weekday',
    ]);
    expect(openingHoursProblems(WITH_SATURDAY)).toEqual([]);
    expect(
      openingHoursProblems([
        { weekday: 1, opens: '09:00', closes: '12:00' },
        { weekday: 1, opens: '13:30', closes: '17:00' },
      ]),
    ).toEqual([]);
  });

  it('an exception is a closure without hours, or valid hours', () => {
    expect(exceptionProblems({ closed: true })).toEqual([]);
    expect(exceptionProblems({ closed: true, opens: '09:00' })).toHaveLength(1);
    expect(exceptionProblems({ closed: false, opens: '09:00', closes: '12:00' })).toEqual([]);
    expect(exceptionProblems({ closed: false, opens: '12:00', closes: '09:00' })).toEqual([
      'opens (12:00) must be before closes (09:00)',
    ]);
    expect(exceptionProblems({ closed: false })).toHaveLength(2);
  });
});

describe('which days a counter opens (2026 official calendar)', () => {
  it('an ordinary weekday follows the weekly hours', () => {
    const d = daySchedule(WEEKDAYS, undefined, calendar, '2026-02-24');
    expect(d).toEqual({ date: '2026-02-24', intervals: [{ opens: 540, closes: 1020 }], reason: 'opening hours' });
  });

  it('Spring Festival 2026 (15–23 Feb) closes every counter, even on its Saturday', () => {
    for (const date of ['2026-02-16', '2026-02-17', '2026-02-20', '2026-02-23']) {
      const d = daySchedule(WITH_SATURDAY, undefined, calendar, date);
      expect(d.intervals, date).toEqual([]);
      expect(d.reason).toBe('public holiday: Spring Festival');
    }
    expect(daySchedule(WITH_SATURDAY, undefined, calendar, '2026-02-21').intervals).toEqual([]);
  });

  it('National Day 2026 (1–7 Oct) closes every counter', () => {
    for (const date of ['2026-10-01', '2026-10-03', '2026-10-05', '2026-10-07']) {
      const d = daySchedule(WITH_SATURDAY, undefined, calendar, date);
      expect(d.intervals, date).toEqual([]);
      expect(d.reason).toBe('public holiday: National Day');
    }
    expect(daySchedule(WEEKDAYS, undefined, calendar, '2026-10-08').intervals).toHaveLength(1);
  });

  it('an adjusted working Saturday opens only counters whose hours include Saturday, with their Saturday hours', () => {
    for (const date of ['2026-02-14', '2026-10-10']) {
      const weekdayOnly = daySchedule(WEEKDAYS, undefined, calendar, date);
      expect(weekdayOnly.intervals, date).toEqual([]);
      expect(weekdayOnly.reason).toBe('adjusted working day, but the counter has no hours on this weekday');
      const saturday = daySchedule(WITH_SATURDAY, undefined, calendar, date);
      expect(saturday.intervals).toEqual([{ opens: 540, closes: 720 }]);
      expect(saturday.reason).toBe('opening hours (adjusted working day)');
    }
  });

  it('opening hours are not working days: a Saturday counter opens on an ordinary Saturday', () => {
    expect(calendar.isWorkingDay('2026-03-07')).toBe(false);
    expect(daySchedule(WITH_SATURDAY, undefined, calendar, '2026-03-07').intervals).toEqual([
      { opens: 540, closes: 720 },
    ]);
    expect(daySchedule(WEEKDAYS, undefined, calendar, '2026-03-07').intervals).toEqual([]);
  });

  it("a manager's exception decides its date: a closure on a working day, special hours even on a holiday", () => {
    const closed = daySchedule(
      WEEKDAYS,
      exception('2026-12-24', { closed: true, reason: 'staff training' }),
      calendar,
      '2026-12-24',
    );
    expect(closed).toEqual({ date: '2026-12-24', intervals: [], reason: 'closed: staff training' });
    const special = daySchedule(
      WEEKDAYS,
      exception('2026-10-02', { opens: '10:00', closes: '12:00', reason: 'expo' }),
      calendar,
      '2026-10-02',
    );
    expect(special).toEqual({
      date: '2026-10-02',
      intervals: [{ opens: 600, closes: 720 }],
      reason: 'special hours: expo',
    });
    const saturday = daySchedule(
      WEEKDAYS,
      exception('2026-03-07', { opens: '09:00', closes: '11:00', reason: 'Saturday opening' }),
      calendar,
      '2026-03-07',
    );
    expect(saturday.intervals).toEqual([{ opens: 540, closes: 660 }]);
  });

  it('a closure in the official calendar closes every counter', () => {
    const withClosure = WorkingDayCalendar.fromOfficialData({
      loadedYears: [],
      entries: [{ date: '2026-12-23', kind: 'CLOSURE', name: 'snowstorm' }],
    });
    expect(daySchedule(WEEKDAYS, undefined, withClosure, '2026-12-23')).toEqual({
      date: '2026-12-23',
      intervals: [],
      reason: 'closure: snowstorm',
    });
  });
});

describe('slots', () => {
  it('cuts each interval into slots and drops a slot that would run past closing', () => {
    const day = daySchedule(WITH_SATURDAY, undefined, calendar, '2026-03-07');
    const slots = slotsOfDay(day, 45);
    expect(slots.map((s) => s.start.toISOString())).toEqual([
      at('2026-03-07', '09:00').toISOString(),
      at('2026-03-07', '09:45').toISOString(),
      at('2026-03-07', '10:30').toISOString(),
      at('2026-03-07', '11:15').toISOString(),
    ]);
    expect(slots[3]!.end).toEqual(at('2026-03-07', '12:00'));
    expect(slotsOfDay(daySchedule(WEEKDAYS, undefined, calendar, '2026-02-24'), 30)).toHaveLength(16);
  });

  it('respects a lunch break, and a closed day has no slots', () => {
    const hours: OpeningHours[] = [
      { weekday: 2, opens: '09:00', closes: '11:00' },
      { weekday: 2, opens: '13:00', closes: '14:00' },
    ];
    const slots = slotsOfDay(daySchedule(hours, undefined, calendar, '2026-02-24'), 60);
    expect(slots.map((s) => s.start)).toEqual([
      at('2026-02-24', '09:00'),
      at('2026-02-24', '10:00'),
      at('2026-02-24', '13:00'),
    ]);
    expect(slotsOfDay(daySchedule(hours, undefined, calendar, '2026-02-17'), 60)).toEqual([]);
  });

  it('knows whether a counter is open at an instant', () => {
    const day = daySchedule(WEEKDAYS, undefined, calendar, '2026-02-24');
    expect(isOpenAt(day, at('2026-02-24', '08:59'))).toBe(false);
    expect(isOpenAt(day, at('2026-02-24', '09:00'))).toBe(true);
    expect(isOpenAt(day, at('2026-02-24', '16:59'))).toBe(true);
    expect(isOpenAt(day, at('2026-02-24', '17:00'))).toBe(false);
  });
});

describe('closing time', () => {
  it('is the end of the last interval of the day, after a lunch break too', () => {
    const lunch: OpeningHours[] = [
      { weekday: 1, opens: '09:00', closes: '12:00' },
      { weekday: 1, opens: '13:30', closes: '17:30' },
    ];
    expect(closingTime(daySchedule(lunch, undefined, calendar, '2026-03-02'))).toEqual(at('2026-03-02', '17:30'));
    expect(closingTime(daySchedule(WITH_SATURDAY, undefined, calendar, '2026-03-07'))).toEqual(
      at('2026-03-07', '12:00'),
    );
  });

  it('follows an exception’s special hours, and a day without hours is closed from its start', () => {
    const late = exception('2026-03-02', { opens: '10:00', closes: '19:00' });
    expect(closingTime(daySchedule(WEEKDAYS, late, calendar, '2026-03-02'))).toEqual(at('2026-03-02', '19:00'));
    const closed = exception('2026-03-02', { closed: true });
    expect(closingTime(daySchedule(WEEKDAYS, closed, calendar, '2026-03-02'))).toEqual(at('2026-03-02', '00:00'));
    // Spring Festival 2026: a holiday closes every counter.
    expect(closingTime(daySchedule(WEEKDAYS, undefined, calendar, '2026-02-17'))).toEqual(at('2026-02-17', '00:00'));
  });
});

import { describe, expect, it } from 'vitest';
import { WorkingDayCalendar } from '@onestop/common';
import { preExamDue } from '@onestop/common/contract';
import { remainingMinutes, scheduleClock, thresholdsDue, yearsTouched } from './sla-clock.rules.js';

const calendar = WorkingDayCalendar.fromOfficialData();
const at = (iso: string): Date => new Date(iso);
const HOUR = 3_600_000;

describe('scheduleClock', () => {
  it('puts a counter wait on wall time: 30 minutes, warnings at 15 and 22.5 minutes, even on a Sunday', () => {
    const start = at('2026-02-15T10:00:00+08:00'); // Sunday in the Spring Festival holiday
    const s = scheduleClock(calendar, start, { basis: 'WALL_MINUTES', minutes: 30 }, [50, 75]);
    expect(s.thresholds).toEqual([50, 75, 100]);
    expect(s.fireAts.map((d) => d.toISOString())).toEqual([
      '2026-02-15T02:15:00.000Z',
      '2026-02-15T02:22:30.000Z',
      '2026-02-15T02:30:00.000Z',
    ]);
    expect(s.due.toISOString()).toBe('2026-02-15T02:30:00.000Z');
    expect(s.provisional).toBe(false);
  });

  it('skips the Spring Festival holiday for working-day warnings and counts the working Saturday', () => {
    // Accepted Fri 13 Feb 2026 at 12:00; Sat 14 Feb is an adjusted working day; 15–23 Feb are off.
    const start = at('2026-02-13T12:00:00+08:00');
    const s = scheduleClock(calendar, start, { basis: 'WORKING_DAYS', workingDays: 5 }, [50, 75]);
    // 5 working days after Fri 13: Sat 14, Tue 24, Wed 25, Thu 26, Fri 27 → due at the end of Fri 27 Feb.
    expect(s.due.toISOString()).toBe('2026-02-27T16:00:00.000Z');
    // Allowed working time: the rest of Fri 13 (12 h) + 5 whole working days.
    expect(s.allowedMs).toBe(12 * HOUR + 5 * 24 * HOUR);
    // 50% = 66 h of working time: 12 h (Fri) + 24 h (Sat 14) + 24 h (Tue 24) + 6 h into Wed 25.
    expect(s.fireAts[0]!.toISOString()).toBe('2026-02-24T22:00:00.000Z');
    expect(calendar.workingMillisBetween(start, s.fireAts[1]!)).toBe(0.75 * s.allowedMs);
    expect(s.fireAts[2]).toEqual(s.due);
  });

  it('uses the due time another subgraph computed when given, with its provisional mark', () => {
    const start = at('2026-12-30T10:00:00+08:00');
    const deadline = preExamDue(calendar, start, 'B');
    expect(deadline.provisional).toBe(true); // reaches into 2027, not bundled
    const s = scheduleClock(calendar, start, { basis: 'WORKING_DAYS', workingDays: 3 }, [50, 75], deadline);
    expect(s.due).toEqual(deadline.due);
    expect(s.provisional).toBe(true);
  });

  it('schedules a clock with no warnings: only the breach', () => {
    const s = scheduleClock(calendar, at('2026-03-02T09:00:00+08:00'), { basis: 'WORKING_DAYS', workingDays: 1 }, []);
    expect(s.thresholds).toEqual([100]);
    expect(s.fireAts).toEqual([s.due]);
  });
});

describe('thresholdsDue', () => {
  const thresholds = [50, 75, 100];
  const fireAts = [at('2026-03-01T00:00:00Z'), at('2026-03-02T00:00:00Z'), at('2026-03-03T00:00:00Z')];

  it('emits nothing before the next threshold', () => {
    expect(thresholdsDue(thresholds, fireAts, 50, at('2026-02-28T23:59:59.999Z'))).toEqual({
      fired: [],
      nextThreshold: 50,
      nextFireAt: fireAts[0],
      breached: false,
    });
  });

  it('emits a threshold at the very instant it falls due', () => {
    const r = thresholdsDue(thresholds, fireAts, 50, fireAts[0]!);
    expect(r.fired).toEqual([{ threshold: 50, at: fireAts[0] }]);
    expect(r.nextThreshold).toBe(75);
  });

  it('emits every missed threshold once, in order, when the clock jumped past them', () => {
    const r = thresholdsDue(thresholds, fireAts, 50, at('2026-03-10T00:00:00Z'));
    expect(r.fired.map((f) => f.threshold)).toEqual([50, 75, 100]);
    expect(r.breached).toBe(true);
    expect(r.nextThreshold).toBeNull();
    expect(r.nextFireAt).toBeNull();
  });

  it('starts from the next threshold, never repeating an emitted one', () => {
    const r = thresholdsDue(thresholds, fireAts, 75, at('2026-03-10T00:00:00Z'));
    expect(r.fired.map((f) => f.threshold)).toEqual([75, 100]);
    expect(thresholdsDue(thresholds, fireAts, null, at('2026-03-10T00:00:00Z')).fired).toEqual([]);
  });
});

describe('remainingMinutes', () => {
  it('counts working time only, and goes negative once overdue', () => {
    const due = at('2026-02-24T16:00:00Z'); // end of Tue 24 Feb 2026
    // From Sun 22 Feb (holiday) noon: only Tue 24 counts.
    expect(remainingMinutes(calendar, 'WORKING_DAYS', at('2026-02-22T04:00:00Z'), due)).toBe(24 * 60);
    expect(remainingMinutes(calendar, 'WORKING_DAYS', at('2026-02-24T16:00:30Z'), due)).toBe(-1);
    expect(remainingMinutes(calendar, 'WORKING_DAYS', due, due)).toBe(0);
  });

  it('counts wall minutes for the counter wait', () => {
    expect(remainingMinutes(calendar, 'WALL_MINUTES', at('2026-02-22T04:00:00Z'), at('2026-02-22T04:30:00Z'))).toBe(30);
    expect(remainingMinutes(calendar, 'WALL_MINUTES', at('2026-02-22T04:45:00Z'), at('2026-02-22T04:30:00Z'))).toBe(
      -15,
    );
  });
});

describe('yearsTouched', () => {
  it('reads years in Asia/Shanghai and leaves out a due at 00:00 on 1 January', () => {
    expect(yearsTouched(at('2026-12-30T02:00:00Z'), at('2027-01-04T16:00:00Z'))).toEqual({ first: 2026, last: 2027 });
    expect(yearsTouched(at('2026-12-28T02:00:00Z'), at('2026-12-31T16:00:00Z'))).toEqual({ first: 2026, last: 2026 });
    expect(yearsTouched(at('2026-12-31T16:30:00Z'), at('2027-01-05T16:00:00Z'))).toEqual({ first: 2027, last: 2027 });
  });
});

import { describe, expect, it } from 'vitest';
import { addCalendarDays, shanghaiDayStart, WorkingDayCalendar } from '@onestop/common';
import { heldLongerThanCutoff, receiptCheck } from './custody-rules.js';

const calendar = WorkingDayCalendar.fromOfficialData();

describe('heldLongerThanCutoff', () => {
  it('agrees with workingDaysBetween for every start day around the 2026 Spring Festival and National Day', () => {
    for (const today of ['2026-02-24', '2026-02-14', '2026-10-09', '2026-10-12', '2026-03-02']) {
      const now = new Date(shanghaiDayStart(today).getTime() + 15 * 3_600_000); // 15:00 Shanghai
      for (const n of [0, 1, 5, 10]) {
        const cutoff = heldLongerThanCutoff(calendar, now, n);
        for (let back = 0; back <= 40; back++) {
          const day = addCalendarDays(today, -back);
          for (const hour of [0, 9, 23]) {
            const heldSince = new Date(shanghaiDayStart(day).getTime() + hour * 3_600_000);
            expect(heldSince < cutoff, `${today} n=${n} held ${day} ${hour}h`).toBe(
              calendar.workingDaysBetween(heldSince, now) > n,
            );
          }
        }
      }
    }
  });

  it('counts the Saturday adjusted working day and skips the holidays', () => {
    // Held Friday 13 Feb 2026; by Tue 24 Feb the working days after it are Sat 14 and Tue 24: 2.
    const now = new Date(shanghaiDayStart('2026-02-24').getTime() + 10 * 3_600_000);
    const held = new Date(shanghaiDayStart('2026-02-13').getTime() + 10 * 3_600_000);
    expect(calendar.workingDaysBetween(held, now)).toBe(2);
    expect(held < heldLongerThanCutoff(calendar, now, 1)).toBe(true);
    expect(held < heldLongerThanCutoff(calendar, now, 2)).toBe(false);
  });
});

describe('receiptCheck', () => {
  const heldSince = new Date('2026-03-02T02:00:00Z');
  it('is valid, with the Shanghai day of issue, only while the passport is held', () => {
    expect(receiptCheck({ heldSince, releasedAt: null })).toEqual({ valid: true, issuedOn: '2026-03-02' });
    expect(receiptCheck({ heldSince: new Date('2026-03-01T17:00:00Z'), releasedAt: null })).toEqual({
      valid: true,
      issuedOn: '2026-03-02',
    });
  });
  it('a released receipt reads exactly like an unknown number', () => {
    expect(receiptCheck({ heldSince, releasedAt: new Date('2026-03-09T02:00:00Z') })).toEqual(receiptCheck(null));
    expect(receiptCheck(null)).toEqual({ valid: false, issuedOn: null });
  });
});

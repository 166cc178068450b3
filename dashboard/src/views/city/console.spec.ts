import { describe, expect, it } from 'vitest';
import { toIsoDate } from '../calendar/notice';
import { cityHours, openingHoursAxis, sameWeekdayLastWeek } from './chart-time';
import { bySeverity, counterNowState } from './sla-state';

describe('city console: now, severity, chart axes, dates', () => {
  it('reads a counter’s state from its queue now, never from the day', () => {
    const now = (waiting: number, longest: number | null, open = true) =>
      counterNowState({ open, waiting, longestWaitMinutesNow: longest }, 30, [50, 75]);
    expect(now(0, null)).toBe('OK'); // breached earlier, empty now: on time now
    expect(now(3, 10)).toBe('OK');
    expect(now(3, 15)).toBe('WARNING');
    expect(now(3, 31)).toBe('BREACHED');
    expect(now(0, null, false)).toBe('CLOSED');
    expect(now(2, 40, false)).toBe('BREACHED'); // closed with people still waiting
  });

  it('sorts the most severe first: breached now, then idle windows, then the longest wait', () => {
    const row = (state: 'OK' | 'BREACHED' | 'WARNING', idleFlag = false, longest = 0) => ({
      state,
      idleFlag,
      longest,
      breaches: 0,
      waiting: 0,
    });
    const rows = [row('OK'), row('OK', true), row('BREACHED'), row('WARNING', false, 20), row('WARNING', false, 25)];
    expect(rows.sort(bySeverity).map((r) => `${r.state}${r.idleFlag ? '+idle' : ''}:${r.longest}`)).toEqual([
      'BREACHED:0',
      'WARNING:25',
      'WARNING:20',
      'OK+idle:0',
      'OK:0',
    ]);
  });

  it('spans the opening hours with a tick every hour (Asia/Shanghai)', () => {
    const { domain, ticks } = openingHoursAxis('2026-12-07', [{ opens: '09:00', closes: '17:00' }]);
    expect(new Date(domain[0]).toISOString()).toBe('2026-12-07T01:00:00.000Z');
    expect(new Date(domain[1]).toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(ticks).toHaveLength(9);
    const counters = [
      { openingHours: [{ weekday: 6, opens: '09:00', closes: '12:00' }] },
      { openingHours: [{ weekday: 1, opens: '08:30', closes: '17:00' }] },
    ];
    expect(cityHours('2026-12-12', counters)).toEqual([{ opens: '09:00', closes: '12:00' }]); // a Saturday
    expect(cityHours('2026-12-13', counters)).toEqual([]); // a Sunday
    expect(sameWeekdayLastWeek('2026-03-02')).toBe('2026-02-23');
  });

  it('takes dates ISO or day first, as the page shows them, never month first', () => {
    expect(toIsoDate('2027-10-01')).toBe('2027-10-01');
    expect(toIsoDate('1/10/2027')).toBe('2027-10-01');
    expect(toIsoDate('01.10.2027')).toBe('2027-10-01');
    expect(toIsoDate('13/25/2027')).toBeNull();
    expect(toIsoDate('2027-02-30')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { StartupError } from '@onestop/common';
import { DEFAULT_BOOKING_HORIZON_DAYS, loadCounterSchedulingConfig } from './config.js';

describe('loadCounterSchedulingConfig', () => {
  it('books 60 days ahead by default and takes BOOKING_HORIZON_DAYS from 1 to 366', () => {
    expect(loadCounterSchedulingConfig({}).bookingHorizonDays).toBe(DEFAULT_BOOKING_HORIZON_DAYS);
    expect(DEFAULT_BOOKING_HORIZON_DAYS).toBe(60);
    expect(loadCounterSchedulingConfig({ BOOKING_HORIZON_DAYS: '14' }).bookingHorizonDays).toBe(14);
    expect(loadCounterSchedulingConfig({ BOOKING_HORIZON_DAYS: '366' }).bookingHorizonDays).toBe(366);
  });

  it('stops the start-up with one line on a horizon that is not a whole number of days from 1 to 366', () => {
    for (const bad of ['0', '367', '30.5', 'ninety', '-1']) {
      expect(() => loadCounterSchedulingConfig({ BOOKING_HORIZON_DAYS: bad })).toThrow(StartupError);
    }
    expect(() => loadCounterSchedulingConfig({ BOOKING_HORIZON_DAYS: '0' })).toThrow(
      'BOOKING_HORIZON_DAYS=0 is not a whole number between 1 and 366.',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { EnvReader, StartupError } from '@onestop/common';
import { readSlaCalendarConfig } from './sla-calendar.config.js';

describe('readSlaCalendarConfig', () => {
  it('sweeps every 200 ms, 500 clocks a transaction, by default; takes both from the environment', () => {
    expect(readSlaCalendarConfig(new EnvReader({}))).toEqual({ sweepIntervalMs: 200, sweepBatchSize: 500 });
    expect(readSlaCalendarConfig(new EnvReader({ SLA_SWEEP_INTERVAL_MS: '250', SLA_SWEEP_BATCH_SIZE: '20' }))).toEqual({
      sweepIntervalMs: 250,
      sweepBatchSize: 20,
    });
  });

  it('stops the start-up on a pause over 250 ms (a warning must be emitted within a second) or a bad batch', () => {
    for (const env of [
      { SLA_SWEEP_INTERVAL_MS: '251' },
      { SLA_SWEEP_INTERVAL_MS: '9' },
      { SLA_SWEEP_BATCH_SIZE: '0' },
      { SLA_SWEEP_BATCH_SIZE: '10001' },
      { SLA_SWEEP_BATCH_SIZE: 'many' },
    ]) {
      expect(() => readSlaCalendarConfig(new EnvReader(env))).toThrow(StartupError);
    }
  });
});

import type { EnvReader } from '@onestop/common';

/**
 * The SLA/calendar section of counter-scheduling's settings (read by `config.ts`, validated at
 * start-up; .env.example lists them).
 */
export interface SlaCalendarConfig {
  /** Pause between sweeps. At most 250 ms: a warning or breach is emitted within a second of falling due. */
  sweepIntervalMs: number;
  /** Clocks locked and fired per sweep transaction. */
  sweepBatchSize: number;
}

/** Reads the SLA/calendar settings; a bad value stops the start-up with one line. */
export function readSlaCalendarConfig(r: EnvReader): SlaCalendarConfig {
  return {
    sweepIntervalMs: r.int('SLA_SWEEP_INTERVAL_MS', 200, 10, 250),
    sweepBatchSize: r.int('SLA_SWEEP_BATCH_SIZE', 500, 1, 10_000),
  };
}

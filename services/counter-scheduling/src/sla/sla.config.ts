import { EnvReader } from '@onestop/common';

/** Settings of the SLA sweeper, validated at start-up (.env.example lists them). */
export interface SlaConfig {
  /** Pause between sweeps. At most 250 ms: a warning or breach is emitted within a second of falling due. */
  sweepIntervalMs: number;
  /** Clocks locked and fired per sweep transaction. */
  sweepBatchSize: number;
}

export function loadSlaConfig(env: Readonly<Record<string, string | undefined>> = process.env): SlaConfig {
  const r = new EnvReader(env);
  return {
    sweepIntervalMs: r.int('SLA_SWEEP_INTERVAL_MS', 200, 10, 250),
    sweepBatchSize: r.int('SLA_SWEEP_BATCH_SIZE', 500, 1, 10_000),
  };
}

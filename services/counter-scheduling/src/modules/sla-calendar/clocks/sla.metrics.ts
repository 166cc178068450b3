import type { DataSource } from 'typeorm';
import type { Clock, ProcessMetrics } from '@onestop/common';

/** What the sweeper reports after each pass. */
export type SweepObserver = (seconds: number, clocks: number) => void;

/**
 * The SLA families of counter-scheduling's `/metrics`: each sweep pass's duration and the
 * clocks it fired, and (read at scrape time, on the sweeper's own partial index) how many
 * running clocks are due now and not yet fired, which stays near zero while sweeps keep up.
 */
export function registerSlaMetrics({
  metrics,
  ds,
  clock,
}: {
  metrics: ProcessMetrics;
  ds: DataSource;
  clock: Clock;
}): SweepObserver {
  const duration = metrics.histogram({
    name: 'onestop_sla_sweep_duration_seconds',
    help: 'Duration of one SLA sweep pass (one transaction over up to SLA_SWEEP_BATCH_SIZE due clocks).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  const fired = metrics.counter({
    name: 'onestop_sla_clocks_fired_total',
    help: 'SLA clocks whose warning or breach a sweep emitted.',
  });
  metrics.gauge({
    name: 'onestop_sla_clocks_due',
    help: 'Running SLA clocks whose next warning or breach is due now and not yet emitted.',
    async collect() {
      if (!ds.isInitialized) return;
      const rows: { due: string }[] = await ds
        .query(`SELECT count(*)::text AS due FROM cs.sla_clock WHERE state = 'RUNNING' AND next_fire_at <= $1`, [
          clock.now(),
        ])
        .catch(() => []);
      if (rows[0]) this.set(Number(rows[0].due));
    },
  });
  return (seconds, clocks) => {
    duration.observe(seconds);
    if (clocks) fired.inc(clocks);
  };
}

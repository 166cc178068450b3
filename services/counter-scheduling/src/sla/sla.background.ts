import { type SubgraphRuntime } from '@onestop/common';
import { EventHandlers } from '@onestop/common/contract';
import { SLA_CLOCK_EVENT_TYPES, SlaClockService } from './sla-clock.service.js';
import { SlaSweeper } from './sla-sweeper.js';
import { loadSlaConfig } from './sla.config.js';
import { registerSlaMetrics } from './sla.metrics.js';

/** The durable consumer that starts, stops and recomputes clocks; shared by every instance. */
export const SLA_CLOCKS_CONSUMER = 'counter-scheduling.sla-clocks';

/**
 * Starts the SLA background work of one instance: the clock consumer and the sweeper.
 * Returns how to stop both.
 */
export async function startSlaBackground(runtime: SubgraphRuntime): Promise<() => Promise<void>> {
  const config = loadSlaConfig();
  const clocks = new SlaClockService({
    events: runtime.events,
    calendar: runtime.calendar,
    clock: runtime.clock,
    logger: runtime.logger.child({ component: 'sla-clocks' }),
  });
  // One event per transaction: a handler appends its events last, so it never waits for a
  // clock row while holding the event log's append lock (the sweeper's order is the reverse:
  // rows first, with SKIP LOCKED, then the append lock), and the two cannot deadlock.
  const consumer = runtime.events.consume(
    SLA_CLOCKS_CONSUMER,
    { batchSize: 1 },
    new EventHandlers().on(SLA_CLOCK_EVENT_TYPES, (event, tx) => clocks.handle(event, tx)),
  );
  await consumer.start();
  const sweeper = new SlaSweeper({
    ds: runtime.ds,
    events: runtime.events,
    clock: runtime.clock,
    logger: runtime.logger.child({ component: 'sla-sweeper' }),
    intervalMs: config.sweepIntervalMs,
    batchSize: config.sweepBatchSize,
    onSweep: registerSlaMetrics(runtime),
  });
  sweeper.start();
  return async () => {
    await sweeper.stop();
    await consumer.stop();
  };
}

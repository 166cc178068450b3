import type { SubgraphRuntime } from '@onestop/common';
import { counterOperations } from './operations.js';
import { startCaseReadinessConsumer } from './modules/counter-operations/readiness/case-readiness.consumer.js';
import { startCounterSweeper } from './modules/counter-operations/shared/counter-sweeper.js';
import { startPermitIssueConsumer } from './modules/counter-operations/throughput/permit-issue.consumer.js';

/**
 * Background work of counter operations: the case-readiness projection, the permits issued
 * (for throughput), and the time-driven sweep (no-shows; each counter's day closed at closing time).
 */
export async function startCounterOperations(rt: SubgraphRuntime): Promise<() => Promise<void>> {
  const ops = counterOperations(rt);
  const readiness = startCaseReadinessConsumer(rt, { queue: ops.queue, appointments: ops.appointments });
  await readiness.start();
  const permits = startPermitIssueConsumer(rt);
  await permits.start();
  const stopSweeper = await startCounterSweeper(rt, [
    { name: 'no-shows', limit: 100, run: (limit) => ops.appointments.sweepNoShows(limit) },
    { name: 'closing', limit: 200, run: (limit) => ops.queue.sweepClosing(limit) },
  ]);
  return async () => {
    await stopSweeper();
    await permits.stop();
    await readiness.stop();
  };
}

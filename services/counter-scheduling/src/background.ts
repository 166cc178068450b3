import type { SubgraphRuntime } from '@onestop/common';
import { startNoShowSweeper } from './appointment/no-show.sweeper.js';
import { counterOperations } from './operations.js';
import { startCaseReadinessConsumer } from './readiness/case-readiness.consumer.js';

/** Background work of counter operations: the case-readiness projection and the no-show sweep. */
export async function startCounterOperations(rt: SubgraphRuntime): Promise<() => Promise<void>> {
  const ops = counterOperations(rt);
  const readiness = startCaseReadinessConsumer(rt, ops.appointments);
  await readiness.start();
  const stopSweeper = await startNoShowSweeper(rt, ops.appointments);
  return async () => {
    await stopSweeper();
    await readiness.stop();
  };
}

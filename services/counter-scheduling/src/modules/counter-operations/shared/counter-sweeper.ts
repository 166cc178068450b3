import { CLOCK_CHANNEL, type SubgraphRuntime } from '@onestop/common';

/** How often the sweep runs without being woken by a clock change. */
export const COUNTER_SWEEP_INTERVAL_MS = 1000;

/**
 * One kind of time-driven work: handles what has fallen due by the injected clock, at most
 * `limit` items per call, and returns how many it handled (a full batch means more may be due).
 */
export interface SweepPass {
  name: string;
  limit: number;
  run(limit: number): Promise<number>;
}

/**
 * The counters' time-driven work (no-shows after a slot ends, the day's queue and windows
 * closed when a counter closes): at start (catching up on whatever fell due while the process
 * was down), every second, and at once when the shared development clock moves, each pass
 * runs until it finds less than a full batch. Passes are safe with several instances (they
 * lock with SKIP LOCKED); one failing pass does not hold the others back.
 */
export async function startCounterSweeper(
  rt: SubgraphRuntime,
  passes: readonly SweepPass[],
): Promise<() => Promise<void>> {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  const sweep = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        for (const pass of passes) {
          try {
            while (!stopped && (await pass.run(pass.limit)) >= pass.limit) {
              // a full batch: more may be due
            }
          } catch (err) {
            rt.logger.warn({ err: (err as Error).message, pass: pass.name }, 'counter sweep failed; retrying');
          }
        }
      } finally {
        running = undefined;
        if (again) {
          again = false;
          sweep();
        }
      }
    })();
  };
  const timer = setInterval(sweep, COUNTER_SWEEP_INTERVAL_MS);
  timer.unref();
  const unlisten = await rt.listener.listen(CLOCK_CHANNEL, () => setTimeout(sweep, 20));
  sweep();
  return async () => {
    stopped = true;
    clearInterval(timer);
    unlisten();
    await running;
  };
}

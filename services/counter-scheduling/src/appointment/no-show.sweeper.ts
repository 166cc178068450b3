import { CLOCK_CHANNEL, type SubgraphRuntime } from '@onestop/common';
import type { AppointmentService } from './appointment.service.js';

/** How often the sweep runs without being woken by a clock change. */
export const NO_SHOW_SWEEP_INTERVAL_MS = 1000;

/**
 * Records no-shows: every second, and at once when the shared development clock moves, each
 * booked appointment whose slot has ended (by the injected clock) without a check-in becomes
 * NO_SHOW with `appointment.no-show`. Safe with several instances (SKIP LOCKED).
 */
export async function startNoShowSweeper(
  rt: SubgraphRuntime,
  appointments: AppointmentService,
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
        while (!stopped && (await appointments.sweepNoShows()) > 0) {
          // a full batch: more may be due
        }
      } catch (err) {
        rt.logger.warn({ err: (err as Error).message }, 'no-show sweep failed; retrying');
      } finally {
        running = undefined;
        if (again) {
          again = false;
          sweep();
        }
      }
    })();
  };
  const timer = setInterval(sweep, NO_SHOW_SWEEP_INTERVAL_MS);
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

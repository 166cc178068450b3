import { StartupError } from '../errors.js';

/**
 * Runs a process's start function: a start-up failure prints one line that says what to
 * do (no stack trace) and exits 1; SIGINT/SIGTERM stop the process cleanly. A process started
 * by a supervisor with an IPC channel (`pnpm start`, the testkit) also stops when that channel
 * closes: the supervisor is gone, and nothing should outlive it.
 */
export function runMain(start: () => Promise<{ stop(): Promise<void> }>): void {
  start().then(
    (running) => {
      let stopping = false;
      const stop = (): void => {
        if (stopping) return;
        stopping = true;
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
        setTimeout(() => process.exit(1), 10_000).unref();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      if (process.send) {
        process.on('disconnect', stop);
        if (!process.connected) stop();
      }
    },
    (err: unknown) => {
      if (err instanceof StartupError || (err instanceof Error && err.name === 'StartupError')) {
        process.stderr.write(`error: ${err.message}\n`);
      } else {
        process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
      }
      process.exit(1);
    },
  );
}

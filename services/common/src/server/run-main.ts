import { StartupError } from '../errors.js';

/**
 * Runs a process's start function: a start-up failure prints one line that says what to
 * do (no stack trace) and exits 1; SIGINT/SIGTERM stop the process cleanly.
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

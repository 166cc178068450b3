import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** When the process began to exit (0: it has not). */
let exitingSince = 0;
/** The stdout streams of the loggers of this process, for the exit guard below. */
const destinations: (DestinationStream & { flushSync(): void })[] = [];

/**
 * How long a log write may keep failing with EAGAIN (the reader of stdout is not reading) while
 * the process exits, before the remaining lines are dropped. While running, writes keep
 * retrying (nothing is dropped).
 */
const EXIT_FLUSH_LIMIT_MS = 2_000;

function retryEAGAIN(): boolean {
  return exitingSince === 0 || performance.now() - exitingSince < EXIT_FLUSH_LIMIT_MS;
}

/**
 * pino flushes its buffer synchronously on exit, and sonic-boom retries that flush forever on
 * any error but EAGAIN: a service whose supervisor died (EPIPE on stdout) hung in
 * `process.exit` for good. A process started by a supervisor (`pnpm start`, the testkit) whose
 * channel has closed has nobody reading its stdout, so its last lines are dropped instead, as
 * pino itself does on EPIPE while running.
 */
function guardExitFlush(): void {
  exitingSince = performance.now();
  if (process.send && !process.connected) {
    for (const d of destinations) d.flushSync = () => undefined;
  }
}

/** Structured JSON logs; one logger per process, children per request carry the request id. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  // Before pino's own exit flush, which runs from a later 'exit' listener.
  if (destinations.length === 0) process.prependListener('exit', guardExitFlush);
  const destination = pino.destination({ dest: 1, sync: false, retryEAGAIN });
  destinations.push(destination);
  return pino(
    {
      name,
      level,
      redact: {
        paths: ['req.headers.authorization', '*.passportNumber', '*.dateOfBirth', 'authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

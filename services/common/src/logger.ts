import { pino, type Logger } from 'pino';

export type { Logger };

/** When the process began to exit (0: it has not). */
let exitingSince = 0;
let exitWatched = false;

/**
 * How long a log write may keep failing with EAGAIN (the reader of stdout is not reading) while
 * the process exits, before the remaining lines are dropped. pino flushes its buffer on exit and,
 * by default, retries EAGAIN forever: a service whose supervisor died with a full pipe then hung
 * inside `process.exit` for good. While running, writes keep retrying (nothing is dropped).
 */
const EXIT_FLUSH_LIMIT_MS = 2_000;

function retryEAGAIN(): boolean {
  return exitingSince === 0 || performance.now() - exitingSince < EXIT_FLUSH_LIMIT_MS;
}

/** Structured JSON logs; one logger per process, children per request carry the request id. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  if (!exitWatched) {
    exitWatched = true;
    // Before pino's own exit flush, which runs from a later 'exit' listener.
    process.prependListener('exit', () => (exitingSince = performance.now()));
  }
  return pino(
    {
      name,
      level,
      redact: {
        paths: ['req.headers.authorization', '*.passportNumber', '*.dateOfBirth', 'authorization'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: 1, sync: false, retryEAGAIN }),
  );
}
